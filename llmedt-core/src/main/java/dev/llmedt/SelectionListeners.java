package dev.llmedt;

import dev.llmedt.check.Require;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The model-selection listeners: early stopping, best weights, learning-rate halving on a plateau. */
final class SelectionListeners {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingListener.class);

    private SelectionListeners() {
    }

    private static int atLeastOne(String name, int value) {
        return Require.atLeast(name, value, 1);
    }

    /** Stops after {@code patience} epochs without a better validation NDCG@10; stateless (the context holds the best epoch). */
    static final class EarlyStopping implements TrainingListener {
        private final int patience;

        EarlyStopping(int patience) {
            this.patience = atLeastOne("patience", patience);
        }

        @Override
        public void epochFinished(TrainingContext context, EpochSummary summary) {
            if (summary.epoch() - context.bestEpoch() >= patience) {
                context.stop("early stopping");
            }
        }
    }

    /** Keeps the best epoch's weights and restores them at the end; the kept copy lives in the context (and its checkpoints). */
    static final class BestWeights implements TrainingListener {
        @Override
        public void epochFinished(TrainingContext context, EpochSummary summary) {
            if (summary.best()) {
                context.keepWeights();
            }
        }

        @Override
        public void trainingFinished(TrainingContext context, String reason) {
            context.restoreKeptWeights();
        }
    }

    /**
     * Halves the learning rate every {@code plateauEpochs} epochs without improvement, counting only
     * the epochs from {@code fromEpoch} on; stateless.
     */
    static final class LearningRateHalving implements TrainingListener {
        private final int plateauEpochs;
        private final int fromEpoch;

        LearningRateHalving(int plateauEpochs, int fromEpoch) {
            this.plateauEpochs = atLeastOne("plateauEpochs", plateauEpochs);
            this.fromEpoch = Require.inRange("fromEpoch", fromEpoch, 0, 100000);
        }

        @Override
        public void epochFinished(TrainingContext context, EpochSummary summary) {
            // A plateau starts after the best epoch, or before fromEpoch when the best came earlier.
            int since = summary.epoch() - Math.max(context.bestEpoch(), fromEpoch - 1);
            if (!context.stopRequested() && since > 0 && since % plateauEpochs == 0) {
                context.setLearningRate(context.learningRate() / 2);
                LOG.info("{}: no better valid NDCG@10 for {} epochs{}, learning rate halved to {}", context.phase(),
                        summary.epoch() - context.bestEpoch(), fromEpoch > 1 ? " (counted from epoch " + fromEpoch + ")" : "",
                        context.learningRate());
            }
        }
    }
}
