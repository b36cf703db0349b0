package dev.llmedt.engine;

/**
 * Lays out histories for inference: each history's last {@code maxLength} items become one
 * sequence of a {@link RaggedBatch}, right-aligned on the position table (the last item at
 * position {@code maxLength - 1}), as in training.
 */
public final class HistoryWindows {

    private HistoryWindows() {
    }

    /**
     * Fills the batch (cleared first) with the windows of {@code count} histories.
     *
     * @param histories item ids, oldest first
     * @param rowOffset added to every id to give its item table row
     * @param lastRow output: per history, the batch row of its last item, or -1 for an empty history
     *     (which adds no sequence)
     */
    public static void fill(RaggedBatch batch, int[][] histories, int count, int maxLength, int rowOffset, int[] lastRow) {
        batch.clear();
        for (int b = 0; b < count; b++) {
            int[] h = histories[b];
            int n = Math.min(h.length, maxLength);
            if (n == 0) {
                lastRow[b] = -1;
                continue;
            }
            int row = batch.beginSequence(n, 0, b);
            for (int t = 0; t < n; t++) {
                batch.input[row + t] = h[h.length - n + t] + rowOffset;
                batch.position[row + t] = maxLength - n + t;
            }
            lastRow[b] = row + n - 1;
        }
    }

    /**
     * Copies each history's last hidden state ({@code hidden} feature-major) into {@code out[b]};
     * an empty history gets {@code empty} (null: zeros).
     */
    public static void lastHidden(float[][] hidden, int width, int[] lastRow, int count, float[] empty, float[][] out) {
        for (int b = 0; b < count; b++) {
            int row = lastRow[b];
            if (row < 0) {
                if (empty == null) {
                    java.util.Arrays.fill(out[b], 0, width, 0);
                } else {
                    System.arraycopy(empty, 0, out[b], 0, width);
                }
            } else {
                for (int f = 0; f < width; f++) {
                    out[b][f] = hidden[f][row];
                }
            }
        }
    }
}
