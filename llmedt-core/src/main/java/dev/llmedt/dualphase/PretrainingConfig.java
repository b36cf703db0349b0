package dev.llmedt.dualphase;

import static dev.llmedt.check.Require.inClosedOpen;
import static dev.llmedt.check.Require.inOpen;
import static dev.llmedt.check.Require.inRange;

/**
 * Phase 1 of LLM-EDT: the backbone and the item representation trained on the (augmented) mixed
 * sequences, next-item BCE with one negative of the target's domain, Adam, early stopping on
 * validation NDCG@10 (full ranking), keeping the best weights. By default the learning rate is
 * halved after every 3 epochs without a better validation NDCG@10 counted from epoch 25 on, for at
 * most 60 epochs: the schedule that won on the mixed-loo validation users (docs/method.md); the
 * reference trains at a constant rate for at most 40 ({@link #reference()}, SASRec's settings).
 *
 * @param learningRate Adam learning rate, in (0, 10) (default 1e-3)
 * @param beta1 Adam beta1, in [0, 1) (default 0.9)
 * @param beta2 Adam beta2, in [0, 1) (default 0.98)
 * @param adamEps Adam epsilon, in (0, 1) (default 1e-8)
 * @param weightDecay L2 weight decay added to the gradient, in [0, 1) (default 0)
 * @param batchSize training sequences per batch, in [1, 65536] (default 128)
 * @param maxEpochs most epochs, in [1, 100000] (default 60; the reference 40)
 * @param patience epochs without a better validation NDCG@10 before stopping, in [1, 100000] (default 10)
 * @param plateauPatience epochs without a better validation NDCG@10 after which the learning rate is
 *     halved (again after as many more), 0 = never: a constant rate, as in the reference; in [0, 100000]
 *     (default 3; the reference 0). Phase 2's {@link FineTuningConfig#plateauPatience()} is the same rule.
 * @param plateauFromEpoch the first epoch whose end may halve the learning rate: a plateau counts only
 *     the epochs from this one on (so the first halving comes at the end of epoch
 *     {@code plateauFromEpoch + plateauPatience - 1} at the earliest); 0 or 1 = from the start; in
 *     [0, 100000] (default 25; the reference 0)
 */
public record PretrainingConfig(double learningRate, double beta1, double beta2, double adamEps, double weightDecay, int batchSize,
        int maxEpochs, int patience, int plateauPatience, int plateauFromEpoch) {

    /** Validates every field; messages name the parameter, the value and the allowed range. */
    public PretrainingConfig {
        inOpen("learningRate", learningRate, 0, 10);
        inClosedOpen("beta1", beta1, 0, 1);
        inClosedOpen("beta2", beta2, 0, 1);
        inOpen("adamEps", adamEps, 0, 1);
        inClosedOpen("weightDecay", weightDecay, 0, 1);
        inRange("batchSize", batchSize, 1, 65536);
        inRange("maxEpochs", maxEpochs, 1, 100000);
        inRange("patience", patience, 1, 100000);
        inRange("plateauPatience", plateauPatience, 0, 100000);
        inRange("plateauFromEpoch", plateauFromEpoch, 0, 100000);
    }

    /** A configuration whose learning-rate halving may start from the first epoch ({@code plateauFromEpoch} 0). */
    public PretrainingConfig(double learningRate, double beta1, double beta2, double adamEps, double weightDecay, int batchSize,
            int maxEpochs, int patience, int plateauPatience) {
        this(learningRate, beta1, beta2, adamEps, weightDecay, batchSize, maxEpochs, patience, plateauPatience, 0);
    }

    /** Returns the defaults (LLM-EDT's phase 1). */
    public static PretrainingConfig defaults() {
        return builder().build();
    }

    /**
     * Returns the reference's phase-1 settings: the defaults with a constant learning rate
     * ({@code plateauPatience} 0) for at most 40 epochs, SASRec's reference settings.
     */
    public static PretrainingConfig reference() {
        return builder().maxEpochs(40).plateauPatience(0).plateauFromEpoch(0).build();
    }

    /** Returns a builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.learningRate = learningRate;
        b.beta1 = beta1;
        b.beta2 = beta2;
        b.adamEps = adamEps;
        b.weightDecay = weightDecay;
        b.batchSize = batchSize;
        b.maxEpochs = maxEpochs;
        b.patience = patience;
        b.plateauPatience = plateauPatience;
        b.plateauFromEpoch = plateauFromEpoch;
        return b;
    }

    /** A builder; each setter checks its value at once. */
    public static final class Builder {
        private double learningRate = 1e-3;
        private double beta1 = 0.9;
        private double beta2 = 0.98;
        private double adamEps = 1e-8;
        private double weightDecay = 0;
        private int batchSize = 128;
        private int maxEpochs = 60;
        private int patience = 10;
        private int plateauPatience = 3;
        private int plateauFromEpoch = 25;

        private Builder() {
        }

        /** Adam learning rate, in (0, 10) (default 1e-3). */
        public Builder learningRate(double v) {
            learningRate = inOpen("learningRate", v, 0, 10);
            return this;
        }

        /** Adam beta1, in [0, 1) (default 0.9). */
        public Builder beta1(double v) {
            beta1 = inClosedOpen("beta1", v, 0, 1);
            return this;
        }

        /** Adam beta2, in [0, 1) (default 0.98). */
        public Builder beta2(double v) {
            beta2 = inClosedOpen("beta2", v, 0, 1);
            return this;
        }

        /** Adam epsilon, in (0, 1) (default 1e-8). */
        public Builder adamEps(double v) {
            adamEps = inOpen("adamEps", v, 0, 1);
            return this;
        }

        /** L2 weight decay, in [0, 1) (default 0). */
        public Builder weightDecay(double v) {
            weightDecay = inClosedOpen("weightDecay", v, 0, 1);
            return this;
        }

        /** Sequences per batch, in [1, 65536] (default 128). */
        public Builder batchSize(int v) {
            batchSize = inRange("batchSize", v, 1, 65536);
            return this;
        }

        /** Most epochs, in [1, 100000] (default 60; the reference 40). */
        public Builder maxEpochs(int v) {
            maxEpochs = inRange("maxEpochs", v, 1, 100000);
            return this;
        }

        /** Early-stopping patience in epochs, in [1, 100000] (default 10). */
        public Builder patience(int v) {
            patience = inRange("patience", v, 1, 100000);
            return this;
        }

        /**
         * Epochs without a better validation NDCG@10 after which the learning rate is halved, 0 =
         * never (a constant rate, the reference's), in [0, 100000] (default 3).
         */
        public Builder plateauPatience(int v) {
            plateauPatience = inRange("plateauPatience", v, 0, 100000);
            return this;
        }

        /**
         * The first epoch whose end may halve the learning rate (a plateau counts only the epochs
         * from this one on), 0 or 1 = from the start, in [0, 100000] (default 25).
         */
        public Builder plateauFromEpoch(int v) {
            plateauFromEpoch = inRange("plateauFromEpoch", v, 0, 100000);
            return this;
        }

        /** Builds the configuration. */
        public PretrainingConfig build() {
            return new PretrainingConfig(learningRate, beta1, beta2, adamEps, weightDecay, batchSize, maxEpochs, patience, plateauPatience,
                    plateauFromEpoch);
        }
    }
}
