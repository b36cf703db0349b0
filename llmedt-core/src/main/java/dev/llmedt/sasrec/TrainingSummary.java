package dev.llmedt.sasrec;

import dev.llmedt.EpochSummary;
import java.util.Arrays;
import java.util.List;

/**
 * How a model was trained: every epoch, the selected one and why training stopped.
 *
 * @param epochs one summary per epoch run
 * @param bestEpoch the epoch whose weights were kept (1-based)
 * @param bestValidNdcg10 validation NDCG@10 of that epoch
 * @param stopReason why training stopped ({@code max epochs} or {@code early stopping})
 * @param trainingSequences training sequences per epoch
 */
record TrainingSummary(List<EpochSummary> epochs, int bestEpoch, double bestValidNdcg10, String stopReason,
        int trainingSequences) {

    /** Freezes the list. */
    public TrainingSummary {
        epochs = List.copyOf(epochs);
    }

    /** Returns the median of the epochs' training seconds (validation excluded). */
    public double medianSecondsPerEpoch() {
        double[] s = epochs.stream().mapToDouble(EpochSummary::trainSeconds).sorted().toArray();
        if (s.length == 0) {
            return 0;
        }
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Returns training sequences per second over all epochs (validation excluded). */
    public double sequencesPerSecond() {
        double seconds = Arrays.stream(epochs.stream().mapToDouble(EpochSummary::trainSeconds).toArray()).sum();
        return seconds == 0 ? 0 : (double) trainingSequences * epochs.size() / seconds;
    }
}
