package dev.llmedt.engine;

/**
 * Item vectors from frozen text features and/or a learned ID table (LLM-EDT's item
 * representation): for item table row {@code i} (item id + 1, row 0 is padding),
 * <pre>
 * e(i) = [uses text(i)] (W2 (W1 x(i) + b1) + b2) + [uses id(i)] ID[i]
 * </pre>
 * where {@code x(i)} is the item's frozen feature vector (its text embedding, possibly reduced by
 * PCA) and the two linear layers, without activation, are the item adapter of the reference code.
 * Which items use which part is decided per row by the caller (ID only, text only with an ID
 * fallback for items without text, or both summed).
 *
 * <p>The tower runs on the rows a training batch touches ({@link #forward} then {@link #backward}
 * on a compact list of rows), or on the whole catalogue once ({@link #materialize}) for
 * evaluation and serving. One instance per thread; the workers of one training step may split a
 * backward pass over the step's rows ({@link #backwardRows}, {@link #backwardAdapters}) so that
 * every gradient entry is the same sum whatever the number of workers.
 */
public final class ItemTower {

    /** Name of the learned ID table parameter. */
    public static final String ID_TABLE = TensorLayout.ITEM_ID_TABLE;
    /** Prefix of the item adapter parameters ({@code 0.weight}, {@code 0.bias}, {@code 1.weight}, {@code 1.bias}). */
    public static final String ADAPTER = TensorLayout.ITEM_ADAPTER;

    private final float[][] features;
    private final boolean[] usesText;
    private final boolean[] usesId;
    private final int[] adapterOfRow;
    private final int width;
    private final int featureWidth;
    private final Parameter idTable;
    private final int idIndex;
    private final Adapter[] adapters;
    private final int capacity;
    private int[] rows = new int[0];
    private final float[] column;
    private final AdapterProductSums sums;
    private ProductGradients ownProducts;
    /** The product gradient transposed ({@code [width][featureWidth]}) and the running sums of {@link VectorKernels#columnDots}. */
    private float[][] productGradientT;
    private float[][] dotSums;
    private int count;
    private int offset;
    /** ID dropout of the current training step: probability (0 = off) and the step's mask salt. */
    private float idDrop;
    private long idDropSalt;

    /** One affine item adapter {@code W2 (W1 x + b1) + b2} with its product and gradient buffers. */
    private final class Adapter {
        final Parameter w1;
        final Parameter b1;
        final Parameter w2;
        final Parameter b2;
        final int w1Index;
        final int b1Index;
        final int w2Index;
        final int b2Index;
        final int hiddenWidth;
        final float[][] productT;
        final float[] productBias;

        Adapter(ParameterSet set, String prefix) {
            w1 = set.get(prefix + "0.weight");
            b1 = set.get(prefix + "0.bias");
            w2 = set.get(prefix + "1.weight");
            b2 = set.get(prefix + "1.bias");
            w1Index = set.indexOf(w1);
            b1Index = set.indexOf(b1);
            w2Index = set.indexOf(w2);
            b2Index = set.indexOf(b2);
            hiddenWidth = w1.rows();
            if (w1.cols() != featureWidth || w2.cols() != hiddenWidth || w2.rows() != width) {
                throw new IllegalArgumentException("the item adapter " + prefix + " " + w1.cols() + " -> " + hiddenWidth + " -> " + w2.rows()
                        + " does not map features of width " + featureWidth + " to " + width);
            }
            productT = new float[featureWidth][width];
            productBias = new float[width];
        }
    }

    /**
     * Creates a tower with one item adapter ({@link #ADAPTER}) for every row.
     *
     * @param set the parameters: {@link #ID_TABLE} {@code [tableRows x width]} when some row uses
     *     its ID, and the adapter {@code [hidden x featureWidth]}, {@code [width x hidden]} with biases
     *     when some row uses text
     * @param features frozen feature rows {@code [tableRows][featureWidth]} (row 0 and rows of items
     *     without text unused), or null when no row uses text
     * @param usesText per table row: whether the adapted text vector is part of its vector
     * @param usesId per table row: whether its ID vector is part of its vector
     * @param width the model width
     * @param capacity most rows of one {@link #forward}
     */
    public ItemTower(ParameterSet set, float[][] features, boolean[] usesText, boolean[] usesId, int width, int capacity) {
        this(set, ID_TABLE, features, usesText, usesId, null, new String[] {ADAPTER}, width, capacity);
    }

