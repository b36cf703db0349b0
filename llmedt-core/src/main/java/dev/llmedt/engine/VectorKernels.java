package dev.llmedt.engine;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The three linear-layer kernels of {@link Kernels} on the incubating Vector API, blocked over four
 * outputs: each vector of inputs loaded feeds four outputs (the scalar kernels load it for one). Loaded
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

    /** How long the warm-up runs at least: long enough for C2 to compile the kernels before training calls them. */
    private static final long WARM_UP_NANOS = 400_000_000L;

    static {
        warmUp();
    }

    private VectorKernels() {
    }

    /**
     * Runs every kernel and every path in it (blocks, tails, remainders, with and without bias,
     * overwriting and accumulating, with and without gradient) on one thread, on small arrays,
     * before any caller does, so that C2 compiles them from these profiles (about 0.2 s).
     * Compiled first from the interleaved calls of the training workers, the kernels ran on the
     * Java fallback of the Vector API in some JVM runs.
     */
    private static void warmUp() {
        int in = 37;
        int out = 38;
        int rows = 2 * LANES + 5;
        float[][] weight = values(out + 2, in, 0.01f);
        float[] bias = values(1, out + 2, 0.02f)[0];
        float[][] x = values(in, rows, 0.03f);
        float[][] y = new float[out][rows];
        float[][] dy = values(out, rows, 0.04f);
        float[][] dx = new float[in][rows];
        float[][] xRows = values(rows, in, 0.05f);
        float[][] dyRows = values(rows, out, 0.06f);
        float[][] grad = new float[out + 2][in];
        float[] w = values(1, 4 * LANES + 3, 0.07f)[0];
        float[] g = values(1, w.length, 0.08f)[0];
        float[] m = new float[w.length];
        float[] v = new float[w.length];
        float[][] packed = new float[PRODUCT_TILE_ROWS + 3][out];
        float[][] tileGrads = new float[PRODUCT_TILE_ROWS + 3][];
        float[][] sums = new float[4][2 * LANES];
        float[] dots = new float[2 * LANES];
        long end = System.nanoTime() + WARM_UP_NANOS;
        for (int i = 0; i < 4000 || System.nanoTime() < end; i++) {
            boolean accumulate = (i & 1) == 0;
            linearForward(weight, (i & 2) == 0 ? bias : null, 1, out, x, in, rows, y, accumulate);
            linearBackwardData(weight, 1, out, dy, in, rows, dx, accumulate);
            linearBackwardWeight(dyRows, out, xRows, in, rows, grad, 1);
            adamStep(w, (i & 2) == 0 ? g : null, m, v, 4 * LANES, 1e-3f, 1.01f, 1, 0, 0.9f, 0.1f, 0.98f, 0.02f, 1e-8f);
            productRows(xRows[0], xRows[1], xRows[2], xRows[3], x, in, (i & 1) * 3, 2 * LANES, y[0], y[1], y[2], y[3]);
            productRow(xRows[i & 3], x, in, (i & 1) * 3, 2 * LANES, y[0]);
            productGradient(dyRows, rows - (i & 3), x, 2 * LANES, grad, 1, out - 1, packed, tileGrads);
            columnDots(dy, bias, out - (i & 3), 2 * LANES, sums, dots);
            addScaled(grad[i & 7], dy[i & 3], bias[i & 7], 2 * LANES);
            if ((i & 255) == 0) {
                Arrays.stream(y).forEach(row -> Arrays.fill(row, 0));
                Arrays.stream(grad).forEach(row -> Arrays.fill(row, 0));
                Arrays.fill(dots, 0);
            }
        }
    }

    private static float[][] values(int rows, int cols, float step) {
        float[][] m = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                m[r][c] = ((r * 31 + c * 17) % 13 - 6) * step;
            }
        }
        return m;
    }

    /*
     * Each kernel hands its blocks of four outputs to a small method holding only vector loops; the
     * running sums go through the output arrays, so no vector lives across a loop's back edge, and
     * no vector is merged from two branches. Either pattern made C2 miss the Vector API intrinsics
     * in some JVM runs, depending on the order in which paths were first compiled (measured: SASRec
     * epochs of 5-6 s instead of 3.6 s, the samples in the Java fallback of the operations).
     */

    /** {@link Kernels#linearForward}: vectors run over rows, the reduction over inputs. */
    static void linearForward(float[][] weight, float[] bias, int outFrom, int outCount, float[][] x, int in, int rows, float[][] y,
            boolean accumulate) {
        int full = rows - rows % LANES;
        int o = 0;
        for (; o + 3 < outCount; o += 4) {
            int oa = outFrom + o;
            if (full > 0) {
                forwardBlock(weight[oa], weight[oa + 1], weight[oa + 2], weight[oa + 3], bias, oa, x, in, full, y[o], y[o + 1], y[o + 2],
                        y[o + 3], accumulate);
            }
            for (int j = 0; j < 4 && full < rows; j++) {
                Kernels.linearForwardRange(weight, bias, oa + j, x, in, full, rows, y[o + j], accumulate);
            }
        }
        for (; o < outCount; o++) {
            Kernels.linearForwardRange(weight, bias, outFrom + o, x, in, 0, rows, y[o], accumulate);
        }
    }

    private static void forwardBlock(float[] wa, float[] wb, float[] wc, float[] wd, float[] bias, int oa, float[][] x, int in, int full,
            float[] y0, float[] y1, float[] y2, float[] y3, boolean accumulate) {
        start(bias, oa, y0, full, accumulate);
        start(bias, oa + 1, y1, full, accumulate);
        start(bias, oa + 2, y2, full, accumulate);
        start(bias, oa + 3, y3, full, accumulate);
        int p = 0;
        for (; p + 3 < in; p += 4) {
            float[] x0 = x[p];
            float[] x1 = x[p + 1];
            float[] x2 = x[p + 2];
            float[] x3 = x[p + 3];
            for (int r = 0; r < full; r += LANES) {
                FloatVector v0 = FloatVector.fromArray(SPECIES, x0, r);
                FloatVector v1 = FloatVector.fromArray(SPECIES, x1, r);
                FloatVector v2 = FloatVector.fromArray(SPECIES, x2, r);
                FloatVector v3 = FloatVector.fromArray(SPECIES, x3, r);
                FloatVector.fromArray(SPECIES, y0, r).add(v0.mul(wa[p]).add(v1.mul(wa[p + 1])).add(v2.mul(wa[p + 2])).add(v3.mul(wa[p + 3])))
                        .intoArray(y0, r);
                FloatVector.fromArray(SPECIES, y1, r).add(v0.mul(wb[p]).add(v1.mul(wb[p + 1])).add(v2.mul(wb[p + 2])).add(v3.mul(wb[p + 3])))
                        .intoArray(y1, r);
                FloatVector.fromArray(SPECIES, y2, r).add(v0.mul(wc[p]).add(v1.mul(wc[p + 1])).add(v2.mul(wc[p + 2])).add(v3.mul(wc[p + 3])))
                        .intoArray(y2, r);
                FloatVector.fromArray(SPECIES, y3, r).add(v0.mul(wd[p]).add(v1.mul(wd[p + 1])).add(v2.mul(wd[p + 2])).add(v3.mul(wd[p + 3])))
                        .intoArray(y3, r);
            }
        }
        for (; p < in; p++) {
            float[] x0 = x[p];
            for (int r = 0; r < full; r += LANES) {
                FloatVector v0 = FloatVector.fromArray(SPECIES, x0, r);
                FloatVector.fromArray(SPECIES, y0, r).add(v0.mul(wa[p])).intoArray(y0, r);
                FloatVector.fromArray(SPECIES, y1, r).add(v0.mul(wb[p])).intoArray(y1, r);
                FloatVector.fromArray(SPECIES, y2, r).add(v0.mul(wc[p])).intoArray(y2, r);
                FloatVector.fromArray(SPECIES, y3, r).add(v0.mul(wd[p])).intoArray(y3, r);
            }
        }
    }

    /**
     * Sets {@code y[0, full)} to the bias (or zero), or adds the bias to it when accumulating. One
     * loop per case: a vector merged from two branches can defeat the intrinsics (measured: the
     * stores then ran on the Java fallback); plain fills need no vectors.
     */
    private static void start(float[] bias, int b, float[] y, int full, boolean accumulate) {
        if (!accumulate) {
            Arrays.fill(y, 0, full, bias == null ? 0 : bias[b]);
        } else if (bias != null) {
            float value = bias[b];
            for (int r = 0; r < full; r += LANES) {
                FloatVector.fromArray(SPECIES, y, r).add(value).intoArray(y, r);
            }
        }
    }

    /** {@link Kernels#linearBackwardData}: vectors run over rows, the reduction over outputs. */
    static void linearBackwardData(float[][] weight, int outFrom, int outCount, float[][] dy, int in, int rows, float[][] dx,
            boolean accumulate) {
        int full = rows - rows % LANES;
        int p = 0;
        for (; p + 3 < in; p += 4) {
            if (full > 0) {
                dataBlock(weight, outFrom, outCount, dy, p, full, dx[p], dx[p + 1], dx[p + 2], dx[p + 3], accumulate);
            }
            for (int j = 0; j < 4 && full < rows; j++) {
                Kernels.linearBackwardDataRange(weight, outFrom, outCount, dy, p + j, full, rows, dx[p + j], accumulate);
            }
        }
        for (; p < in; p++) {
            Kernels.linearBackwardDataRange(weight, outFrom, outCount, dy, p, 0, rows, dx[p], accumulate);
        }
    }

    private static void dataBlock(float[][] weight, int outFrom, int outCount, float[][] dy, int p, int full, float[] q0, float[] q1,
            float[] q2, float[] q3, boolean accumulate) {
        if (!accumulate) {
            Arrays.fill(q0, 0, full, 0);
            Arrays.fill(q1, 0, full, 0);
            Arrays.fill(q2, 0, full, 0);
            Arrays.fill(q3, 0, full, 0);
        }
        int o = 0;
        for (; o + 3 < outCount; o += 4) {
            float[] w0 = weight[outFrom + o];
            float[] w1 = weight[outFrom + o + 1];
            float[] w2 = weight[outFrom + o + 2];
            float[] w3 = weight[outFrom + o + 3];
            float a0 = w0[p];
            float a1 = w1[p];
            float a2 = w2[p];
            float a3 = w3[p];
            float b0 = w0[p + 1];
            float b1 = w1[p + 1];
            float b2 = w2[p + 1];
            float b3 = w3[p + 1];
            float c0 = w0[p + 2];
            float c1 = w1[p + 2];
            float c2 = w2[p + 2];
            float c3 = w3[p + 2];
            float d0 = w0[p + 3];
            float d1 = w1[p + 3];
            float d2 = w2[p + 3];
            float d3 = w3[p + 3];
            float[] e0 = dy[o];
            float[] e1 = dy[o + 1];
            float[] e2 = dy[o + 2];
            float[] e3 = dy[o + 3];
            for (int r = 0; r < full; r += LANES) {
                FloatVector v0 = FloatVector.fromArray(SPECIES, e0, r);
                FloatVector v1 = FloatVector.fromArray(SPECIES, e1, r);
                FloatVector v2 = FloatVector.fromArray(SPECIES, e2, r);
                FloatVector v3 = FloatVector.fromArray(SPECIES, e3, r);
                FloatVector.fromArray(SPECIES, q0, r).add(v0.mul(a0).add(v1.mul(a1)).add(v2.mul(a2)).add(v3.mul(a3))).intoArray(q0, r);
                FloatVector.fromArray(SPECIES, q1, r).add(v0.mul(b0).add(v1.mul(b1)).add(v2.mul(b2)).add(v3.mul(b3))).intoArray(q1, r);
                FloatVector.fromArray(SPECIES, q2, r).add(v0.mul(c0).add(v1.mul(c1)).add(v2.mul(c2)).add(v3.mul(c3))).intoArray(q2, r);
                FloatVector.fromArray(SPECIES, q3, r).add(v0.mul(d0).add(v1.mul(d1)).add(v2.mul(d2)).add(v3.mul(d3))).intoArray(q3, r);
            }
        }
        for (; o < outCount; o++) {
            float[] w0 = weight[outFrom + o];
            float[] e0 = dy[o];
            for (int r = 0; r < full; r += LANES) {
                FloatVector v0 = FloatVector.fromArray(SPECIES, e0, r);
                FloatVector.fromArray(SPECIES, q0, r).add(v0.mul(w0[p])).intoArray(q0, r);
                FloatVector.fromArray(SPECIES, q1, r).add(v0.mul(w0[p + 1])).intoArray(q1, r);
                FloatVector.fromArray(SPECIES, q2, r).add(v0.mul(w0[p + 2])).intoArray(q2, r);
                FloatVector.fromArray(SPECIES, q3, r).add(v0.mul(w0[p + 3])).intoArray(q3, r);
            }
        }
    }

    /** {@link Kernels#linearBackwardWeight}: vectors run over inputs, the reduction over rows. */
    static void linearBackwardWeight(float[][] dyRows, int outCount, float[][] xRows, int in, int rows, float[][] gradWeight,
            int outFrom) {
        int full = in - in % LANES;
        int o = 0;
        for (; o + 3 < outCount; o += 4) {
            if (full > 0) {
                weightBlock(dyRows, o, xRows, full, rows, gradWeight[outFrom + o], gradWeight[outFrom + o + 1], gradWeight[outFrom + o + 2],
                        gradWeight[outFrom + o + 3]);
            }
            for (int j = 0; j < 4 && full < in; j++) {
                Kernels.linearBackwardWeightRange(dyRows, o + j, xRows, full, in, rows, gradWeight[outFrom + o + j]);
            }
        }
        for (; o < outCount; o++) {
            Kernels.linearBackwardWeightRange(dyRows, o, xRows, 0, in, rows, gradWeight[outFrom + o]);
        }
    }

    private static void weightBlock(float[][] dyRows, int o, float[][] xRows, int full, int rows, float[] g0, float[] g1, float[] g2,
            float[] g3) {
        weightBlock(dyRows, o, xRows, full, 0, rows, g0, g1, g2, g3);
    }

    /** {@link #weightBlock} over the rows {@code [rowFrom, rowTo)}: groups of four from rowFrom, then one by one. */
    private static void weightBlock(float[][] dyRows, int o, float[][] xRows, int full, int rowFrom, int rowTo, float[] g0, float[] g1,
            float[] g2, float[] g3) {
        int r = rowFrom;
        for (; r + 3 < rowTo; r += 4) {
            float[] e0 = dyRows[r];
            float[] e1 = dyRows[r + 1];
            float[] e2 = dyRows[r + 2];
            float[] e3 = dyRows[r + 3];
            float a0 = e0[o];
            float a1 = e1[o];
            float a2 = e2[o];
            float a3 = e3[o];
            float b0 = e0[o + 1];
            float b1 = e1[o + 1];
            float b2 = e2[o + 1];
            float b3 = e3[o + 1];
            float c0 = e0[o + 2];
            float c1 = e1[o + 2];
            float c2 = e2[o + 2];
            float c3 = e3[o + 2];
            float d0 = e0[o + 3];
            float d1 = e1[o + 3];
            float d2 = e2[o + 3];
            float d3 = e3[o + 3];
            float[] x0 = xRows[r];
            float[] x1 = xRows[r + 1];
            float[] x2 = xRows[r + 2];
            float[] x3 = xRows[r + 3];
            for (int c = 0; c < full; c += LANES) {
                FloatVector v0 = FloatVector.fromArray(SPECIES, x0, c);
                FloatVector v1 = FloatVector.fromArray(SPECIES, x1, c);
                FloatVector v2 = FloatVector.fromArray(SPECIES, x2, c);
                FloatVector v3 = FloatVector.fromArray(SPECIES, x3, c);
                FloatVector.fromArray(SPECIES, g0, c).add(v0.mul(a0).add(v1.mul(a1)).add(v2.mul(a2)).add(v3.mul(a3))).intoArray(g0, c);
                FloatVector.fromArray(SPECIES, g1, c).add(v0.mul(b0).add(v1.mul(b1)).add(v2.mul(b2)).add(v3.mul(b3))).intoArray(g1, c);
                FloatVector.fromArray(SPECIES, g2, c).add(v0.mul(c0).add(v1.mul(c1)).add(v2.mul(c2)).add(v3.mul(c3))).intoArray(g2, c);
                FloatVector.fromArray(SPECIES, g3, c).add(v0.mul(d0).add(v1.mul(d1)).add(v2.mul(d2)).add(v3.mul(d3))).intoArray(g3, c);
            }
        }
        for (; r < rowTo; r++) {
            float[] e0 = dyRows[r];
            float a0 = e0[o];
            float b0 = e0[o + 1];
            float c0 = e0[o + 2];
            float d0 = e0[o + 3];
            float[] x0 = xRows[r];
            for (int c = 0; c < full; c += LANES) {
                FloatVector v0 = FloatVector.fromArray(SPECIES, x0, c);
                FloatVector.fromArray(SPECIES, g0, c).add(v0.mul(a0)).intoArray(g0, c);
                FloatVector.fromArray(SPECIES, g1, c).add(v0.mul(b0)).intoArray(g1, c);
                FloatVector.fromArray(SPECIES, g2, c).add(v0.mul(c0)).intoArray(g2, c);
                FloatVector.fromArray(SPECIES, g3, c).add(v0.mul(d0)).intoArray(g3, c);
            }
        }
    }

    /**
     * Four rows times a feature-major matrix: {@code o_j[c] += sum_p x_j[p] productT[p][from + c]}
     * for {@code c < full} ({@code full} a multiple of {@link #LANES}), the same operations in the
     * same order as {@link Kernels#addWeightedRows} on each row; each vector of the matrix loaded
     * feeds four rows. The item tower's products for four item rows of one adapter ({@code o_j}
     * already holding the bias, {@code from} 0), and the scores of four users for a block of items
     * starting at {@code from} ({@code o_j} zero).
     */
    static void productRows(float[] x0, float[] x1, float[] x2, float[] x3, float[][] productT, int featureWidth, int from, int full,
            float[] o0, float[] o1, float[] o2, float[] o3) {
        int p = 0;
        for (; p + 3 < featureWidth; p += 4) {
            float[] t0 = productT[p];
            float[] t1 = productT[p + 1];
            float[] t2 = productT[p + 2];
            float[] t3 = productT[p + 3];
            float a0 = x0[p];
            float a1 = x0[p + 1];
            float a2 = x0[p + 2];
            float a3 = x0[p + 3];
            float b0 = x1[p];
            float b1 = x1[p + 1];
            float b2 = x1[p + 2];
            float b3 = x1[p + 3];
            float c0 = x2[p];
            float c1 = x2[p + 1];
            float c2 = x2[p + 2];
            float c3 = x2[p + 3];
            float d0 = x3[p];
            float d1 = x3[p + 1];
            float d2 = x3[p + 2];
            float d3 = x3[p + 3];
            for (int c = 0; c < full; c += LANES) {
                FloatVector v0 = FloatVector.fromArray(SPECIES, t0, from + c);
                FloatVector v1 = FloatVector.fromArray(SPECIES, t1, from + c);
                FloatVector v2 = FloatVector.fromArray(SPECIES, t2, from + c);
                FloatVector v3 = FloatVector.fromArray(SPECIES, t3, from + c);
                FloatVector.fromArray(SPECIES, o0, c).add(v0.mul(a0).add(v1.mul(a1)).add(v2.mul(a2)).add(v3.mul(a3))).intoArray(o0, c);
                FloatVector.fromArray(SPECIES, o1, c).add(v0.mul(b0).add(v1.mul(b1)).add(v2.mul(b2)).add(v3.mul(b3))).intoArray(o1, c);
                FloatVector.fromArray(SPECIES, o2, c).add(v0.mul(c0).add(v1.mul(c1)).add(v2.mul(c2)).add(v3.mul(c3))).intoArray(o2, c);
                FloatVector.fromArray(SPECIES, o3, c).add(v0.mul(d0).add(v1.mul(d1)).add(v2.mul(d2)).add(v3.mul(d3))).intoArray(o3, c);
            }
        }
        for (; p < featureWidth; p++) {
            float[] t0 = productT[p];
            float a0 = x0[p];
            float b0 = x1[p];
            float c0 = x2[p];
            float d0 = x3[p];
            for (int c = 0; c < full; c += LANES) {
                FloatVector v0 = FloatVector.fromArray(SPECIES, t0, from + c);
                FloatVector.fromArray(SPECIES, o0, c).add(v0.mul(a0)).intoArray(o0, c);
                FloatVector.fromArray(SPECIES, o1, c).add(v0.mul(b0)).intoArray(o1, c);
                FloatVector.fromArray(SPECIES, o2, c).add(v0.mul(c0)).intoArray(o2, c);
                FloatVector.fromArray(SPECIES, o3, c).add(v0.mul(d0)).intoArray(o3, c);
            }
        }
    }

    /**
     * {@link #productRows} for one row: {@code o[c] += sum_p x[p] productT[p][from + c]} for
     * {@code c < full}, the operations of {@link Kernels#addWeightedRows} in its order.
     */
    static void productRow(float[] x, float[][] productT, int featureWidth, int from, int full, float[] o) {
        int p = 0;
        for (; p + 3 < featureWidth; p += 4) {
            float[] t0 = productT[p];
            float[] t1 = productT[p + 1];
            float[] t2 = productT[p + 2];
            float[] t3 = productT[p + 3];
            float a0 = x[p];
            float a1 = x[p + 1];
            float a2 = x[p + 2];
            float a3 = x[p + 3];
            for (int c = 0; c < full; c += LANES) {
                FloatVector v0 = FloatVector.fromArray(SPECIES, t0, from + c);
                FloatVector v1 = FloatVector.fromArray(SPECIES, t1, from + c);
                FloatVector v2 = FloatVector.fromArray(SPECIES, t2, from + c);
                FloatVector v3 = FloatVector.fromArray(SPECIES, t3, from + c);
                FloatVector.fromArray(SPECIES, o, c).add(v0.mul(a0).add(v1.mul(a1)).add(v2.mul(a2)).add(v3.mul(a3))).intoArray(o, c);
            }
        }
        for (; p < featureWidth; p++) {
            float[] t0 = productT[p];
            float a0 = x[p];
            for (int c = 0; c < full; c += LANES) {
                FloatVector.fromArray(SPECIES, o, c).add(FloatVector.fromArray(SPECIES, t0, from + c).mul(a0)).intoArray(o, c);
            }
        }
    }

    /**
     * The item tower's product gradient {@code dm[p][f] += sum_r xs[r][p] gs[r][f]} for {@code p} in
     * {@code [pFrom, pTo)}, over the rows {@code r < n} in groups of four then one by one (the order
     * of the scalar accumulation): {@link #linearBackwardWeight}'s computation with the item features
     * as the output gradients and the vector gradients as the inputs. The rows go in tiles of
     * {@link #PRODUCT_TILE_ROWS}; each tile's feature entries {@code [pFrom, pTo)} are first copied
     * into {@code packed} (and its gradient rows listed in {@code tileGrads}), so that the blocks of
     * four features read contiguous rows instead of scattered ones.
     *
     * @param packed scratch of at least {@link #PRODUCT_TILE_ROWS}{@code  + 3} rows of at least
     *     {@code pTo - pFrom} floats
     * @param tileGrads scratch of at least {@link #PRODUCT_TILE_ROWS}{@code  + 3} entries
     */
    static void productGradient(float[][] xs, int n, float[][] gs, int width, float[][] dm, int pFrom, int pTo, float[][] packed,
            float[][] tileGrads) {
        int full = width - width % LANES;
        int span = pTo - pFrom;
        for (int from = 0, to; from < n; from = to) {
            to = n - from < PRODUCT_TILE_ROWS + 4 ? n : from + PRODUCT_TILE_ROWS;
            int rows = to - from;
            for (int k = 0; k < rows; k++) {
                System.arraycopy(xs[from + k], pFrom, packed[k], 0, span);
                tileGrads[k] = gs[from + k];
            }
            int p = pFrom;
            for (; p + 3 < pTo; p += 4) {
                if (full > 0) {
                    weightBlock(packed, p - pFrom, tileGrads, full, 0, rows, dm[p], dm[p + 1], dm[p + 2], dm[p + 3]);
                }
                for (int j = 0; j < 4 && full < width; j++) {
                    Kernels.linearBackwardWeightRange(packed, p - pFrom + j, tileGrads, full, width, 0, rows, dm[p + j]);
                }
            }
            for (; p < pTo; p++) {
                Kernels.linearBackwardWeightRange(packed, p - pFrom, tileGrads, 0, width, 0, rows, dm[p]);
            }
        }
    }

    /**
     * Rows per tile of {@link #productGradient}, a compile-time constant (the class's warm-up calls
     * it during initialisation). A multiple of four, so the groups of four rows are those of the
     * untiled sum and the last tile takes the rest: each entry of {@code dm} still takes its rows in
     * order, bit for bit the untiled result. A tile's packed rows (64 x 256 bytes for one worker's
     * half of 128 features) and its 64 x 256 bytes of gradients stay cached while every block of four
     * features passes over them. The features are random rows of the item table, mostly not in cache
     * when the backward pass starts: read in place, each block of four features touched a line of
     * every row again; packed, a row is read once, in order (2x on cold rows of a food-kitchen step,
     * measured with the whole kernel).
     */
    static final int PRODUCT_TILE_ROWS = 64;

    /**
     * {@code d[p] += Kernels.dot(column p of rowsT, col, count)} for {@code p < full} ({@code full} a
     * multiple of {@link #LANES}), bit for bit: per lane the four running sums of {@link Kernels#dot}
     * (indices in groups of four, the rest into the first), kept in {@code sums}, then
     * {@code (s0 + s1) + (s2 + s3)}. The item adapter's first-layer gradient
     * {@code dW1[h][p] += sum_f dM[p][f] W2[f][h]} with {@code rowsT} the transposed product gradient.
     *
     * @param rowsT {@code [count][>= full]}
     * @param sums scratch of four rows of at least {@code full} floats
     */
    static void columnDots(float[][] rowsT, float[] col, int count, int full, float[][] sums, float[] d) {
        for (int j = 0; j < 4; j++) {
            Arrays.fill(sums[j], 0, full, 0);
        }
        int grouped = count - count % 4;
        for (int i = 0; i < count; i++) {
            addScaled(sums[i < grouped ? i & 3 : 0], rowsT[i], col[i], full);
        }
        for (int c = 0; c < full; c += LANES) {
            FloatVector a = FloatVector.fromArray(SPECIES, sums[0], c).add(FloatVector.fromArray(SPECIES, sums[1], c));
            FloatVector b = FloatVector.fromArray(SPECIES, sums[2], c).add(FloatVector.fromArray(SPECIES, sums[3], c));
            FloatVector.fromArray(SPECIES, d, c).add(a.add(b)).intoArray(d, c);
        }
    }

    /**
     * {@code y[c] += x[c] * w} for {@code c < full} ({@code full} a multiple of {@link #LANES}): one
     * product and one sum per element, as the scalar loop ({@link Kernels#addScaled}).
     */
    static void addScaled(float[] y, float[] x, float w, int full) {
        for (int c = 0; c < full; c += LANES) {
            FloatVector.fromArray(SPECIES, y, c).add(FloatVector.fromArray(SPECIES, x, c).mul(w)).intoArray(y, c);
        }
    }

    /**
     * One Adam step of {@link Adam} on the columns {@code [0, full)} of a row, {@code full} a multiple
     * of {@link #LANES}; {@code g} null for a step without gradient (a replayed step). Per element
     * the operations of the scalar step in its order; the square root is the correctly rounded
     * float one, as {@code (float) Math.sqrt(double)} of a float is.
     */
    static void adamStep(float[] w, float[] g, float[] mr, float[] vr, int full, float stepSize, float invSqrtBc2, float shrink, float l2,
            float b1, float c1, float b2, float c2, float eps) {
        // Two loops, not a vector merged from two branches (see start).
        if (g == null) {
            for (int c = 0; c < full; c += LANES) {
                FloatVector wv = FloatVector.fromArray(SPECIES, w, c);
                FloatVector gc = wv.mul(l2).add(0f); // 0 + l2 * w of the scalar step (addition commutes exactly)
                FloatVector mc = FloatVector.fromArray(SPECIES, mr, c).mul(b1).add(gc.mul(c1));
                FloatVector vc = FloatVector.fromArray(SPECIES, vr, c).mul(b2).add(gc.mul(c2).mul(gc));
                mc.intoArray(mr, c);
                vc.intoArray(vr, c);
                wv.mul(shrink).sub(mc.mul(stepSize).div(vc.lanewise(VectorOperators.SQRT).mul(invSqrtBc2).add(eps))).intoArray(w, c);
            }
        } else {
            for (int c = 0; c < full; c += LANES) {
                FloatVector wv = FloatVector.fromArray(SPECIES, w, c);
                FloatVector gc = FloatVector.fromArray(SPECIES, g, c).add(wv.mul(l2));
                FloatVector mc = FloatVector.fromArray(SPECIES, mr, c).mul(b1).add(gc.mul(c1));
                FloatVector vc = FloatVector.fromArray(SPECIES, vr, c).mul(b2).add(gc.mul(c2).mul(gc));
                mc.intoArray(mr, c);
                vc.intoArray(vr, c);
                wv.mul(shrink).sub(mc.mul(stepSize).div(vc.lanewise(VectorOperators.SQRT).mul(invSqrtBc2).add(eps))).intoArray(w, c);
            }
        }
    }
}
