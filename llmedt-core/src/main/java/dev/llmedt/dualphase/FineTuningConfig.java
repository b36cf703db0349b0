package dev.llmedt.dualphase;

import static dev.llmedt.check.Require.inClosedOpen;
import static dev.llmedt.check.Require.inOpen;
import static dev.llmedt.check.Require.inRange;

/**
 * Phase 2 of LLM-EDT: every phase-1 parameter frozen; per domain a trainable position table and a
 * residual bottleneck adapter over the user's domain-only subsequence; loss = BCE of each domain
 * thread on its own targets + alignmentWeight x profile alignment; AdamW with gradient clipping,
 * the learning rate halved on a validation plateau, early stopping on validation NDCG@10.
 *
 * @param enabled whether phase 2 runs (false: the model is the phase-1 model)
 * @param learningRate AdamW learning rate, in (0, 10) (default 1e-3)
 * @param weightDecay AdamW decoupled weight decay, in [0, 1) (default 0.01)
 * @param gradientClipNorm the largest global L2 norm of a step's gradient, 0 = no clipping, in [0, 1e6) (default 5)
 * @param batchSize users per batch, in [2, 65536] (default 128; the in-batch contrastive loss needs 2)
 * @param maxEpochs most epochs, in [1, 100000] (default 30)
 * @param patience epochs without a better validation NDCG@10 before stopping, in [1, 100000] (default 6)
 * @param plateauPatience epochs without improvement before the learning rate is halved, in [1, 100000] (default 2)
 * @param adapterSize the bottleneck width of the domain adapters, in [1, 4096] (default 32)
 * @param adapterDropout dropout inside the domain adapters, in [0, 1) (default 0.3)
 * @param alignmentWeight beta, the weight of the profile alignment loss, in [0, 1000) (default 0 = off:
 *     with the profiles of the extractive profiler, alignment did not raise food-kitchen validation
 *     NDCG@10 over 3 seeds; {@link #REFERENCE_ALIGNMENT_WEIGHT} is the reference code's value)
 * @param temperature the contrastive temperature, in (0, 100) (default 0.1)
 * @param profileAdapterHidden the middle width of the profile adapter, in [1, 65536] (default 128)
 * @param domainGate whether each domain thread's contribution is scaled by a learned gate that
 *     starts at 0, so that phase 2 starts from exactly the phase-1 model; false (the default): the
 *     reference's plain sum from the first step (the two tie on food-kitchen validation: NDCG@10
 *     0.0607 gated, 0.0605 plain, mean of 3 seeds)
 * @param alignmentHead whether the domain-thread user vector passes through a trainable linear
 *     projection head before it is aligned with the profile (the reference's "projected last hidden
 *     state"; default true); false: the scoring vector itself is aligned
 * @param augmentedSequences whether phase 2 trains on the augmented sequences when phase 1 did
 *     (default true); false: on the original ones, the distribution evaluated users come from
 * @param profileInScore whether the user's projected profile embedding is added to the domain
 *     thread's vector in the score (default false: profiles only shape training through the
 *     alignment). Training then uses each user's profile of all but the last real item, at the
 *     last target only, and scoring needs the profile of each scored history
 * @param selectPerDomain whether, at the end of phase 2, each domain keeps its thread only when the
 *     model with it beats the phase-1 model alone on that domain's validation users (NDCG@10);
 *     otherwise that domain is scored by phase 1 alone (default false: on food-kitchen's mixed-loo
 *     validation cases it ties with keeping every thread, NDCG@10 0.0453 vs 0.0451, 3 seeds, and on
 *     the published split's 960 validation users its choice follows noise; ignored when the run does
 *     not select on validation)
 * @param freezeDomainPositions whether each domain's position table stays the copy of phase 1's it
 *     starts as (the reference code's behaviour: its tables never train); then no gradient flows
 *     back through the frozen blocks and a phase-2 step costs a forward pass of the blocks (default
 *     true: on food-kitchen's mixed-loo validation cases training the tables ties, NDCG@10 0.0451 vs
 *     0.0452, 3 seeds, at several times the cost; false: they train, the default before this one;
 *     a configuration written without this field reads as false, the behaviour it was trained with)
 * @param evalModeBackbone whether the frozen phase-1 blocks run in inference mode (no dropout) in
 *     phase 2, as {@code h_global} already is (default true; false: the blocks keep phase 1's dropout;
 *     the adapters' own dropout is {@code adapterDropout} either way; read as false when absent).
 *     With {@code freezeDomainPositions} each user's block outputs are then the same in every epoch,
 *     and phase 2 computes them once
 */
