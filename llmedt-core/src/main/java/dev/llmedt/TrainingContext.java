package dev.llmedt;

import java.nio.file.Path;
import java.util.List;

/**
 * A training run as its {@linkplain TrainingListener listeners} see it: where it is, how validation
 * went so far, and what a listener may do to it (stop it, keep or restore weights, change the
 * learning rate, checkpoint it, resume it from a checkpoint). One context per phase ({@code sasrec},
 * {@code phase-1}, {@code phase-2}); its methods are called on the training thread, between steps.
 *
 * <p>Early stopping, best-weight keeping, phase 2's learning-rate halving and checkpointing are
 * listeners over this interface ({@link TrainingListener#earlyStopping}, {@link TrainingListener#bestWeights},
 * {@link TrainingListener#learningRateHalving}, {@link TrainingListener#checkpointing}); the trainers install
 * the first three from their configuration.
 */
public interface TrainingContext {

    /** Returns the label of the run's epochs: {@code sasrec}, {@code phase-1} or {@code phase-2}. */
    String phase();

    /** Returns the epoch in progress or just finished (1-based), 0 before the first. */
    int epoch();

    /** Returns the summaries of the finished epochs, oldest first, including those before a resume (unmodifiable). */
    List<EpochSummary> epochs();

    /**
     * Returns the epoch with the best validation NDCG@10 so far; 0 when no epoch beat the start
     * (phase 2 starts from the phase-1 model's score, the other phases from nothing).
     */
    int bestEpoch();

    /** Returns the best validation NDCG@10 so far (negative infinity before the first epoch of a phase that starts from nothing). */
    double bestValidNdcg10();

    /** Returns the learning rate of the next step. */
    double learningRate();

    /**
     * Sets the learning rate of the following steps (a schedule such as halving on a plateau); the
     * trainers report how often it changed.
     *
     * @throws IllegalArgumentException when it is not in (0, 10)
     */
    void setLearningRate(double learningRate);

    /**
     * Asks the run to stop at the end of the current epoch (right away when called at an epoch's
     * end): no further epoch starts. The first reason given is the one reported.
     *
     * @param reason a short reason such as {@code early stopping}, reported by {@link TrainingListener#trainingFinished}
     */
    void stop(String reason);

    /** Returns whether a listener asked the run to stop. */
    boolean stopRequested();

    /**
     * Keeps a copy of the current trainable weights, replacing the one kept before (at the start,
     * the starting weights are kept). Checkpoints hold the kept copy.
     */
    void keepWeights();

    /** Sets the trainable weights to the kept copy. */
    void restoreKeptWeights();

    /**
     * Writes a checkpoint of the whole run to a file once every listener has seen the current
     * event (so that it holds their decisions), atomically and durably; a failed write leaves the
     * previous file in place and is logged, training goes on.
     */
    void saveCheckpoint(Path file);

    /**
     * Asks the run to continue from a checkpoint file written by {@link #saveCheckpoint} (call from
     * {@link TrainingListener#trainingStarted}). The file must come from the same run: same
     * configuration, data, seed and thread count.
     *
     * @throws IllegalStateException when called after the start
     * @throws CheckpointException (from the trainer, once the listeners are told the start) when the
     *     file is corrupt, truncated, of another phase, or from another run; the message names the
     *     file and what differs
     */
    void resumeFrom(Path file);

    /** Returns whether the run continues from a checkpoint. */
    boolean resumed();
}
