package dev.llmedt.dualphase;

import static dev.llmedt.check.Require.inClosedOpen;
import static dev.llmedt.check.Require.inOpen;
import static dev.llmedt.check.Require.inRange;

import java.util.Objects;

/**
 * The SASRec backbone and the item representation of an LLM-EDT model.
 *
 * @param dim hidden width, in [1, 4096], a multiple of heads (default 64)
 * @param blocks attention blocks, in [1, 64] (default 2)
 * @param heads attention heads, in [1, 256] (default 1)
 * @param maxLength window: the last maxLength items are used, in [1, 4096] (default 50)
 * @param dropout dropout rate (embeddings, attention weights, feed-forward), in [0, 1) (default 0.2)
 * @param layerNormEps layer-norm epsilon, in (0, 1) (default 1e-8)
 * @param itemRepresentation how items become vectors (default {@link ItemRepresentation#HYBRID})
 * @param pcaDimension reduce the text embeddings to this many principal components before the
 *     adapter, 0 = keep them whole; in [0, 65536] (default 128)
 * @param adapterHidden the item adapter's middle width, 0 = half its input width; in [0, 65536]
 *     (default 0)
 * @param domainAdapters one item adapter per domain instead of one shared by all items (default false)
 * @param idDropout ID dropout of hybrid items in phase 1: the probability that, in a training step,
 *     an item with text loses its learned ID vector and is represented by its adapted text vector
 *     alone (the kept ID vectors are scaled by {@code 1 / (1 - idDropout)}; evaluation and serving
 *     use both parts unscaled), in [0, 1) (default 0.4: chosen on the mixed-loo validation cases,
 *     3 seeds, among 0, 0.2 and 0.4; 0 turns it off)
 * @param outputProjection whether the final hidden state passes through a learned linear map
 *     {@code h' = W h + b} (started at the identity) before it scores items: the score of an item
 *     after an input that reaches the output through the residual stream is then a general
 *     bilinear form of their vectors, not their dot product, so complements can outrank
 *     near-duplicates (default false)
 */
public record BackboneConfig(int dim, int blocks, int heads, int maxLength, double dropout, double layerNormEps,
        ItemRepresentation itemRepresentation, int pcaDimension, int adapterHidden, boolean domainAdapters, double idDropout,
        boolean outputProjection) {

    /** Validates every field; messages name the parameter, the value and the allowed range. */
    public BackboneConfig {
        inRange("dim", dim, 1, 4096);
        inRange("blocks", blocks, 1, 64);
        inRange("heads", heads, 1, 256);
        if (dim % heads != 0) {
            throw new IllegalArgumentException("dim (" + dim + ") must be a multiple of heads (" + heads + ")");
        }
        inRange("maxLength", maxLength, 1, 4096);
        inClosedOpen("dropout", dropout, 0, 1);
        inOpen("layerNormEps", layerNormEps, 0, 1);
        Objects.requireNonNull(itemRepresentation, "itemRepresentation");
        inRange("pcaDimension", pcaDimension, 0, 65536);
        inRange("adapterHidden", adapterHidden, 0, 65536);
        inClosedOpen("idDropout", idDropout, 0, 1);
    }

    /** Returns the defaults. */
    public static BackboneConfig defaults() {
        return builder().build();
    }

    /** Returns a builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.dim = dim;
        b.blocks = blocks;
        b.heads = heads;
        b.maxLength = maxLength;
        b.dropout = dropout;
        b.layerNormEps = layerNormEps;
        b.itemRepresentation = itemRepresentation;
        b.pcaDimension = pcaDimension;
        b.adapterHidden = adapterHidden;
        b.domainAdapters = domainAdapters;
        b.idDropout = idDropout;
        b.outputProjection = outputProjection;
        return b;
    }

    /** A builder; each setter checks its value at once. */
    public static final class Builder {
        private int dim = 64;
        private int blocks = 2;
        private int heads = 1;
        private int maxLength = 50;
        private double dropout = 0.2;
        private double layerNormEps = 1e-8;
        private ItemRepresentation itemRepresentation = ItemRepresentation.HYBRID;
        private int pcaDimension = 128;
        private int adapterHidden = 0;
        private boolean domainAdapters = false;
        private double idDropout = 0.4;
        private boolean outputProjection = false;

        private Builder() {
        }

        /** Hidden width, in [1, 4096] (default 64). */
        public Builder dim(int v) {
            dim = inRange("dim", v, 1, 4096);
            return this;
        }

        /** Attention blocks, in [1, 64] (default 2). */
        public Builder blocks(int v) {
            blocks = inRange("blocks", v, 1, 64);
            return this;
        }

        /** Attention heads, in [1, 256] (default 1). */
        public Builder heads(int v) {
            heads = inRange("heads", v, 1, 256);
            return this;
        }

        /** Window length, in [1, 4096] (default 50). */
        public Builder maxLength(int v) {
            maxLength = inRange("maxLength", v, 1, 4096);
            return this;
        }

        /** Dropout rate, in [0, 1) (default 0.2). */
        public Builder dropout(double v) {
            dropout = inClosedOpen("dropout", v, 0, 1);
            return this;
        }

        /** Layer-norm epsilon, in (0, 1) (default 1e-8). */
        public Builder layerNormEps(double v) {
            layerNormEps = inOpen("layerNormEps", v, 0, 1);
            return this;
        }

        /** How items become vectors (default hybrid). */
        public Builder itemRepresentation(ItemRepresentation v) {
            itemRepresentation = Objects.requireNonNull(v, "itemRepresentation");
            return this;
        }

        /** Principal components kept of the text embeddings, 0 = all, in [0, 65536] (default 128). */
        public Builder pcaDimension(int v) {
            pcaDimension = inRange("pcaDimension", v, 0, 65536);
            return this;
        }

        /** The item adapter's middle width, 0 = half its input, in [0, 65536] (default 0). */
        public Builder adapterHidden(int v) {
            adapterHidden = inRange("adapterHidden", v, 0, 65536);
            return this;
        }

        /** One item adapter per domain instead of a shared one (default false). */
        public Builder domainAdapters(boolean v) {
            domainAdapters = v;
            return this;
        }

        /**
         * ID dropout of hybrid items in phase 1: the probability that an item with text trains a step on
         * its text vector alone, in [0, 1) (default 0.4; 0 turns it off).
         */
        public Builder idDropout(double v) {
            idDropout = inClosedOpen("idDropout", v, 0, 1);
            return this;
        }

        /** Whether a learned linear map, started at the identity, maps the final hidden state before scoring (default false). */
        public Builder outputProjection(boolean v) {
            outputProjection = v;
            return this;
        }

        /** Builds the configuration, checking cross-field rules (dim a multiple of heads). */
        public BackboneConfig build() {
            return new BackboneConfig(dim, blocks, heads, maxLength, dropout, layerNormEps, itemRepresentation, pcaDimension,
                    adapterHidden, domainAdapters, idDropout, outputProjection);
        }
    }
}
