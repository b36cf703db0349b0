package dev.llmedt.engine;

/**
 * The sums behind the item adapters' weight gradients in {@link ItemTower#backwardRows}: for one
 * adapter, {@code dM += sum_k g_k x_k^T} and {@code dc += sum_k g_k} over the text rows it adapts,
 * in one fixed order (groups of four rows, then the rest one by one), on the Vector API or in scalar
 * loops with the same result bit for bit. One instance per tower (it keeps the tower's scratch).
 */
final class AdapterProductSums {
    private final float[][] features;
    private final boolean[] usesText;
    private final int[] adapterOfRow;
    private final int width;
    private final int[] block = new int[4];
    /** The text rows of one adapter gathered for the Vector API backward: features and vector gradients. */
    private float[][] gatheredX = new float[0][];
    private float[][] gatheredG = new float[0][];
    /** A tile's feature entries, packed, and its gradient rows, for {@link VectorKernels#productGradient}. */
    private float[][] packed;
    private float[][] tileGrads;

    /**
     * @param features the tower's frozen feature rows (null when no row uses text)
     * @param usesText per table row: whether its text vector is part of its vector
     * @param adapterOfRow per table row: its adapter's index (null: adapter 0 for every row)
     * @param width the model width
     */
    AdapterProductSums(float[][] features, boolean[] usesText, int[] adapterOfRow, int width) {
        this.features = features;
        this.usesText = usesText;
        this.adapterOfRow = adapterOfRow;
        this.width = width;
    }

    /** Whether adapter {@code ai} adapts the text of table row {@code row}. */
    private boolean adapts(int ai, int row) {
        return usesText[row] && (adapterOfRow == null ? 0 : adapterOfRow[row]) == ai;
    }

    /**
     * {@code dM += sum_k g_k x_k^T} (rows {@code [pFrom, pTo)} of its transpose) and
     * {@code dc += sum_k g_k} (entries {@code [fFrom, fTo)}) over the text rows of adapter
     * {@code ai}, four rows at a time so that each row of dM is read and written once per four rows;
     * returns whether adapter ai has a text row.
     */
    boolean accumulate(int ai, int[] tableRows, int from, int to, float[][] gradOut, int gradBase, float[][] dm,
            float[] dc, int pFrom, int pTo, int fFrom, int fTo) {
        if (Kernels.VECTOR) {
            return accumulateVector(ai, tableRows, from, to, gradOut, gradBase, dm, dc, pFrom, pTo, fFrom, fTo);
        }
        int[] b = block;
        int filled = 0;
        boolean any = false;
        for (int k = from; k < to; k++) {
            int row = tableRows[k];
            if (!adapts(ai, row)) {
                continue;
            }
            any = true;
            b[filled++] = k;
            if (filled == 4) {
                addBlock(tableRows, gradOut, gradBase - from, b, 4, dm, dc, pFrom, pTo, fFrom, fTo);
                filled = 0;
            }
        }
        if (filled > 0) {
            addBlock(tableRows, gradOut, gradBase - from, b, filled, dm, dc, pFrom, pTo, fFrom, fTo);
        }
        return any;
    }

    /**
     * {@link #accumulate} on the Vector API: the adapter's text rows gathered in order, then
     * the same sums in the same order (groups of four rows, the rest one by one), bit-identical.
     */
    private boolean accumulateVector(int ai, int[] tableRows, int from, int to, float[][] gradOut, int gradBase, float[][] dm,
            float[] dc, int pFrom, int pTo, int fFrom, int fTo) {
        if (gatheredX.length < to - from) {
            gatheredX = new float[Math.max(to - from, 2 * gatheredX.length)][];
            gatheredG = new float[gatheredX.length][];
        }
        int n = 0;
        for (int k = from; k < to; k++) {
            int row = tableRows[k];
            if (adapts(ai, row)) {
                gatheredX[n] = features[row];
                gatheredG[n] = gradOut[gradBase + k - from];
                n++;
            }
        }
        int r = 0;
        for (; r + 3 < n; r += 4) {
            addBiasSums(dc, gatheredG[r], gatheredG[r + 1], gatheredG[r + 2], gatheredG[r + 3], fFrom, fTo);
        }
        for (; r < n; r++) {
            addBiasSum(dc, gatheredG[r], fFrom, fTo);
        }
        if (packed == null) {
            packed = new float[VectorKernels.PRODUCT_TILE_ROWS + 3][features[features.length - 1].length];
            tileGrads = new float[VectorKernels.PRODUCT_TILE_ROWS + 3][];
        }
        VectorKernels.productGradient(gatheredX, n, gatheredG, width, dm, pFrom, pTo, packed, tileGrads);
        return n > 0;
    }

    private void addBlock(int[] tableRows, float[][] gradOut, int shift, int[] b, int size, float[][] dm, float[] dc, int pFrom,
            int pTo, int fFrom, int fTo) {
        if (size == 4) {
            float[] g0 = gradOut[shift + b[0]];
            float[] g1 = gradOut[shift + b[1]];
            float[] g2 = gradOut[shift + b[2]];
            float[] g3 = gradOut[shift + b[3]];
            float[] x0 = features[tableRows[b[0]]];
            float[] x1 = features[tableRows[b[1]]];
            float[] x2 = features[tableRows[b[2]]];
            float[] x3 = features[tableRows[b[3]]];
            addBiasSums(dc, g0, g1, g2, g3, fFrom, fTo);
            for (int p = pFrom; p < pTo; p++) {
                float w0 = x0[p];
                float w1 = x1[p];
                float w2 = x2[p];
                float w3 = x3[p];
                float[] d = dm[p];
                for (int f = 0; f < width; f++) {
                    d[f] += w0 * g0[f] + w1 * g1[f] + w2 * g2[f] + w3 * g3[f];
                }
            }
            return;
        }
        for (int j = 0; j < size; j++) {
            float[] g = gradOut[shift + b[j]];
            float[] x = features[tableRows[b[j]]];
            addBiasSum(dc, g, fFrom, fTo);
            for (int p = pFrom; p < pTo; p++) {
                float xp = x[p];
                float[] d = dm[p];
                for (int f = 0; f < width; f++) {
                    d[f] += xp * g[f];
                }
            }
        }
    }

    /** {@code dc[f] += g0[f] + g1[f] + g2[f] + g3[f]} over {@code [fFrom, fTo)}: the bias gradient of four rows, one sum order for both paths. */
    private static void addBiasSums(float[] dc, float[] g0, float[] g1, float[] g2, float[] g3, int fFrom, int fTo) {
        for (int f = fFrom; f < fTo; f++) {
            dc[f] += g0[f] + g1[f] + g2[f] + g3[f];
        }
    }

    /** {@code dc[f] += g[f]} over {@code [fFrom, fTo)}: the bias gradient of one row. */
    private static void addBiasSum(float[] dc, float[] g, int fFrom, int fTo) {
        for (int f = fFrom; f < fTo; f++) {
            dc[f] += g[f];
        }
    }
}