    /**
     * Creates a tower whose ID table has another name (SASRec's {@code item_emb.weight}) and whose
     * rows may use different adapters (one per domain, say).
     *
     * @param adapterOfRow per table row: the index in {@code adapterPrefixes} of its adapter, or null for adapter 0 everywhere
     * @param adapterPrefixes the parameter prefix of each adapter (see {@link #addAdapter})
     * @see #ItemTower(ParameterSet, float[][], boolean[], boolean[], int, int)
     */
    public ItemTower(ParameterSet set, String idTableName, float[][] features, boolean[] usesText, boolean[] usesId, int[] adapterOfRow,
            String[] adapterPrefixes, int width, int capacity) {
        if (usesText.length != usesId.length || (adapterOfRow != null && adapterOfRow.length != usesId.length)) {
            throw new IllegalArgumentException("usesText has " + usesText.length + " rows, usesId " + usesId.length
                    + (adapterOfRow == null ? "" : ", adapterOfRow " + adapterOfRow.length));
        }
        this.features = features;
        this.usesText = usesText;
        this.usesId = usesId;
        this.adapterOfRow = adapterOfRow;
        this.width = width;
        this.capacity = capacity;
        this.column = new float[width];
        this.sums = new AdapterProductSums(features, usesText, adapterOfRow, width);
        boolean anyText = false;
        boolean anyId = false;
        for (int i = 1; i < usesText.length; i++) {
            anyText |= usesText[i];
            anyId |= usesId[i];
        }
        if (anyId) {
            idTable = set.get(idTableName);
            idIndex = set.indexOf(idTable);
            if (idTable.rows() != usesId.length || idTable.cols() != width) {
                throw new IllegalArgumentException(idTable + " does not match " + usesId.length + " rows of width " + width);
            }
        } else {
            idTable = null;
            idIndex = -1;
        }
        if (anyText) {
            if (features == null || features.length != usesText.length) {
                throw new IllegalArgumentException("text features must have one row per table row (" + usesText.length + ")");
            }
            featureWidth = features[features.length - 1].length;
            adapters = new Adapter[adapterPrefixes.length];
            for (int a = 0; a < adapters.length; a++) {
                adapters[a] = new Adapter(set, adapterPrefixes[a]);
            }
        } else {
            featureWidth = 0;
            adapters = null;
        }
    }

    /** Adds the adapter parameters {@code featureWidth -> hidden -> width} to a set, all zero. */
    public static void addAdapter(ParameterSet set, int featureWidth, int hidden, int width) {
        addAdapter(set, ADAPTER, featureWidth, hidden, width);
    }

    /** Adds the parameters of an adapter named by {@code prefix}, all zero. */
    public static void addAdapter(ParameterSet set, String prefix, int featureWidth, int hidden, int width) {
        set.add(Parameter.matrix(prefix + "0.weight", hidden, featureWidth));
        set.add(Parameter.vector(prefix + "0.bias", hidden));
        set.add(Parameter.matrix(prefix + "1.weight", width, hidden));
        set.add(Parameter.vector(prefix + "1.bias", width));
    }

    /** Returns the number of table rows (items + 1). */
    public int tableRows() {
        return usesId.length;
    }

    /**
     * Computes the vectors of the table rows {@code tableRows[from..to)} into {@code out[k + 1]} for
     * {@code k} in {@code [from, to)} (row-major, width columns; {@code out[0]}, the padding row, is
     * the caller's), keeping what {@link #backward} needs. The ID table rows read must be up to date
     * (lazy optimizers catch them up first). Workers may compute disjoint ranges with their own
     * towers.
     */
    public void forward(int[] tableRows, int from, int to, float[][] out) {
        int n = to - from;
        if (n > capacity) {
            throw new IllegalArgumentException(n + " rows exceed the tower's capacity " + capacity);
        }
        if (rows.length < n) {
            rows = new int[Math.max(n, rows.length * 2)];
        }
        System.arraycopy(tableRows, from, rows, 0, n);
        count = n;
        offset = from + 1;
        if (adapters != null) {
            for (Adapter a : adapters) {
                multiply(a);
            }
        }
        for (int k = 0; k < n; k++) {
            int row = rows[k];
            float[] o = out[offset + k];
            if (Kernels.VECTOR && adapters != null && k + 3 < n && sameAdapterText(k)) {
                forwardFour(k, out);
                k += 3;
                continue;
            }
            if (adapters != null && usesText[row]) {
                Adapter a = adapters[adapterOfRow == null ? 0 : adapterOfRow[row]];
                System.arraycopy(a.productBias, 0, o, 0, width);
                Kernels.addWeightedRows(features[row], a.productT, featureWidth, o, 0, width);
            } else {
                java.util.Arrays.fill(o, 0, width, 0);
            }
            addId(row, o);
        }
    }

