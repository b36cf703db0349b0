package dev.llmedt.onnx;

import java.nio.FloatBuffer;

/**
 * How an {@link OnnxTextEncoder} call is cut into model runs and how a run's token vectors become
 * text vectors: the batch partition that trades padding against a fixed cost per run, the
 * position ids, and the pooling.
 */
final class TokenBatches {

    private TokenBatches() {
    }

    /**
     * The fixed cost of one model run in token equivalents (dispatch, small matrix products), on
     * CPU: measured with TextEncoderBenchmark on food-kitchen titles, 40 to 160 did equally well.
     */
    static final int CPU_RUN_COST_TOKENS = 64;
    /** On a GPU a run costs far more than a token, so batches fill up despite padding. */
    static final int GPU_RUN_COST_TOKENS = 1024;

    /**
     * Splits texts sorted by token length into consecutive batches of at most {@code maxBatch}
     * that minimise the total cost, {@code sum over batches of (runCost + rows x longest)}:
     * padding is wasted work, and each run has a fixed cost. Returns the batches' end indices.
     */
    static int[] partition(int[] sortedLengths, int maxBatch, int runCost) {
        int n = sortedLengths.length;
        long[] best = new long[n + 1];
        int[] start = new int[n + 1];
        for (int j = 1; j <= n; j++) {
            best[j] = Long.MAX_VALUE;
            long longest = sortedLengths[j - 1];
            for (int i = j - 1; i >= Math.max(0, j - maxBatch); i--) {
                long cost = best[i] + runCost + (j - i) * longest;
                if (cost < best[j]) {
                    best[j] = cost;
                    start[j] = i;
                }
            }
        }
        int count = 0;
        for (int j = n; j > 0; j = start[j]) {
            count++;
        }
        int[] ends = new int[count];
        for (int j = n, k = count - 1; j > 0; j = start[j], k--) {
            ends[k] = j;
        }
        return ends;
    }

    /** Position ids {@code 0..len-1} for each of {@code rows} rows (for models with a position_ids input). */
    static long[] positions(int rows, int len) {
        long[] p = new long[rows * len];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < len; t++) {
                p[r * len + t] = t;
            }
        }
        return p;
    }

    static float[] row(FloatBuffer values, int offset, int n) {
        float[] v = new float[n];
        values.get(offset, v);
        return v;
    }

    /** Pools the token vectors of row {@code r} of a {@code [rows, len, hidden]} output (its first {@code length} tokens are real). */
    static float[] pool(OnnxTextEncoder.Pooling pooling, FloatBuffer values, int r, int len, int hidden, int length) {
        int base = r * len * hidden;
        switch (pooling) {
            case CLS:
                return row(values, base, hidden);
            case LAST_TOKEN:
                return row(values, base + (length - 1) * hidden, hidden);
            default:
                float[] sum = new float[hidden];
                float[] tok = new float[hidden];
                for (int t = 0; t < length; t++) {
                    values.get(base + t * hidden, tok);
                    for (int j = 0; j < hidden; j++) {
                        sum[j] += tok[j];
                    }
                }
                float inv = 1f / length;
                for (int j = 0; j < hidden; j++) {
                    sum[j] *= inv;
                }
                return sum;
        }
    }
}
