package dev.llmedt.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forward of a linear layer on few rows (one user's history at inference, and the last rows of
 * a training pass after its last whole vector of rows) on the incubating Vector API: each row's
 * outputs are computed in one row buffer, a block of four vectors of outputs at a time, straight
 * from the feature-major input and into the feature-major output, with the weight transposed
 * ({@code [in][out]}). Every output sums the same products in the same order
 * as {@link Kernels#linearForwardRows} (bias or zero first, then the inputs in groups of four, each
 * group summed left to right before it is added, then the remaining inputs one by one), with
 * separate multiplies and adds, so the results are bit-identical to it and to the feature-major
 * {@link Kernels#linearForward}. Loaded only when {@link Kernels#VECTOR}; a warm-up at class
 * initialisation compiles it from a single-threaded profile (as {@link ScreenKernels} does).
 */
final class RowKernels {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = FLOATS.length();

    /** How long the warm-up runs at most. */
    private static final long WARM_UP_NANOS = 100_000_000L;

    static {
        warmUp();
    }

    private RowKernels() {
    }

    /** Runs every path (blocks of four vectors, single vectors, the scalar tail, with and without bias) on small layers. */
    private static void warmUp() {
        int in = 2 * 4 + 3;
        int out = 5 * LANES + 3;
        int rows = 5;
        float[][] weightT = new float[in][out];
        float[] bias = new float[out];
        float[][] x = new float[in][rows];
        for (int p = 0; p < in; p++) {
            for (int o = 0; o < out; o++) {
                weightT[p][o] = (float) Math.sin(p * 31 + o);
                bias[o] = (float) Math.cos(o);
            }
            for (int r = 0; r < rows; r++) {
                x[p][r] = (float) Math.cos(p * 7 + r);
            }
        }
        float[][] y = new float[out][rows];
        float[] row = new float[out];
        long end = System.nanoTime() + WARM_UP_NANOS;
        for (int i = 0; i < 20_000 && System.nanoTime() < end; i++) {
            rows(weightT, i & 1, (i & 2) == 0 ? bias : null, 0, out, x, in - 1, i & 1, 1 + (i & 3), y, (i & 4) == 0, row);
        }
    }

    /**
     * {@code y[o][r] (+)= bias[biasFrom + o] + sum_p x[p][r] * t[tFrom + p][o]} for {@code o < out} and
     * the rows {@code r} in {@code [from, to)}, in the order of the scalar feature-major kernels
     * ({@link Kernels#linearForwardRange}, and {@link Kernels#linearBackwardDataRange} with {@code t}
     * the weight, {@code x} the output gradient and no bias): each output starts at the bias or zero
     * (when accumulating: at its current value, plus the bias), then adds the inputs in groups of four.
     * The training kernels hand it the rows after the last whole vector of rows, which their scalar
     * loops ran at a fraction of the speed.
     *
     * @param bias may be null (zero)
     * @param row scratch of at least {@code out} floats
     */
    static void rows(float[][] t, int tFrom, float[] bias, int biasFrom, int out, float[][] x, int in, int from, int to, float[][] y,
            boolean accumulate, float[] row) {
        int full = out - out % LANES;
        for (int r = from; r < to; r++) {
            // Each output starts from the row, not from a vector chosen by a branch.
            if (!accumulate) {
                if (bias == null) {
                    java.util.Arrays.fill(row, 0, out, 0);
                } else {
                    System.arraycopy(bias, biasFrom, row, 0, out);
                }
            } else {
                for (int f = 0; f < out; f++) {
                    row[f] = y[f][r];
                }
                if (bias != null) {
                    for (int f = 0; f < out; f++) {
                        row[f] += bias[biasFrom + f];
                    }
                }
            }
            int o = 0;
            for (; o + 4 * LANES <= full; o += 4 * LANES) {
                four(t, tFrom, o, x, in, r, row);
            }
            for (; o < full; o += LANES) {
                one(t, tFrom, o, x, in, r, row);
            }
            for (; o < out; o++) {
                row[o] = scalar(t, tFrom, row[o], o, x, in, r);
            }
            for (int f = 0; f < out; f++) {
                y[f][r] = row[f];
            }
        }
    }

    /**
     * The outputs {@code [o, o + 4 LANES)} of row r, from their starts in {@code row}, into {@code row}.
     * The running sums go through {@code row} (first-level cache) at every group of inputs: no vector
     * lives across the loop's back edge, the pattern that made C2 miss the Vector API intrinsics in
     * some JVM runs (see {@code VectorKernels}; measured here: one LLM-EDT training run of three with
     * epochs twice as long when the sums stayed in registers).
     */
    private static void four(float[][] weightT, int tFrom, int o, float[][] x, int in, int r, float[] row) {
        int o1 = o + LANES;
        int o2 = o + 2 * LANES;
        int o3 = o + 3 * LANES;
        int p = 0;
        for (; p + 3 < in; p += 4) {
            float w0 = x[p][r];
            float w1 = x[p + 1][r];
            float w2 = x[p + 2][r];
            float w3 = x[p + 3][r];
            float[] t0 = weightT[tFrom + p];
            float[] t1 = weightT[tFrom + p + 1];
            float[] t2 = weightT[tFrom + p + 2];
            float[] t3 = weightT[tFrom + p + 3];
            FloatVector.fromArray(FLOATS, row, o).add(FloatVector.fromArray(FLOATS, t0, o).mul(w0).add(FloatVector.fromArray(FLOATS, t1, o).mul(w1))
                    .add(FloatVector.fromArray(FLOATS, t2, o).mul(w2)).add(FloatVector.fromArray(FLOATS, t3, o).mul(w3))).intoArray(row, o);
            FloatVector.fromArray(FLOATS, row, o1).add(FloatVector.fromArray(FLOATS, t0, o1).mul(w0).add(FloatVector.fromArray(FLOATS, t1, o1).mul(w1))
                    .add(FloatVector.fromArray(FLOATS, t2, o1).mul(w2)).add(FloatVector.fromArray(FLOATS, t3, o1).mul(w3))).intoArray(row, o1);
            FloatVector.fromArray(FLOATS, row, o2).add(FloatVector.fromArray(FLOATS, t0, o2).mul(w0).add(FloatVector.fromArray(FLOATS, t1, o2).mul(w1))
                    .add(FloatVector.fromArray(FLOATS, t2, o2).mul(w2)).add(FloatVector.fromArray(FLOATS, t3, o2).mul(w3))).intoArray(row, o2);
            FloatVector.fromArray(FLOATS, row, o3).add(FloatVector.fromArray(FLOATS, t0, o3).mul(w0).add(FloatVector.fromArray(FLOATS, t1, o3).mul(w1))
                    .add(FloatVector.fromArray(FLOATS, t2, o3).mul(w2)).add(FloatVector.fromArray(FLOATS, t3, o3).mul(w3))).intoArray(row, o3);
        }
        for (; p < in; p++) {
            float w = x[p][r];
            float[] t = weightT[tFrom + p];
            FloatVector.fromArray(FLOATS, row, o).add(FloatVector.fromArray(FLOATS, t, o).mul(w)).intoArray(row, o);
            FloatVector.fromArray(FLOATS, row, o1).add(FloatVector.fromArray(FLOATS, t, o1).mul(w)).intoArray(row, o1);
            FloatVector.fromArray(FLOATS, row, o2).add(FloatVector.fromArray(FLOATS, t, o2).mul(w)).intoArray(row, o2);
            FloatVector.fromArray(FLOATS, row, o3).add(FloatVector.fromArray(FLOATS, t, o3).mul(w)).intoArray(row, o3);
        }
    }

    /** The outputs {@code [o, o + LANES)} of row r, from their starts in {@code row}, into {@code row} (sums through {@code row}). */
    private static void one(float[][] weightT, int tFrom, int o, float[][] x, int in, int r, float[] row) {
        int p = 0;
        for (; p + 3 < in; p += 4) {
            FloatVector.fromArray(FLOATS, row, o).add(FloatVector.fromArray(FLOATS, weightT[tFrom + p], o).mul(x[p][r])
                    .add(FloatVector.fromArray(FLOATS, weightT[tFrom + p + 1], o).mul(x[p + 1][r]))
                    .add(FloatVector.fromArray(FLOATS, weightT[tFrom + p + 2], o).mul(x[p + 2][r]))
                    .add(FloatVector.fromArray(FLOATS, weightT[tFrom + p + 3], o).mul(x[p + 3][r]))).intoArray(row, o);
        }
        for (; p < in; p++) {
            FloatVector.fromArray(FLOATS, row, o).add(FloatVector.fromArray(FLOATS, weightT[tFrom + p], o).mul(x[p][r])).intoArray(row, o);
        }
    }

    /** Output o of row r from its start (bias or zero), in the scalar kernel's order. */
    private static float scalar(float[][] weightT, int tFrom, float start, int o, float[][] x, int in, int r) {
        float s = start;
        int p = 0;
        for (; p + 3 < in; p += 4) {
            s += x[p][r] * weightT[tFrom + p][o] + x[p + 1][r] * weightT[tFrom + p + 1][o] + x[p + 2][r] * weightT[tFrom + p + 2][o]
                    + x[p + 3][r] * weightT[tFrom + p + 3][o];
        }
        for (; p < in; p++) {
            s += x[p][r] * weightT[tFrom + p][o];
        }
        return s;
    }
}
