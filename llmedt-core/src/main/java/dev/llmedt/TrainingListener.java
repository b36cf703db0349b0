package dev.llmedt;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives training progress and may steer the run: small listeners composed with {@link #andThen}
 * (logging, progress, early stopping, best-weight keeping, learning-rate schedules, checkpointing).
 * Methods are called on the training thread; keep them cheap.
 *
 * <p>The trainers call the forms that take a {@link TrainingContext}, through which a listener can
 * stop the run, keep or restore weights, change the learning rate and write or resume
 * checkpoints; by default they call the plain forms, so a listener that only observes overrides
 * those. The trainers put the selection listeners their configuration asks for ({@link #bestWeights},
 * {@link #earlyStopping}, {@link #learningRateHalving}) before the listener they are given.
 */
public interface TrainingListener {

    /** Called once at the start of a phase, before any batch; the place to {@linkplain TrainingContext#resumeFrom resume}. */
    default void trainingStarted(TrainingContext context) {
    }

    /** Called after each batch with its loss; by default calls {@link #batchFinished(String, int, int, int, double)}. */
    default void batchFinished(TrainingContext context, int batch, int batches, double loss) {
        batchFinished(context.phase(), context.epoch(), batch, batches, loss);
    }

    /** Called after each epoch (training and validation); by default calls {@link #epochFinished(EpochSummary)}. */
    default void epochFinished(TrainingContext context, EpochSummary summary) {
        epochFinished(summary);
    }

    /**
     * Called when a phase stops, with the reason (max epochs, early stopping, a listener's);
     * by default calls {@link #trainingFinished(String, int, int, String)}.
     */
    default void trainingFinished(TrainingContext context, String reason) {
        trainingFinished(context.phase(), context.epochs().size(), context.bestEpoch(), reason);
    }

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

    /** Returns a listener that calls {@code action} with the context and summary after each epoch (for example to stop the run). */
    static TrainingListener onEpoch(BiConsumer<TrainingContext, EpochSummary> action) {
        Objects.requireNonNull(action, "action");
        return new TrainingListener() {
            @Override
            public void epochFinished(TrainingContext context, EpochSummary summary) {
                action.accept(context, summary);
            }
        };
    }

    /**
     * Returns a listener that stops the run (reason {@code early stopping}) once {@code patience}
     * epochs have passed without a better validation NDCG@10 than the best so far.
     *
     * @throws IllegalArgumentException when patience is below 1
     */
    static TrainingListener earlyStopping(int patience) {
        return new SelectionListeners.EarlyStopping(patience);
    }

    /**
     * Returns a listener that keeps the weights of each epoch with a better validation NDCG@10
     * than before and restores the kept ones when the run ends (the starting weights when no
     * epoch beat the start).
     */
    static TrainingListener bestWeights() {
        return new SelectionListeners.BestWeights();
    }

    /**
     * Returns a listener that halves the learning rate each time {@code plateauEpochs} more epochs
     * have passed without a better validation NDCG@10 (not at the epoch the run is told to stop).
     *
     * @throws IllegalArgumentException when plateauEpochs is below 1
     */
    static TrainingListener learningRateHalving(int plateauEpochs) {
        return learningRateHalving(plateauEpochs, 0);
    }

    /**
     * Returns a listener that halves the learning rate each time {@code plateauEpochs} more epochs
     * have passed without a better validation NDCG@10, counting only the epochs from {@code fromEpoch}
     * on (a best epoch before it counts as epoch {@code fromEpoch - 1}), so that the first halving
     * comes at the end of epoch {@code fromEpoch + plateauEpochs - 1} at the earliest; not at the
     * epoch the run is told to stop.
     *
     * @param fromEpoch the first epoch a plateau counts, 0 or 1 = from the start, in [0, 100000]
     * @throws IllegalArgumentException when plateauEpochs is below 1 or fromEpoch out of range
     */
    static TrainingListener learningRateHalving(int plateauEpochs, int fromEpoch) {
        return new SelectionListeners.LearningRateHalving(plateauEpochs, fromEpoch);
    }

    /**
     * Returns a listener that resumes each phase from its checkpoint in the directory when there is
     * one, and writes checkpoints at every epoch end, at the end of the phase and every
     * {@code config.everyBatches()} batches (see {@link CheckpointConfig}).
     */
    static TrainingListener checkpointing(CheckpointConfig config) {
        return new Checkpointing(config);
    }

    /** Returns {@link #checkpointing(CheckpointConfig) checkpointing(new CheckpointConfig(directory, everyBatches))}. */
    static TrainingListener checkpointing(Path directory, int everyBatches) {
        return checkpointing(new CheckpointConfig(directory, everyBatches));
    }

    /** Returns a listener that forwards every call to this listener, then to {@code other}. */
    default TrainingListener andThen(TrainingListener other) {
        Objects.requireNonNull(other, "other");
        TrainingListener first = this;
        return new TrainingListener() {
            @Override
            public void trainingStarted(TrainingContext context) {
                first.trainingStarted(context);
                other.trainingStarted(context);
            }

            @Override
            public void batchFinished(TrainingContext context, int batch, int batches, double loss) {
                first.batchFinished(context, batch, batches, loss);
                other.batchFinished(context, batch, batches, loss);
            }

            @Override
            public void epochFinished(TrainingContext context, EpochSummary summary) {
                first.epochFinished(context, summary);
                other.epochFinished(context, summary);
            }

            @Override
            public void trainingFinished(TrainingContext context, String reason) {
                first.trainingFinished(context, reason);
                other.trainingFinished(context, reason);
            }

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
