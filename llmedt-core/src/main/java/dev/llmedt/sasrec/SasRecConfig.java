package dev.llmedt.sasrec;

import static dev.llmedt.check.Require.inRange;

import dev.llmedt.dualphase.BackboneConfig;
import dev.llmedt.dualphase.ItemRepresentation;
import dev.llmedt.dualphase.PretrainingConfig;

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
 * @param plateauPatience epochs without a better validation NDCG@10 after which the learning rate is
 *     halved, 0 = never (the reference's constant rate), in [0, 100000]
 * @param plateauFromEpoch the first epoch whose end may halve the learning rate (a plateau counts only
 *     the epochs from this one on), 0 or 1 = from the start, in [0, 100000]
 * @param seed the seed of initialization, shuffling, negatives and dropout
 * @param threads worker threads, 0 = all available processors, else in [1, 256]
 * @param domain null to train on mixed sequences (the cross-domain baseline), or the name of the
 *     one domain to keep (single-domain mode: other domains' items are removed)
 */
public record SasRecConfig(int dim, int blocks, int heads, int maxLength, double dropout, double layerNormEps, double learningRate,
        double beta1, double beta2, double adamEps, double weightDecay, int batchSize, int maxEpochs, int patience, int plateauPatience,
        int plateauFromEpoch, long seed, int threads, String domain) {

    /**
     * Validates every field; messages name the parameter, the value and the allowed range. The
     * network's and the optimizer's fields are checked by {@link BackboneConfig} and
     * {@link PretrainingConfig} (one place for each rule): a SASRec configuration is a backbone
     * with ID items, a phase-1 training configuration, a seed, threads and an optional domain.
     */
    public SasRecConfig {
        backboneOf(dim, blocks, heads, maxLength, dropout, layerNormEps);
        new PretrainingConfig(learningRate, beta1, beta2, adamEps, weightDecay, batchSize, maxEpochs, patience, plateauPatience,
                plateauFromEpoch);
        if (threads != 0) {
            inRange("threads", threads, 1, 256);
        }
        if (domain != null && domain.isBlank()) {
            throw new IllegalArgumentException("domain must be null (mixed) or a domain name, got a blank string");
        }
    }

    /** A configuration whose learning-rate halving may start from the first epoch ({@code plateauFromEpoch} 0). */
    public SasRecConfig(int dim, int blocks, int heads, int maxLength, double dropout, double layerNormEps, double learningRate,
            double beta1, double beta2, double adamEps, double weightDecay, int batchSize, int maxEpochs, int patience, int plateauPatience,
            long seed, int threads, String domain) {
        this(dim, blocks, heads, maxLength, dropout, layerNormEps, learningRate, beta1, beta2, adamEps, weightDecay, batchSize, maxEpochs,
                patience, plateauPatience, 0, seed, threads, domain);
    }

    /**
     * Returns the configuration of a backbone and a phase-1 training: SASRec is LLM-EDT's phase 1
     * with {@link ItemRepresentation#ID} items, without ID dropout or output projection.
     *
     * @param domain null for mixed sequences, else the one domain to keep
     * @throws IllegalArgumentException when the backbone is not one SASRec has (another item
     *     representation, ID dropout, domain adapters or an output projection), naming the field
     */
    public static SasRecConfig of(BackboneConfig backbone, PretrainingConfig pretraining, long seed, int threads, String domain) {
        if (backbone.itemRepresentation() != ItemRepresentation.ID || backbone.idDropout() != 0 || backbone.domainAdapters()
                || backbone.outputProjection()) {
            throw new IllegalArgumentException("SASRec's backbone has ID items and no ID dropout, domain adapters or output "
                    + "projection, got " + backbone);
        }
        return new SasRecConfig(backbone.dim(), backbone.blocks(), backbone.heads(), backbone.maxLength(), backbone.dropout(),
                backbone.layerNormEps(), pretraining.learningRate(), pretraining.beta1(), pretraining.beta2(), pretraining.adamEps(),
                pretraining.weightDecay(), pretraining.batchSize(), pretraining.maxEpochs(), pretraining.patience(),
                pretraining.plateauPatience(), pretraining.plateauFromEpoch(), seed, threads, domain);
    }

    /** Returns the network part: a backbone with {@link ItemRepresentation#ID} items (the other backbone fields at their ID-item values). */
    public BackboneConfig backbone() {
        return backboneOf(dim, blocks, heads, maxLength, dropout, layerNormEps);
    }

    /** Returns the training part, as a phase-1 configuration. */
    public PretrainingConfig pretraining() {
        return new PretrainingConfig(learningRate, beta1, beta2, adamEps, weightDecay, batchSize, maxEpochs, patience, plateauPatience,
                plateauFromEpoch);
    }

    private static BackboneConfig backboneOf(int dim, int blocks, int heads, int maxLength, double dropout, double layerNormEps) {
        return new BackboneConfig(dim, blocks, heads, maxLength, dropout, layerNormEps, ItemRepresentation.ID, 0, 0, false, 0, false);
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
        b.backbone = backbone().toBuilder();
        b.pretraining = pretraining().toBuilder();
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
        // The network and optimizer settings are a backbone's and a phase 1's: their builders check them (one place per rule).
        private BackboneConfig.Builder backbone = BackboneConfig.builder().itemRepresentation(ItemRepresentation.ID).idDropout(0);
        private PretrainingConfig.Builder pretraining = PretrainingConfig.reference().toBuilder();
        private long seed = 42;
        private int threads = 0;
        private String domain = null;

        private Builder() {
        }

        /** Hidden width, in [1, 4096] (default 64). */
        public Builder dim(int v) {
            backbone.dim(v);
            return this;
        }

        /** Attention blocks, in [1, 64] (default 2). */
        public Builder blocks(int v) {
            backbone.blocks(v);
            return this;
        }

        /** Attention heads, in [1, 256] (default 1). */
        public Builder heads(int v) {
            backbone.heads(v);
            return this;
        }

        /** Window length, in [1, 4096] (default 50). */
        public Builder maxLength(int v) {
            backbone.maxLength(v);
            return this;
        }

        /** Dropout rate, in [0, 1) (default 0.2). */
        public Builder dropout(double v) {
            backbone.dropout(v);
            return this;
        }

        /** Layer-norm epsilon, in (0, 1) (default 1e-8). */
        public Builder layerNormEps(double v) {
            backbone.layerNormEps(v);
            return this;
        }

        /** Adam learning rate, in (0, 10) (default 1e-3). */
        public Builder learningRate(double v) {
            pretraining.learningRate(v);
            return this;
        }

        /** Adam beta1, in [0, 1) (default 0.9). */
        public Builder beta1(double v) {
            pretraining.beta1(v);
            return this;
        }

        /** Adam beta2, in [0, 1) (default 0.98). */
        public Builder beta2(double v) {
            pretraining.beta2(v);
            return this;
        }

        /** Adam epsilon, in (0, 1) (default 1e-8). */
        public Builder adamEps(double v) {
            pretraining.adamEps(v);
            return this;
        }

        /** L2 weight decay, in [0, 1) (default 0). */
        public Builder weightDecay(double v) {
            pretraining.weightDecay(v);
            return this;
        }

        /** Sequences per batch, in [1, 65536] (default 128). */
        public Builder batchSize(int v) {
            pretraining.batchSize(v);
            return this;
        }

        /** Most epochs, in [1, 100000] (default 40). */
        public Builder maxEpochs(int v) {
            pretraining.maxEpochs(v);
            return this;
        }

        /** Early-stopping patience in epochs, in [1, 100000] (default 10). */
        public Builder patience(int v) {
            pretraining.patience(v);
            return this;
        }

        /**
         * Epochs without a better validation NDCG@10 after which the learning rate is halved, 0 =
         * never (the reference's constant rate), in [0, 100000] (default 0).
         */
        public Builder plateauPatience(int v) {
            pretraining.plateauPatience(v);
            return this;
        }

        /**
         * The first epoch whose end may halve the learning rate (a plateau counts only the epochs
         * from this one on), 0 or 1 = from the start, in [0, 100000] (default 0).
         */
        public Builder plateauFromEpoch(int v) {
            pretraining.plateauFromEpoch(v);
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
            return of(backbone.build(), pretraining.build(), seed, threads, domain);
        }
    }
}
