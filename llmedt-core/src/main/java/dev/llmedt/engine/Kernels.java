package dev.llmedt.engine;

/**
 * Dense kernels over feature-major matrices. Every inner loop indexes all its arrays with the same
 * expression so that the JIT vectorizes it.
 */
public final class Kernels {

    /**
     * Whether the linear-layer kernels run on the Vector API ({@code VectorKernels}, bit-identical
     * results, about twice the speed): true when the JVM resolved {@code jdk.incubator.vector} (run
     * it with {@code --add-modules jdk.incubator.vector}) unless the system property
     * {@code llmedt.vector} is {@code false}.
     */
    public static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equalsIgnoreCase(System.getProperty("llmedt.vector"));

    private Kernels() {
    }

    /** Says which linear kernels run, for logs: the Vector API ones and their lanes, or the scalar ones and how to switch. */
    public static String description() {
        if (VECTOR) {
            return "Vector API kernels (" + VectorKernels.LANES + " float lanes)";
        }
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? "scalar kernels (-Dllmedt.vector=false)"
                : "scalar kernels (java --add-modules jdk.incubator.vector runs the faster Vector API kernels)";
    }

    /**
     * {@code y[o][0..R) (+)= bias[o] + sum_p w[o][p] * x[p][0..R)} for {@code o} in {@code [0, outCount)}, where
     * {@code w} rows are {@code weight[outFrom + o]}. Feature-major forward of a linear layer.
     *
     * @param accumulate add into y instead of overwriting it
     */
    public static void linearForward(float[][] weight, float[] bias, int outFrom, int outCount, float[][] x, int in, int rows,
            float[][] y, boolean accumulate) {
        if (VECTOR) {
            VectorKernels.linearForward(weight, bias, outFrom, outCount, x, in, rows, y, accumulate);
            return;
        }
        for (int o = 0; o < outCount; o++) {
            linearForwardRange(weight, bias, outFrom + o, x, in, 0, rows, y[o], accumulate);
        }
    }

    /** One output row of {@link #linearForward} on the rows {@code [from, to)}; {@code o} indexes the weight. */
    static void linearForwardRange(float[][] weight, float[] bias, int o, float[][] x, int in, int from, int to, float[] yo,
            boolean accumulate) {
        if (!accumulate) {
            float b = bias == null ? 0 : bias[o];
            for (int r = from; r < to; r++) {
                yo[r] = b;
            }
        } else if (bias != null) {
            float b = bias[o];
            for (int r = from; r < to; r++) {
                yo[r] += b;
            }
        }
        addWeightedRows(weight[o], x, in, yo, from, to);
    }

    /**
     * {@code yRows[r][0..out) = bias[biasFrom..biasFrom+out) + sum_p xRows[r][p] * weightT[p][0..out)} for
     * {@code r < rows}: the forward of a linear layer on ROW-major activations with the weight transposed
     * ({@code weightT[p][o] = w[o][p]}). For few rows it beats {@link #linearForward}, whose inner loops
     * run over rows; each output sums the same products in the same order as there (bias first, then
     * the inputs in groups of four), so the two give bit-identical results.
     *
     * @param bias may be null (zero)
     */
    public static void linearForwardRows(float[][] weightT, float[] bias, int biasFrom, int out, float[][] xRows, int in, int rows,
            float[][] yRows) {
        for (int r = 0; r < rows; r++) {
            float[] y = yRows[r];
            if (bias == null) {
                java.util.Arrays.fill(y, 0, out, 0);
            } else {
                System.arraycopy(bias, biasFrom, y, 0, out);
            }
            addWeightedRows(xRows[r], weightT, in, y, 0, out);
        }
    }

    /**
     * {@code y[from..to) += sum_p weights[p] * rows[p][from..to)} for {@code p < count}: the inner
     * step of a feature-major matrix product (also used to score items against user vectors).
     */
    public static void addWeightedRows(float[] weights, float[][] rows, int count, float[] y, int from, int to) {
        int p = 0;
        for (; p + 3 < count; p += 4) {
            float w0 = weights[p];
            float w1 = weights[p + 1];
            float w2 = weights[p + 2];
            float w3 = weights[p + 3];
            float[] x0 = rows[p];
            float[] x1 = rows[p + 1];
            float[] x2 = rows[p + 2];
            float[] x3 = rows[p + 3];
            for (int r = from; r < to; r++) {
                y[r] += w0 * x0[r] + w1 * x1[r] + w2 * x2[r] + w3 * x3[r];
            }
        }
        for (; p < count; p++) {
            float w0 = weights[p];
            float[] x0 = rows[p];
            for (int r = from; r < to; r++) {
                y[r] += w0 * x0[r];
            }
        }
    }

