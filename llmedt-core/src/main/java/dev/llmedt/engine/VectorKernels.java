package dev.llmedt.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The three linear-layer kernels of {@link Kernels} on the incubating Vector API, register-blocked
 * over four outputs with the accumulators held in registers across the whole reduction. Loaded
 * only when the JVM runs with {@code --add-modules jdk.incubator.vector} (see {@link Kernels#VECTOR}).
 *
 * <p><b>Bit-identical to the scalar kernels.</b> Each output element is computed with the very
 * operations of {@link Kernels}, in the same order: the start value (bias, zero or the old value),
 * then the reduction index in groups of four, each group summed left to right
 * ({@code ((a0*x0 + a1*x1) + a2*x2) + a3*x3}) and added to the running value, then the remaining
 * indices one by one. Multiplications and additions are separate (no fused multiply-add), so every
 * lane rounds exactly as the scalar code does; only which elements are computed together differs.
 * Rows (or columns) past the last full vector and outputs past the last block of four go through
 * the scalar code on that range.
 */
final class VectorKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector (16 floats with AVX-512). */
    static final int LANES = SPECIES.length();

    private VectorKernels() {
    }

    /** {@link Kernels#linearForward}: vectors run over rows, the reduction over inputs. */
    static void linearForward(float[][] weight, float[] bias, int outFrom, int outCount, float[][] x, int in, int rows, float[][] y,
            boolean accumulate) {
        int full = rows - rows % LANES;
        int o = 0;
        for (; o + 3 < outCount; o += 4) {
            int oa = outFrom + o;
            float[] y0 = y[o];
            float[] y1 = y[o + 1];
            float[] y2 = y[o + 2];
            float[] y3 = y[o + 3];
            float[] wa = weight[oa];
            float[] wb = weight[oa + 1];
            float[] wc = weight[oa + 2];
            float[] wd = weight[oa + 3];
            for (int r = 0; r < full; r += LANES) {
                FloatVector s0 = start(bias, oa, y0, r, accumulate);
                FloatVector s1 = start(bias, oa + 1, y1, r, accumulate);
                FloatVector s2 = start(bias, oa + 2, y2, r, accumulate);
                FloatVector s3 = start(bias, oa + 3, y3, r, accumulate);
                int p = 0;
                for (; p + 3 < in; p += 4) {
                    FloatVector v0 = FloatVector.fromArray(SPECIES, x[p], r);
                    FloatVector v1 = FloatVector.fromArray(SPECIES, x[p + 1], r);
                    FloatVector v2 = FloatVector.fromArray(SPECIES, x[p + 2], r);
                    FloatVector v3 = FloatVector.fromArray(SPECIES, x[p + 3], r);
                    s0 = s0.add(v0.mul(wa[p]).add(v1.mul(wa[p + 1])).add(v2.mul(wa[p + 2])).add(v3.mul(wa[p + 3])));
                    s1 = s1.add(v0.mul(wb[p]).add(v1.mul(wb[p + 1])).add(v2.mul(wb[p + 2])).add(v3.mul(wb[p + 3])));
                    s2 = s2.add(v0.mul(wc[p]).add(v1.mul(wc[p + 1])).add(v2.mul(wc[p + 2])).add(v3.mul(wc[p + 3])));
                    s3 = s3.add(v0.mul(wd[p]).add(v1.mul(wd[p + 1])).add(v2.mul(wd[p + 2])).add(v3.mul(wd[p + 3])));
                }
                for (; p < in; p++) {
                    FloatVector v0 = FloatVector.fromArray(SPECIES, x[p], r);
                    s0 = s0.add(v0.mul(wa[p]));
                    s1 = s1.add(v0.mul(wb[p]));
                    s2 = s2.add(v0.mul(wc[p]));
                    s3 = s3.add(v0.mul(wd[p]));
                }
                s0.intoArray(y0, r);
                s1.intoArray(y1, r);
                s2.intoArray(y2, r);
                s3.intoArray(y3, r);
            }
            for (int j = 0; j < 4 && full < rows; j++) {
                Kernels.linearForwardRange(weight, bias, oa + j, x, in, full, rows, y[o + j], accumulate);
            }
        }
        for (; o < outCount; o++) {
            Kernels.linearForwardRange(weight, bias, outFrom + o, x, in, 0, rows, y[o], accumulate);
        }
    }

    private static FloatVector start(float[] bias, int b, float[] y, int r, boolean accumulate) {
        if (!accumulate) {
            return FloatVector.broadcast(SPECIES, bias == null ? 0 : bias[b]);
        }
        FloatVector v = FloatVector.fromArray(SPECIES, y, r);
        return bias == null ? v : v.add(bias[b]);
    }

    /** {@link Kernels#linearBackwardData}: vectors run over rows, the reduction over outputs. */
    static void linearBackwardData(float[][] weight, int outFrom, int outCount, float[][] dy, int in, int rows, float[][] dx,
            boolean accumulate) {
        int full = rows - rows % LANES;
        int p = 0;
        for (; p + 3 < in; p += 4) {
            float[] q0 = dx[p];
            float[] q1 = dx[p + 1];
            float[] q2 = dx[p + 2];
            float[] q3 = dx[p + 3];
            for (int r = 0; r < full; r += LANES) {
                FloatVector s0 = accumulate ? FloatVector.fromArray(SPECIES, q0, r) : FloatVector.zero(SPECIES);
                FloatVector s1 = accumulate ? FloatVector.fromArray(SPECIES, q1, r) : FloatVector.zero(SPECIES);
                FloatVector s2 = accumulate ? FloatVector.fromArray(SPECIES, q2, r) : FloatVector.zero(SPECIES);
                FloatVector s3 = accumulate ? FloatVector.fromArray(SPECIES, q3, r) : FloatVector.zero(SPECIES);
                int o = 0;
                for (; o + 3 < outCount; o += 4) {
                    float[] w0 = weight[outFrom + o];
                    float[] w1 = weight[outFrom + o + 1];
                    float[] w2 = weight[outFrom + o + 2];
                    float[] w3 = weight[outFrom + o + 3];
                    FloatVector v0 = FloatVector.fromArray(SPECIES, dy[o], r);
                    FloatVector v1 = FloatVector.fromArray(SPECIES, dy[o + 1], r);
                    FloatVector v2 = FloatVector.fromArray(SPECIES, dy[o + 2], r);
                    FloatVector v3 = FloatVector.fromArray(SPECIES, dy[o + 3], r);
                    s0 = s0.add(v0.mul(w0[p]).add(v1.mul(w1[p])).add(v2.mul(w2[p])).add(v3.mul(w3[p])));
                    s1 = s1.add(v0.mul(w0[p + 1]).add(v1.mul(w1[p + 1])).add(v2.mul(w2[p + 1])).add(v3.mul(w3[p + 1])));
                    s2 = s2.add(v0.mul(w0[p + 2]).add(v1.mul(w1[p + 2])).add(v2.mul(w2[p + 2])).add(v3.mul(w3[p + 2])));
                    s3 = s3.add(v0.mul(w0[p + 3]).add(v1.mul(w1[p + 3])).add(v2.mul(w2[p + 3])).add(v3.mul(w3[p + 3])));
                }
                for (; o < outCount; o++) {
                    float[] w0 = weight[outFrom + o];
                    FloatVector v0 = FloatVector.fromArray(SPECIES, dy[o], r);
                    s0 = s0.add(v0.mul(w0[p]));
                    s1 = s1.add(v0.mul(w0[p + 1]));
                    s2 = s2.add(v0.mul(w0[p + 2]));
                    s3 = s3.add(v0.mul(w0[p + 3]));
                }
                s0.intoArray(q0, r);
                s1.intoArray(q1, r);
                s2.intoArray(q2, r);
                s3.intoArray(q3, r);
            }
            for (int j = 0; j < 4 && full < rows; j++) {
                Kernels.linearBackwardDataRange(weight, outFrom, outCount, dy, p + j, full, rows, dx[p + j], accumulate);
            }
        }
        for (; p < in; p++) {
            Kernels.linearBackwardDataRange(weight, outFrom, outCount, dy, p, 0, rows, dx[p], accumulate);
        }
    }

    /** {@link Kernels#linearBackwardWeight}: vectors run over inputs, the reduction over rows. */
    static void linearBackwardWeight(float[][] dyRows, int outCount, float[][] xRows, int in, int rows, float[][] gradWeight,
            int outFrom) {
        int full = in - in % LANES;
        int o = 0;
        for (; o + 3 < outCount; o += 4) {
            float[] g0 = gradWeight[outFrom + o];
            float[] g1 = gradWeight[outFrom + o + 1];
            float[] g2 = gradWeight[outFrom + o + 2];
            float[] g3 = gradWeight[outFrom + o + 3];
            for (int c = 0; c < full; c += LANES) {
                FloatVector s0 = FloatVector.fromArray(SPECIES, g0, c);
                FloatVector s1 = FloatVector.fromArray(SPECIES, g1, c);
                FloatVector s2 = FloatVector.fromArray(SPECIES, g2, c);
                FloatVector s3 = FloatVector.fromArray(SPECIES, g3, c);
                int r = 0;
                for (; r + 3 < rows; r += 4) {
                    float[] e0 = dyRows[r];
                    float[] e1 = dyRows[r + 1];
                    float[] e2 = dyRows[r + 2];
                    float[] e3 = dyRows[r + 3];
                    FloatVector v0 = FloatVector.fromArray(SPECIES, xRows[r], c);
                    FloatVector v1 = FloatVector.fromArray(SPECIES, xRows[r + 1], c);
                    FloatVector v2 = FloatVector.fromArray(SPECIES, xRows[r + 2], c);
                    FloatVector v3 = FloatVector.fromArray(SPECIES, xRows[r + 3], c);
                    s0 = s0.add(v0.mul(e0[o]).add(v1.mul(e1[o])).add(v2.mul(e2[o])).add(v3.mul(e3[o])));
                    s1 = s1.add(v0.mul(e0[o + 1]).add(v1.mul(e1[o + 1])).add(v2.mul(e2[o + 1])).add(v3.mul(e3[o + 1])));
                    s2 = s2.add(v0.mul(e0[o + 2]).add(v1.mul(e1[o + 2])).add(v2.mul(e2[o + 2])).add(v3.mul(e3[o + 2])));
                    s3 = s3.add(v0.mul(e0[o + 3]).add(v1.mul(e1[o + 3])).add(v2.mul(e2[o + 3])).add(v3.mul(e3[o + 3])));
                }
                for (; r < rows; r++) {
                    float[] e0 = dyRows[r];
                    FloatVector v0 = FloatVector.fromArray(SPECIES, xRows[r], c);
                    s0 = s0.add(v0.mul(e0[o]));
                    s1 = s1.add(v0.mul(e0[o + 1]));
                    s2 = s2.add(v0.mul(e0[o + 2]));
                    s3 = s3.add(v0.mul(e0[o + 3]));
                }
                s0.intoArray(g0, c);
                s1.intoArray(g1, c);
                s2.intoArray(g2, c);
                s3.intoArray(g3, c);
            }
            for (int j = 0; j < 4 && full < in; j++) {
                Kernels.linearBackwardWeightRange(dyRows, o + j, xRows, full, in, rows, gradWeight[outFrom + o + j]);
            }
        }
        for (; o < outCount; o++) {
            Kernels.linearBackwardWeightRange(dyRows, o, xRows, 0, in, rows, gradWeight[outFrom + o]);
        }
    }
}