    /** Whether rows[k..k+4) all have text and the same adapter. */
    private boolean sameAdapterText(int k) {
        int a = adapterOfRow == null ? 0 : adapterOfRow[rows[k]];
        for (int j = k; j < k + 4; j++) {
            if (!usesText[rows[j]] || (adapterOfRow == null ? 0 : adapterOfRow[rows[j]]) != a) {
                return false;
            }
        }
        return true;
    }

    /** {@link #forward} of rows[k..k+4), which have text and one adapter, on the Vector API (bit-identical). */
    private void forwardFour(int k, float[][] out) {
        Adapter a = adapters[adapterOfRow == null ? 0 : adapterOfRow[rows[k]]];
        float[] o0 = out[offset + k];
        float[] o1 = out[offset + k + 1];
        float[] o2 = out[offset + k + 2];
        float[] o3 = out[offset + k + 3];
        System.arraycopy(a.productBias, 0, o0, 0, width);
        System.arraycopy(a.productBias, 0, o1, 0, width);
        System.arraycopy(a.productBias, 0, o2, 0, width);
        System.arraycopy(a.productBias, 0, o3, 0, width);
        int full = width - width % VectorKernels.LANES;
        float[] x0 = features[rows[k]];
        float[] x1 = features[rows[k + 1]];
        float[] x2 = features[rows[k + 2]];
        float[] x3 = features[rows[k + 3]];
        VectorKernels.productRows(x0, x1, x2, x3, a.productT, featureWidth, 0, full, o0, o1, o2, o3);
        if (full < width) {
            Kernels.addWeightedRows(x0, a.productT, featureWidth, o0, full, width);
            Kernels.addWeightedRows(x1, a.productT, featureWidth, o1, full, width);
            Kernels.addWeightedRows(x2, a.productT, featureWidth, o2, full, width);
            Kernels.addWeightedRows(x3, a.productT, featureWidth, o3, full, width);
        }
        for (int j = k; j < k + 4; j++) {
            addId(rows[j], out[offset + j]);
        }
    }

    private void addId(int row, float[] o) {
        if (usesId[row]) {
            float s = idScale(row);
            if (s == 0) {
                return;
            }
            float[] e = idTable.value()[row];
            if (s == 1) {
                for (int f = 0; f < width; f++) {
                    o[f] += e[f];
                }
            } else {
                for (int f = 0; f < width; f++) {
                    o[f] += s * e[f];
                }
            }
        }
    }

    /**
     * Sets the ID dropout of the next forward and backward passes: each row that has both a text
     * and an ID vector loses its ID vector with probability {@code p} (the kept ones are scaled by
     * {@code 1 / (1 - p)}), decided by {@code salt} and the row alone, so that every worker's tower
     * drops the same rows. {@code p = 0} turns it off (evaluation).
     */
    public void dropIds(float p, long salt) {
        idDrop = p;
        idDropSalt = salt;
    }