    /**
     * {@code dx[p][0..R) (+)= sum_o weight[outFrom + o][p] * dy[o][0..R)}: the input gradient of a
     * linear layer.
     */
    public static void linearBackwardData(float[][] weight, int outFrom, int outCount, float[][] dy, int in, int rows,
            float[][] dx, boolean accumulate) {
        if (VECTOR) {
            VectorKernels.linearBackwardData(weight, outFrom, outCount, dy, in, rows, dx, accumulate);
            return;
        }
        for (int p = 0; p < in; p++) {
            linearBackwardDataRange(weight, outFrom, outCount, dy, p, 0, rows, dx[p], accumulate);
        }
    }

    /** The input row {@code p} of {@link #linearBackwardData} on the rows {@code [from, to)}. */
    static void linearBackwardDataRange(float[][] weight, int outFrom, int outCount, float[][] dy, int p, int from, int to, float[] dxp,
            boolean accumulate) {
        if (!accumulate) {
            for (int r = from; r < to; r++) {
                dxp[r] = 0;
            }
        }
        int o = 0;
        for (; o + 3 < outCount; o += 4) {
            float w0 = weight[outFrom + o][p];
            float w1 = weight[outFrom + o + 1][p];
            float w2 = weight[outFrom + o + 2][p];
            float w3 = weight[outFrom + o + 3][p];
            float[] d0 = dy[o];
            float[] d1 = dy[o + 1];
            float[] d2 = dy[o + 2];
            float[] d3 = dy[o + 3];
            for (int r = from; r < to; r++) {
                dxp[r] += w0 * d0[r] + w1 * d1[r] + w2 * d2[r] + w3 * d3[r];
            }
        }
        for (; o < outCount; o++) {
            float w0 = weight[outFrom + o][p];
            float[] d0 = dy[o];
            for (int r = from; r < to; r++) {
                dxp[r] += w0 * d0[r];
            }
        }
    }

    /**
     * {@code gradWeight[outFrom + o][0..in) += sum_r dyRows[r][o] * xRows[r][0..in)}: the weight gradient
     * of a linear layer from ROW-major copies of its input and output gradient (see {@link #transpose}).
     */
    public static void linearBackwardWeight(float[][] dyRows, int outCount, float[][] xRows, int in, int rows,
            float[][] gradWeight, int outFrom) {
        if (VECTOR) {
            VectorKernels.linearBackwardWeight(dyRows, outCount, xRows, in, rows, gradWeight, outFrom);
            return;
        }
        for (int o = 0; o < outCount; o++) {
            linearBackwardWeightRange(dyRows, o, xRows, 0, in, rows, gradWeight[outFrom + o]);
        }
    }

    /** The gradient row {@code g} of output {@code o} in {@link #linearBackwardWeight}, on the inputs {@code [from, to)}. */
    static void linearBackwardWeightRange(float[][] dyRows, int o, float[][] xRows, int from, int to, int rows, float[] g) {
        linearBackwardWeightRange(dyRows, o, xRows, from, to, 0, rows, g);
    }

    /** {@link #linearBackwardWeightRange} over the rows {@code [rowFrom, rowTo)}: groups of four from rowFrom, then one by one. */
    static void linearBackwardWeightRange(float[][] dyRows, int o, float[][] xRows, int from, int to, int rowFrom, int rowTo, float[] g) {
        int r = rowFrom;
        for (; r + 3 < rowTo; r += 4) {
            float a0 = dyRows[r][o];
            float a1 = dyRows[r + 1][o];
            float a2 = dyRows[r + 2][o];
            float a3 = dyRows[r + 3][o];
            float[] x0 = xRows[r];
            float[] x1 = xRows[r + 1];
            float[] x2 = xRows[r + 2];
            float[] x3 = xRows[r + 3];
            for (int p = from; p < to; p++) {
                g[p] += a0 * x0[p] + a1 * x1[p] + a2 * x2[p] + a3 * x3[p];
            }
        }
        for (; r < rowTo; r++) {
            float a0 = dyRows[r][o];
            float[] x0 = xRows[r];
            for (int p = from; p < to; p++) {
                g[p] += a0 * x0[p];
            }
        }
    }

    /**
     * Rows per tile of {@link #transpose} and {@link #untranspose}: a tile's row arrays (32 x a
     * 64-float row = 8 KB) stay in the first-level cache while every feature passes over them,
     * where a whole chunk's rows (hundreds to thousands) did not, and every cache line of them was
     * fetched again for each feature.
     */
    private static final int TILE_ROWS = 32;

    /** {@code m[f][r] = rowsIn[r][f]} for f in [0, width), r in [0, rows): row-major to feature-major. */
    public static void untranspose(float[][] rowsIn, int width, int rows, float[][] m) {
        for (int r0 = 0; r0 < rows; r0 += TILE_ROWS) {
            int r1 = Math.min(rows, r0 + TILE_ROWS);
            for (int f = 0; f < width; f++) {
                float[] mf = m[f];
                for (int r = r0; r < r1; r++) {
                    mf[r] = rowsIn[r][f];
                }
            }
        }
    }

