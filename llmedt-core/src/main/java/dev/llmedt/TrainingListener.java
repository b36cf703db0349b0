package dev.llmedt;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives training progress. Methods are called on the training thread; keep them cheap.
 */
public interface TrainingListener {

    /** Called after each batch with its loss. */
    default void batchFinished(String phase, int epoch, int batch, int batches, double loss) {
    }

    /** Called after each epoch (training and validation). */
    default void epochFinished(EpochSummary summary) {
    }

    /** Called when training stops, with the reason (max epochs, early stopping). */
    default void trainingFinished(String phase, int epochs, int bestEpoch, String reason) {
    }

    /** Returns a listener that ignores everything. */
    static TrainingListener none() {
        return new TrainingListener() {
        };
    }

    /** Returns a listener that logs each epoch and the end of training at INFO level. */
    static TrainingListener logging() {
        Logger log = LoggerFactory.getLogger(TrainingListener.class);
        return new TrainingListener() {
            @Override
            public void epochFinished(EpochSummary s) {
                log.info("{} epoch {}: loss {} valid NDCG@10 {} HR@10 {} train {} s ({} seq/s) valid {} s{}", s.phase(), s.epoch(),
                        String.format("%.4f", s.loss()), String.format("%.4f", s.validNdcg10()), String.format("%.4f", s.validHr10()),
                        String.format("%.1f", s.trainSeconds()), String.format("%.0f", s.sequencesPerSecond()),
                        String.format("%.1f", s.validSeconds()), s.best() ? " (best)" : "");
            }

            @Override
            public void trainingFinished(String phase, int epochs, int bestEpoch, String reason) {
                log.info("{} finished after {} epochs ({}); best epoch {}", phase, epochs, reason, bestEpoch);
            }
        };
    }

    /** Returns a listener that forwards to both. */
    default TrainingListener andThen(TrainingListener other) {
        TrainingListener first = this;
        return new TrainingListener() {
            @Override
            public void batchFinished(String phase, int epoch, int batch, int batches, double loss) {
                first.batchFinished(phase, epoch, batch, batches, loss);
                other.batchFinished(phase, epoch, batch, batches, loss);
            }

            @Override
            public void epochFinished(EpochSummary summary) {
                first.epochFinished(summary);
                other.epochFinished(summary);
            }

            @Override
            public void trainingFinished(String phase, int epochs, int bestEpoch, String reason) {
                first.trainingFinished(phase, epochs, bestEpoch, reason);
                other.trainingFinished(phase, epochs, bestEpoch, reason);
            }
        };
    }
}
