package dev.llmedt;

import dev.llmedt.check.Require;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how often training writes checkpoints, and where it resumes from: one file per phase
 * in {@code directory} ({@code sasrec.ckpt}, {@code phase-1.ckpt}, {@code phase-2.ckpt}), written at
 * every epoch end, at the end of the phase, and every {@code everyBatches} batches within an epoch.
 * A run given a directory that holds its checkpoints continues from them, bit for bit as if it had
 * never stopped; a phase whose checkpoint says it finished is not trained again.
 *
 * <p>A checkpoint holds the whole state of a phase: the weights, the optimizer (moments, step,
 * learning rate and per-step tables), the kept best weights, the epochs so far, the position in the
 * epoch, and a fingerprint of the configuration, data, seed and thread count; random streams are
 * derived from (seed, epoch, sequence) and need no state. Files are written atomically and durably
 * (temporary file, fsync, rename): a kill at any moment leaves the previous checkpoint or the new
 * one. Resuming needs the same thread count as the original run.
 *
 * @param directory the checkpoint directory (created when missing)
 * @param everyBatches also checkpoint after every {@code everyBatches}-th batch of an epoch; 0 (the
 *     default) = at epoch ends only. A checkpoint holds about four copies of the trainable weights
 *     (weights, two optimizer moments, best weights), so this is worth it when epochs are long
 */
public record CheckpointConfig(Path directory, int everyBatches) {

    /** Validates the fields. */
    public CheckpointConfig {
        Objects.requireNonNull(directory, "directory");
        Require.atLeast("everyBatches", everyBatches, 0); // 0 = at epoch ends only
    }

    /** Checkpoints in a directory at epoch ends only. */
    public static CheckpointConfig in(Path directory) {
        return new CheckpointConfig(directory, 0);
    }

    /** Returns a copy that also checkpoints every {@code n} batches within an epoch (0 = at epoch ends only). */
    public CheckpointConfig withEveryBatches(int n) {
        return new CheckpointConfig(directory, n);
    }

    /** Returns the checkpoint file of a phase ({@code sasrec}, {@code phase-1}, {@code phase-2}). */
    public Path file(String phase) {
        return directory.resolve(phase + ".ckpt");
    }

    /** Returns the listener that writes and resumes these checkpoints ({@link TrainingListener#checkpointing(CheckpointConfig)}). */
    public TrainingListener listener() {
        return TrainingListener.checkpointing(this);
    }
}