    /** {@code out[r][f] = m[f][r]} for f in [0, width), r in [0, rows): feature-major to row-major. */
    public static void transpose(float[][] m, int width, int rows, float[][] out) {
        for (int r0 = 0; r0 < rows; r0 += TILE_ROWS) {
            int r1 = Math.min(rows, r0 + TILE_ROWS);
            for (int f = 0; f < width; f++) {
                float[] mf = m[f];
                for (int r = r0; r < r1; r++) {
                    out[r][f] = mf[r];
                }
            }
        }
    }

    /** {@code sum_r y[o][r]} added into {@code grad[outFrom + o]}: a bias gradient. */
    public static void sumRows(float[][] dy, int outCount, int rows, float[] grad, int outFrom) {
        for (int o = 0; o < outCount; o++) {
            float[] d = dy[o];
            float s = 0;
            for (int r = 0; r < rows; r++) {
                s += d[r];
            }
            grad[outFrom + o] += s;
        }
    }

    /** {@code y[f][0..R) += a[f][0..R)}. */
    public static void addInPlace(float[][] a, int width, int rows, float[][] y) {
        for (int f = 0; f < width; f++) {
            float[] af = a[f];
            float[] yf = y[f];
            for (int r = 0; r < rows; r++) {
                yf[r] += af[r];
            }
        }
    }

    /** Copies {@code width x rows} of a feature-major matrix. */
    public static void copy(float[][] from, int width, int rows, float[][] to) {
        for (int f = 0; f < width; f++) {
            System.arraycopy(from[f], 0, to[f], 0, rows);
        }
    }

    /** Sets {@code width x rows} of a feature-major matrix to zero. */
    public static void zero(float[][] m, int width, int rows) {
        for (int f = 0; f < width; f++) {
            java.util.Arrays.fill(m[f], 0, rows, 0);
        }
    }

    /** Dot product of the first n entries of two arrays, with independent partial sums. */
    public static float dot(float[] a, float[] b, int n) {
        return dot(a, b, 0, n);
    }

    /**
     * {@code y[c] += x[c] * w} for {@code c < n}: one product and one sum per element (the whole
     * vectors on the Vector API when it runs, the same bits).
     */
    static void addScaled(float[] y, float[] x, float w, int n) {
        int full = 0;
        if (VECTOR) {
            full = n - n % VectorKernels.LANES;
            VectorKernels.addScaled(y, x, w, full);
        }
        for (int c = full; c < n; c++) {
            y[c] += x[c] * w;
        }
    }

    /** Dot product of {@code a[from..from+count)} and {@code b[from..from+count)}. */
    public static float dot(float[] a, float[] b, int from, int count) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = from;
        int end = from + count;
        for (; i + 3 < end; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < end; i++) {
            s0 += a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Items scored per block by {@link #scoreUsers}, so a block of the table stays in cache for every user. */
    private static final int ITEM_BLOCK = 2048;

    /**
     * {@code scores[offset + b][i] = sum_f users[b][f] * table[f][i]} for {@code b < n} and
     * {@code i < items}: full-catalogue scoring against a feature-major item table, blocked over items.
     */
    public static void scoreUsers(float[][] users, int n, int width, float[][] table, int items, float[][] scores, int offset) {
        scoreUsers(users, n, width, table, 0, items, scores, offset);
    }

    /**
     * {@link #scoreUsers(float[][], int, int, float[][], int, float[][], int)} for the items
     * {@code [itemFrom, itemTo)} only; each item's score is the same whatever the range.
     */
    public static void scoreUsers(float[][] users, int n, int width, float[][] table, int itemFrom, int itemTo, float[][] scores,
            int offset) {
        for (int from = itemFrom; from < itemTo; from += ITEM_BLOCK) {
            int to = Math.min(itemTo, from + ITEM_BLOCK);
            for (int b = 0; b < n; b++) {
                float[] s = scores[offset + b];
                java.util.Arrays.fill(s, from, to, 0);
                addWeightedRows(users[b], table, width, s, from, to);
            }
        }
    }

    /** Returns the rows {@code [firstRow, firstRow + count)} of a row-major table, feature-major: {@code m[f][i]}. */
    public static float[][] featureMajor(float[][] table, int firstRow, int count, int width) {
        float[][] m = new float[width][count];
        for (int i = 0; i < count; i++) {
            float[] e = table[firstRow + i];
            for (int f = 0; f < width; f++) {
                m[f][i] = e[f];
            }
        }
        return m;
    }
}