    /** The factor of row's ID vector in this pass: 1 without dropout, 0 when dropped, else 1 / (1 - p). */
    private float idScale(int row) {
        if (idDrop == 0 || !usesText[row]) {
            return 1;
        }
        long z = idDropSalt + 0x9E3779B97F4A7C15L * (row + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return Rng.highUniform(z) < idDrop ? 0 : 1 / (1 - idDrop);
    }

    /**
     * The adapter has no activation, so it is one affine map: {@code W2 (W1 x + b1) + b2 = M x + c}
     * with {@code M = W2 W1} and {@code c = W2 b1 + b2}. Computing M once per pass makes each row
     * cost {@code featureWidth x width} instead of {@code (featureWidth + width) x hidden}.
     */
    private void multiply(Adapter ad) {
        float[][] a = ad.w1.value();
        float[][] b = ad.w2.value();
        float[] bias1 = ad.b1.vectorValue();
        float[] bias2 = ad.b2.vectorValue();
        for (int p = 0; p < featureWidth; p++) {
            java.util.Arrays.fill(ad.productT[p], 0);
        }
        System.arraycopy(bias2, 0, ad.productBias, 0, width);
        for (int h = 0; h < ad.hiddenWidth; h++) {
            float[] bh = columnOf(b, h);
            float[] ah = a[h];
            float bias = bias1[h];
            Kernels.addScaled(ad.productBias, bh, bias, width);
            for (int p = 0; p < featureWidth; p++) {
                Kernels.addScaled(ad.productT[p], bh, ah[p], width);
            }
        }
    }

    /**
     * The gradients of the item adapters' affine maps ({@code dM}, {@code dc} per adapter), shared by
     * the towers of the workers of one backward pass ({@link #backwardRows}, then
     * {@link #backwardAdapters}). Allocate one per pass's set of towers with
     * {@link #newProductGradients}.
     */
    public static final class ProductGradients {
        private final float[][][] productT;
        private final float[][] bias;
        private final boolean[] touched;

        private ProductGradients(int adapters, int featureWidth, int width) {
            productT = new float[adapters][featureWidth][width];
            bias = new float[adapters][width];
            touched = new boolean[adapters];
        }
    }

    /** Returns product gradient buffers for backward passes of this tower (and of towers over the same parameters). */
    public ProductGradients newProductGradients() {
        return new ProductGradients(adapters == null ? 0 : adapters.length, featureWidth, width);
    }

    /**
     * Back-propagates the gradients {@code gradOut[k + 1]} of the last {@link #forward}'s rows into
     * the ID table rows (flagged touched) and the adapter (unless frozen).
     */
    public void backward(float[][] gradOut, Gradients grads) {
        if (ownProducts == null) {
            ownProducts = newProductGradients();
        }
        backwardRows(rows, 0, count, gradOut, offset, grads, ownProducts, 0, 1);
        backwardAdapters(ownProducts, grads, 0, 1);
    }

    /**
     * Part {@code part} of {@code parts} of the backward pass over the table rows
     * {@code tableRows[0..n)}, whose vector gradients are {@code gradOut[k + 1]}: the ID table
     * gradients (flagged touched) of the rows {@code [n part / parts, n (part + 1) / parts)}, and
     * the part's share of the entries of the adapters' product gradients, each of them summed over
     * all n rows in one fixed order. Every part must run (concurrently, on the towers of different
     * workers sharing {@code products}) before any part of {@link #backwardAdapters}; the result does
     * not depend on {@code parts}.
     */
    public void backwardRows(int[] tableRows, int n, float[][] gradOut, Gradients grads, ProductGradients products, int part,
            int parts) {
        backwardRows(tableRows, 0, n, gradOut, 1, grads, products, part, parts);
    }

    /** Rows {@code tableRows[from..to)}, the gradient of {@code tableRows[k]} in {@code gradOut[gradBase + k - from]}. */
    private void backwardRows(int[] tableRows, int from, int to, float[][] gradOut, int gradBase, Gradients grads,
            ProductGradients products, int part, int parts) {
        int n = to - from;
        if (idTable != null && !idTable.frozen()) {
            int kTo = from + (int) ((long) n * (part + 1) / parts);
            for (int k = from + (int) ((long) n * part / parts); k < kTo; k++) {
                int row = tableRows[k];
                if (usesId[row]) {
                    float s = idScale(row);
                    if (s == 0) {
                        continue;
                    }
                    float[] g = gradOut[gradBase + k - from];
                    float[] acc = grads.touchRow(idIndex, row);
                    for (int f = 0; f < width; f++) {
                        acc[f] += s * g[f];
                    }
                }
            }
        }
        if (adapters == null) {
            return;
        }
        int pFrom = (int) ((long) featureWidth * part / parts);
        int pTo = (int) ((long) featureWidth * (part + 1) / parts);
        int fFrom = (int) ((long) width * part / parts);
        int fTo = (int) ((long) width * (part + 1) / parts);
        for (int ai = 0; ai < adapters.length; ai++) {
            float[][] dm = products.productT[ai];
            float[] dc = products.bias[ai];
            for (int p = pFrom; p < pTo; p++) {
                java.util.Arrays.fill(dm[p], 0);
            }
            java.util.Arrays.fill(dc, fFrom, fTo, 0);
            boolean touched = sums.accumulate(ai, tableRows, from, to, gradOut, gradBase, dm, dc, pFrom, pTo, fFrom, fTo);
            if (part == 0) {
                products.touched[ai] = touched;
            }
        }
    }

    /**
     * Part {@code part} of {@code parts} of the adapters' parameter gradients from the product
     * gradients that every part of {@link #backwardRows} has computed: its share of the hidden units
     * (and of the output bias entries), each entry summed in one fixed order. Parts may run
     * concurrently on the towers of different workers; the result does not depend on {@code parts}.
     */
    public void backwardAdapters(ProductGradients products, Gradients grads, int part, int parts) {
        if (adapters == null) {
            return;
        }
        for (int ai = 0; ai < adapters.length; ai++) {
            if (products.touched[ai]) {
                Adapter ad = adapters[ai];
                int hFrom = (int) ((long) ad.hiddenWidth * part / parts);
                int hTo = (int) ((long) ad.hiddenWidth * (part + 1) / parts);
                int fFrom = (int) ((long) width * part / parts);
                int fTo = (int) ((long) width * (part + 1) / parts);
                backward(ad, products.productT[ai], products.bias[ai], grads, hFrom, hTo, fFrom, fTo);
            }
        }
    }

    /**
     * M = W2 W1, c = W2 b1 + b2: dW1 = W2^T dM, db1 = W2^T dc, dW2 = dM W1^T + dc b1^T, db2 = dc,
     * for the hidden units {@code [hFrom, hTo)} and the output entries {@code [fFrom, fTo)} of db2.
     */
    private void backward(Adapter ad, float[][] gradProductT, float[] gradProductBias, Gradients grads, int hFrom, int hTo, int fFrom,
            int fTo) {
        float[][] a = ad.w1.value();
        float[][] b = ad.w2.value();
        float[] bias1 = ad.b1.vectorValue();
        if (!ad.w1.frozen()) {
            float[][] dw1 = grads.at(ad.w1Index);
            int full = 0;
            if (Kernels.VECTOR && hFrom < hTo) {
                full = featureWidth - featureWidth % VectorKernels.LANES;
                transposeProductGradient(gradProductT);
            }
            for (int h = hFrom; h < hTo; h++) {
                float[] d = dw1[h];
                float[] col = columnOf(b, h);
                if (full > 0) {
                    VectorKernels.columnDots(productGradientT, col, width, full, dotSums, d);
                }
                for (int p = full; p < featureWidth; p++) {
                    d[p] += Kernels.dot(gradProductT[p], col, width);
                }
            }
        }
        if (!ad.b1.frozen()) {
            float[] db1 = grads.at(ad.b1Index)[0];
            for (int h = hFrom; h < hTo; h++) {
                float s = 0;
                for (int f = 0; f < width; f++) {
                    s += b[f][h] * gradProductBias[f];
                }
                db1[h] += s;
            }
        }
        if (!ad.w2.frozen()) {
            float[][] dw2 = grads.at(ad.w2Index);
            for (int h = hFrom; h < hTo; h++) {
                float[] ah = a[h];
                float[] sum = column;
                float bias = bias1[h];
                for (int f = 0; f < width; f++) {
                    sum[f] = gradProductBias[f] * bias;
                }
                for (int p = 0; p < featureWidth; p++) {
                    Kernels.addScaled(sum, gradProductT[p], ah[p], width);
                }
                for (int f = 0; f < width; f++) {
                    dw2[f][h] += sum[f];
                }
            }
        }
        if (!ad.b2.frozen()) {
            float[] db2 = grads.at(ad.b2Index)[0];
            for (int f = fFrom; f < fTo; f++) {
                db2[f] += gradProductBias[f];
            }
        }
    }

    /** {@code productGradientT[f][p] = gradProductT[p][f]}, allocating the buffers of {@link VectorKernels#columnDots} on first use. */
    private void transposeProductGradient(float[][] gradProductT) {
        if (productGradientT == null) {
            productGradientT = new float[width][featureWidth];
            dotSums = new float[4][featureWidth];
        }
        Kernels.untranspose(gradProductT, width, featureWidth, productGradientT);
    }

    /** Column h of a {@code [width x hidden]} matrix, copied into a reused buffer. */
    private float[] columnOf(float[][] m, int h) {
        for (int f = 0; f < width; f++) {
            column[f] = m[f][h];
        }
        return column;
    }

    /**
     * Computes the vectors of every table row into {@code table} ({@code [tableRows][width]},
     * row 0 zero), in blocks of the tower's capacity.
     */
    public void materialize(float[][] table) {
        dropIds(0, 0);
        int total = tableRows() - 1;
        int[] identity = new int[total];
        for (int k = 0; k < total; k++) {
            identity[k] = k + 1;
        }
        java.util.Arrays.fill(table[0], 0);
        for (int from = 0; from < total; from += capacity) {
            forward(identity, from, Math.min(total, from + capacity), table);
        }
    }
}
