package dev.llmedt.sasrec;

import static dev.llmedt.check.Require.inClosedOpen;
import static dev.llmedt.check.Require.inOpen;
import static dev.llmedt.check.Require.inRange;

/**
 * Hyper-parameters of a SASRec model and its training. The defaults are the reference settings
 * (the PyTorch run this library is compared with): width 64, 2 blocks, 1 head, dropout 0.2 (also
 * on attention weights), window 50, Adam lr 1e-3 betas (0.9, 0.98), batch 128, at most 40 epochs,
 * early stopping on validation NDCG@10 (full ranking) with patience 10, seed 42.
 *
 * @param dim hidden width, in [1, 4096], a multiple of heads
 * @param blocks attention blocks, in [1, 64]
 * @param heads attention heads, in [1, 256]
 * @param maxLength window: the last maxLength items are used, in [1, 4096]
 * @param dropout dropout rate (embeddings, attention weights, feed-forward), in [0, 1)
 * @param layerNormEps epsilon of the layer norms, in (0, 1)
 * @param learningRate Adam learning rate, in (0, 10)
 * @param beta1 Adam beta1, in [0, 1)
 * @param beta2 Adam beta2, in [0, 1)
 * @param adamEps Adam epsilon, in (0, 1)
 * @param weightDecay L2 weight decay added to the gradient (Adam), in [0, 1)
 * @param batchSize training sequences per batch, in [1, 65536]
 * @param maxEpochs most training epochs, in [1, 100000]
 * @param patience epochs without a better validation NDCG@10 before stopping, in [1, 100000]
 * @param seed the seed of initialization, shuffling, negatives and dropout
 * @param threads worker threads, 0 = all available processors, else in [1, 256]
 * @param domain null to train on mixed sequences (the cross-domain baseline), or the name of the
 *     one domain to keep (single-domain mode: other domains' items are removed)
 */
