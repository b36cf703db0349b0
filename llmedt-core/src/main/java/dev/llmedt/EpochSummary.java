package dev.llmedt;

/**
 * What one training epoch did.
 *
 * @param phase a label such as {@code sasrec} or {@code phase-1}
 * @param epoch 1-based epoch number
 * @param loss mean training loss over the epoch's batches
 * @param validNdcg10 validation NDCG@10 (full ranking) after the epoch
 * @param validHr10 validation HR@10 (full ranking) after the epoch
 * @param trainSeconds wall-clock seconds of training (without validation)
 * @param validSeconds wall-clock seconds of validation
 * @param sequencesPerSecond training sequences processed per second of training
 * @param best whether this epoch is the best so far (its weights are kept)
 */
public record EpochSummary(String phase, int epoch, double loss, double validNdcg10, double validHr10, double trainSeconds,
        double validSeconds, double sequencesPerSecond, boolean best) {
}