public record FineTuningConfig(boolean enabled, double learningRate, double weightDecay, double gradientClipNorm, int batchSize,
        int maxEpochs, int patience, int plateauPatience, int adapterSize, double adapterDropout, double alignmentWeight,
        double temperature, int profileAdapterHidden, boolean domainGate, boolean alignmentHead, boolean augmentedSequences,
        boolean profileInScore, boolean selectPerDomain, boolean freezeDomainPositions, boolean evalModeBackbone) {

    /** Validates every field; messages name the parameter, the value and the allowed range. */
    public FineTuningConfig {
        inOpen("learningRate", learningRate, 0, 10);
        inClosedOpen("weightDecay", weightDecay, 0, 1);
        inClosedOpen("gradientClipNorm", gradientClipNorm, 0, 1e6);
        inRange("batchSize", batchSize, 2, 65536);
        inRange("maxEpochs", maxEpochs, 1, 100000);
        inRange("patience", patience, 1, 100000);
        inRange("plateauPatience", plateauPatience, 1, 100000);
        inRange("adapterSize", adapterSize, 1, 4096);
        inClosedOpen("adapterDropout", adapterDropout, 0, 1);
        inClosedOpen("alignmentWeight", alignmentWeight, 0, 1000);
        inOpen("temperature", temperature, 0, 100);
        inRange("profileAdapterHidden", profileAdapterHidden, 1, 65536);
    }

    /**
     * The configuration of the components before {@code freezeDomainPositions} and
     * {@code evalModeBackbone} existed, with both false (position tables trained, blocks with
     * dropout: what such code trained). Prefer {@link #builder()}.
     */
    public FineTuningConfig(boolean enabled, double learningRate, double weightDecay, double gradientClipNorm, int batchSize,
            int maxEpochs, int patience, int plateauPatience, int adapterSize, double adapterDropout, double alignmentWeight,
            double temperature, int profileAdapterHidden, boolean domainGate, boolean alignmentHead, boolean augmentedSequences,
            boolean profileInScore, boolean selectPerDomain) {
        this(enabled, learningRate, weightDecay, gradientClipNorm, batchSize, maxEpochs, patience, plateauPatience, adapterSize,
                adapterDropout, alignmentWeight, temperature, profileAdapterHidden, domainGate, alignmentHead, augmentedSequences,
                profileInScore, selectPerDomain, false, false);
    }

    /** The profile alignment weight beta of the authors' reference code (0.5). */
    public static final double REFERENCE_ALIGNMENT_WEIGHT = 0.5;

    /** Returns the defaults. */
    public static FineTuningConfig defaults() {
        return builder().build();
    }

    /** Returns a builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.enabled = enabled;
        b.learningRate = learningRate;
        b.weightDecay = weightDecay;
        b.gradientClipNorm = gradientClipNorm;
        b.batchSize = batchSize;
        b.maxEpochs = maxEpochs;
        b.patience = patience;
        b.plateauPatience = plateauPatience;
        b.adapterSize = adapterSize;
        b.adapterDropout = adapterDropout;
        b.alignmentWeight = alignmentWeight;
        b.temperature = temperature;
        b.profileAdapterHidden = profileAdapterHidden;
        b.domainGate = domainGate;
        b.alignmentHead = alignmentHead;
        b.augmentedSequences = augmentedSequences;
        b.profileInScore = profileInScore;
        b.selectPerDomain = selectPerDomain;
        b.freezeDomainPositions = freezeDomainPositions;
        b.evalModeBackbone = evalModeBackbone;
        return b;
    }

    /** A builder; each setter checks its value at once. */
    public static final class Builder {
        private boolean enabled = true;
        private double learningRate = 1e-3;
        private double weightDecay = 0.01;
        private double gradientClipNorm = 5;
        private int batchSize = 128;
        private int maxEpochs = 30;
        private int patience = 6;
        private int plateauPatience = 2;
        private int adapterSize = 32;
        private double adapterDropout = 0.3;
        private double alignmentWeight = 0;
        private double temperature = 0.1;
        private int profileAdapterHidden = 128;
        private boolean domainGate = false;
        private boolean alignmentHead = true;
        private boolean augmentedSequences = true;
        private boolean profileInScore = false;
        private boolean selectPerDomain = false;
        private boolean freezeDomainPositions = true;
        private boolean evalModeBackbone = true;

        private Builder() {
        }

        /** Whether phase 2 runs (default true). */
        public Builder enabled(boolean v) {
            enabled = v;
            return this;
        }

        /** AdamW learning rate, in (0, 10) (default 1e-3). */
        public Builder learningRate(double v) {
            learningRate = inOpen("learningRate", v, 0, 10);
            return this;
        }

        /** AdamW weight decay, in [0, 1) (default 0.01). */
        public Builder weightDecay(double v) {
            weightDecay = inClosedOpen("weightDecay", v, 0, 1);
            return this;
        }

        /** Largest global gradient norm, 0 = no clipping, in [0, 1e6) (default 5). */
        public Builder gradientClipNorm(double v) {
            gradientClipNorm = inClosedOpen("gradientClipNorm", v, 0, 1e6);
            return this;
        }

        /** Users per batch, in [2, 65536] (default 128). */
        public Builder batchSize(int v) {
            batchSize = inRange("batchSize", v, 2, 65536);
            return this;
        }

        /** Most epochs, in [1, 100000] (default 30). */
        public Builder maxEpochs(int v) {
            maxEpochs = inRange("maxEpochs", v, 1, 100000);
            return this;
        }

        /** Early-stopping patience in epochs, in [1, 100000] (default 6). */
        public Builder patience(int v) {
            patience = inRange("patience", v, 1, 100000);
            return this;
        }

        /** Epochs without improvement before the learning rate is halved, in [1, 100000] (default 2). */
        public Builder plateauPatience(int v) {
            plateauPatience = inRange("plateauPatience", v, 1, 100000);
            return this;
        }

        /** Domain adapter bottleneck width, in [1, 4096] (default 32). */
        public Builder adapterSize(int v) {
            adapterSize = inRange("adapterSize", v, 1, 4096);
            return this;
        }

        /** Dropout inside the domain adapters, in [0, 1) (default 0.3). */
        public Builder adapterDropout(double v) {
            adapterDropout = inClosedOpen("adapterDropout", v, 0, 1);
            return this;
        }

        /** Weight of the profile alignment loss, in [0, 1000) (default 0 = off:
 *     with the profiles of the extractive profiler, alignment did not raise food-kitchen validation
 *     NDCG@10 over 3 seeds; {@link #REFERENCE_ALIGNMENT_WEIGHT} is the reference code's value). */
        public Builder alignmentWeight(double v) {
            alignmentWeight = inClosedOpen("alignmentWeight", v, 0, 1000);
            return this;
        }

        /** Contrastive temperature, in (0, 100) (default 0.1). */
        public Builder temperature(double v) {
            temperature = inOpen("temperature", v, 0, 100);
            return this;
        }

        /** Middle width of the profile adapter, in [1, 65536] (default 128). */
        public Builder profileAdapterHidden(int v) {
            profileAdapterHidden = inRange("profileAdapterHidden", v, 1, 65536);
            return this;
        }

        /** Whether a learned gate starting at 0 scales each domain thread (default false). */
        public Builder domainGate(boolean v) {
            domainGate = v;
            return this;
        }

        /** Whether a trainable projection head sits between the user vector and the alignment (default true). */
        public Builder alignmentHead(boolean v) {
            alignmentHead = v;
            return this;
        }

        /** Whether phase 2 trains on the augmented sequences when phase 1 did (default true). */
        public Builder augmentedSequences(boolean v) {
            augmentedSequences = v;
            return this;
        }

        /** Whether the projected profile is part of the score (default false). */
        public Builder profileInScore(boolean v) {
            profileInScore = v;
            return this;
        }

        /** Whether each domain keeps its thread only where it beats phase 1 alone on validation (default false). */
        public Builder selectPerDomain(boolean v) {
            selectPerDomain = v;
            return this;
        }

        /** Whether the domain position tables stay phase 1's (default true; false: they train). */
        public Builder freezeDomainPositions(boolean v) {
            freezeDomainPositions = v;
            return this;
        }

        /** Whether the frozen blocks run without dropout in phase 2 (default true; false: with phase 1's dropout). */
        public Builder evalModeBackbone(boolean v) {
            evalModeBackbone = v;
            return this;
        }

        /** Builds the configuration. */
        public FineTuningConfig build() {
            return new FineTuningConfig(enabled, learningRate, weightDecay, gradientClipNorm, batchSize, maxEpochs, patience,
                    plateauPatience, adapterSize, adapterDropout, alignmentWeight, temperature, profileAdapterHidden, domainGate,
                    alignmentHead, augmentedSequences, profileInScore, selectPerDomain, freezeDomainPositions, evalModeBackbone);
        }
    }
}