public record SasRecConfig(int dim, int blocks, int heads, int maxLength, double dropout, double layerNormEps, double learningRate,
        double beta1, double beta2, double adamEps, double weightDecay, int batchSize, int maxEpochs, int patience, long seed,
        int threads, String domain) {

    /** Validates every field; messages name the parameter, the value and the allowed range. */
    public SasRecConfig {
        inRange("dim", dim, 1, 4096);
        inRange("blocks", blocks, 1, 64);
        inRange("heads", heads, 1, 256);
        if (dim % heads != 0) {
            throw new IllegalArgumentException("dim (" + dim + ") must be a multiple of heads (" + heads + ")");
        }
        inRange("maxLength", maxLength, 1, 4096);
        inClosedOpen("dropout", dropout, 0, 1);
        inOpen("layerNormEps", layerNormEps, 0, 1);
        inOpen("learningRate", learningRate, 0, 10);
        inClosedOpen("beta1", beta1, 0, 1);
        inClosedOpen("beta2", beta2, 0, 1);
        inOpen("adamEps", adamEps, 0, 1);
        inClosedOpen("weightDecay", weightDecay, 0, 1);
        inRange("batchSize", batchSize, 1, 65536);
        inRange("maxEpochs", maxEpochs, 1, 100000);
        inRange("patience", patience, 1, 100000);
        if (threads != 0) {
            inRange("threads", threads, 1, 256);
        }
        if (domain != null && domain.isBlank()) {
            throw new IllegalArgumentException("domain must be null (mixed) or a domain name, got a blank string");
        }
    }

    /** Returns the reference settings. */
    public static SasRecConfig defaults() {
        return builder().build();
    }

    /** Returns a builder starting from the reference settings. */
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
        b.learningRate = learningRate;
        b.beta1 = beta1;
        b.beta2 = beta2;
        b.adamEps = adamEps;
        b.weightDecay = weightDecay;
        b.batchSize = batchSize;
        b.maxEpochs = maxEpochs;
        b.patience = patience;
        b.seed = seed;
        b.threads = threads;
        b.domain = domain;
        return b;
    }

    /** Returns the number of worker threads this configuration resolves to on this machine. */
    public int resolvedThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    /** A builder; each setter checks its value at once. */
    public static final class Builder {
        private int dim = 64;
        private int blocks = 2;
        private int heads = 1;
        private int maxLength = 50;
        private double dropout = 0.2;
        private double layerNormEps = 1e-8;
        private double learningRate = 1e-3;
        private double beta1 = 0.9;
        private double beta2 = 0.98;
        private double adamEps = 1e-8;
        private double weightDecay = 0;
        private int batchSize = 128;
        private int maxEpochs = 40;
        private int patience = 10;
        private long seed = 42;
        private int threads = 0;
        private String domain = null;

        private Builder() {
        }

        /** Hidden width, in [1, 4096] (default 64). */
        public Builder dim(int v) {
            inRange("dim", v, 1, 4096);
            dim = v;
            return this;
        }

        /** Attention blocks, in [1, 64] (default 2). */
        public Builder blocks(int v) {
            inRange("blocks", v, 1, 64);
            blocks = v;
            return this;
        }

        /** Attention heads, in [1, 256] (default 1). */
        public Builder heads(int v) {
            inRange("heads", v, 1, 256);
            heads = v;
            return this;
        }

        /** Window length, in [1, 4096] (default 50). */
        public Builder maxLength(int v) {
            inRange("maxLength", v, 1, 4096);
            maxLength = v;
            return this;
        }

        /** Dropout rate, in [0, 1) (default 0.2). */
        public Builder dropout(double v) {
            inClosedOpen("dropout", v, 0, 1);
            dropout = v;
            return this;
        }

        /** Layer-norm epsilon, in (0, 1) (default 1e-8). */
        public Builder layerNormEps(double v) {
            inOpen("layerNormEps", v, 0, 1);
            layerNormEps = v;
            return this;
        }

        /** Adam learning rate, in (0, 10) (default 1e-3). */
        public Builder learningRate(double v) {
            inOpen("learningRate", v, 0, 10);
            learningRate = v;
            return this;
        }

        /** Adam beta1, in [0, 1) (default 0.9). */
        public Builder beta1(double v) {
            inClosedOpen("beta1", v, 0, 1);
            beta1 = v;
            return this;
        }

        /** Adam beta2, in [0, 1) (default 0.98). */
        public Builder beta2(double v) {
            inClosedOpen("beta2", v, 0, 1);
            beta2 = v;
            return this;
        }

        /** Adam epsilon, in (0, 1) (default 1e-8). */
        public Builder adamEps(double v) {
            inOpen("adamEps", v, 0, 1);
            adamEps = v;
            return this;
        }

        /** L2 weight decay, in [0, 1) (default 0). */
        public Builder weightDecay(double v) {
            inClosedOpen("weightDecay", v, 0, 1);
            weightDecay = v;
            return this;
        }

        /** Sequences per batch, in [1, 65536] (default 128). */
        public Builder batchSize(int v) {
            inRange("batchSize", v, 1, 65536);
            batchSize = v;
            return this;
        }

        /** Most epochs, in [1, 100000] (default 40). */
        public Builder maxEpochs(int v) {
            inRange("maxEpochs", v, 1, 100000);
            maxEpochs = v;
            return this;
        }

        /** Early-stopping patience in epochs, in [1, 100000] (default 10). */
        public Builder patience(int v) {
            inRange("patience", v, 1, 100000);
            patience = v;
            return this;
        }

        /** The seed (default 42). */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Worker threads, 0 = all processors, else in [1, 256] (default 0). */
        public Builder threads(int v) {
            if (v != 0) {
                inRange("threads", v, 1, 256);
            }
            threads = v;
            return this;
        }

        /** Train on one domain only (null = mixed sequences, the default). */
        public Builder domain(String v) {
            if (v != null && v.isBlank()) {
                throw new IllegalArgumentException("domain must be null (mixed) or a domain name, got a blank string");
            }
            domain = v;
            return this;
        }

        /** Builds the configuration, checking cross-field rules (dim a multiple of heads). */
        public SasRecConfig build() {
            return new SasRecConfig(dim, blocks, heads, maxLength, dropout, layerNormEps, learningRate, beta1, beta2, adamEps,
                    weightDecay, batchSize, maxEpochs, patience, seed, threads, domain);
        }
    }
}
