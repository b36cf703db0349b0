package dev.llmedt.engine;

/**
 * A linear layer {@code y = x W^T + b} over feature-major activations, on the output rows
 * {@code [outFrom, outFrom + out)} of a weight in PyTorch layout {@code [outTotal x in]} (a slice
 * lets one fused parameter, like attention's in-projection, serve several projections).
 */
public final class Linear {

    private final Parameter weight;
    private final Parameter bias;
    private final int weightIndex;
    private final int biasIndex;
    private final int outFrom;
    private final int out;
    private final int in;
    /** The weight slice transposed, {@code [in][out]}, while an inference snapshot is held; else null. */
    private float[][] transposedWeight;
    private float[][] xRows = new float[0][0];
    private float[][] yRows = new float[0][0];
    /** The row kernel's buffer (max(in, out) floats), made on first use. */
    private float[] row;
    /** The weight slice transposed afresh for the last rows of a pass without a snapshot; made on first use. */
    private float[][] tailWeight;

    /**
     * Creates a layer over the whole weight.
     *
     * @param bias may be null
     */
    public Linear(ParameterSet set, Parameter weight, Parameter bias) {
        this(set, weight, bias, 0, weight.rows());
    }

    /** Creates a layer over the weight rows {@code [outFrom, outFrom + out)} (and the same bias entries). */
    public Linear(ParameterSet set, Parameter weight, Parameter bias, int outFrom, int out) {
        if (outFrom < 0 || out < 1 || outFrom + out > weight.rows()) {
            throw new IllegalArgumentException("slice [" + outFrom + ", " + (outFrom + out) + ") outside " + weight);
        }
        if (bias != null && bias.cols() != weight.rows()) {
            throw new IllegalArgumentException("bias " + bias + " does not match weight " + weight);
        }
        this.weight = weight;
        this.bias = bias;
        this.weightIndex = set.indexOf(weight);
        this.biasIndex = bias == null ? -1 : set.indexOf(bias);
        this.outFrom = outFrom;
        this.out = out;
        this.in = weight.cols();
    }

    /** Returns the input width. */
    public int in() {
        return in;
    }

    /** Returns the output width. */
    public int out() {
        return out;
    }

    /**
     * {@code y = x W^T + b} for {@code rows} rows. With a weight snapshot ({@link #snapshotWeight}) and
     * at most 64 rows (one user's history) it runs row by row on the snapshot (on the Vector API when
     * {@link Kernels#VECTOR}), with bit-identical results. Otherwise the feature-major kernel runs the
     * whole vectors of rows and, on the Vector API, the row kernel the rest (the same bits).
     */
    public void forward(float[][] x, int rows, float[][] y) {
        float[] b = bias == null ? null : bias.vectorValue();
        boolean fewRows = transposedWeight != null && rows <= FEW_ROWS;
        if (Kernels.VECTOR) {
            // The whole vectors of rows on the feature-major kernel (none for a snapshot's few rows), the rest
            // row by row on the row kernel: the scalar kernels' bits either way.
            int full = fewRows ? 0 : rows - rows % VectorKernels.LANES;
            if (full > 0) {
                Kernels.linearForward(weight.value(), b, outFrom, out, x, in, full, y, false);
            }
            if (full < rows) {
                RowKernels.rows(transposed(), 0, b, outFrom, out, x, in, full, rows, y, false, row());
            }
        } else if (fewRows) {
            if (xRows.length < rows) {
                xRows = new float[FEW_ROWS][in];
                yRows = new float[FEW_ROWS][out];
            }
            Kernels.transpose(x, in, rows, xRows);
            Kernels.linearForwardRows(transposedWeight, b, outFrom, out, xRows, in, rows, yRows);
            Kernels.untranspose(yRows, out, rows, y);
        } else {
            Kernels.linearForward(weight.value(), b, outFrom, out, x, in, rows, y, false);
        }
    }

    /** The weight slice transposed: the inference snapshot, else a copy made now (the weight changes between steps). */
    private float[][] transposed() {
        if (transposedWeight != null) {
            return transposedWeight;
        }
        if (tailWeight == null) {
            tailWeight = new float[in][out];
        }
        float[][] w = weight.value();
        for (int o = 0; o < out; o++) {
            float[] wo = w[outFrom + o];
            for (int p = 0; p < in; p++) {
                tailWeight[p][o] = wo[p];
            }
        }
        return tailWeight;
    }

    private float[] row() {
        if (row == null) {
            row = new float[Math.max(in, out)];
        }
        return row;
    }

    /**
     * The most rows for which a forward pass with a weight snapshot runs row-major: a single user's
     * history at inference. Feature-major loops over so few rows spend their time in loop overhead.
     */
    static final int FEW_ROWS = 64;

    /**
     * Copies the weight slice, transposed, for the row-major forward of few rows. For inference
     * networks only: the copy does not follow later changes of the parameter, so whoever changes
     * the parameters must take a new snapshot or drop this layer.
     */
    public void snapshotWeight() {
        float[][] w = weight.value();
        float[][] t = new float[in][out];
        for (int o = 0; o < out; o++) {
            float[] wo = w[outFrom + o];
            for (int p = 0; p < in; p++) {
                t[p][o] = wo[p];
            }
        }
        transposedWeight = t;
    }

    /**
     * Accumulates the weight and bias gradients (unless frozen) and computes the input gradient.
     *
     * @param dx input gradient output, or null when not needed
     * @param accumulateDx add into dx instead of overwriting it
     * @param scratch row-major scratch of the worker
     */
    public void backward(float[][] x, float[][] dy, int rows, float[][] dx, boolean accumulateDx, Gradients grads,
            RowScratch scratch) {
        backward(x, null, dy, null, rows, dx, accumulateDx, grads, scratch);
    }

    /**
     * Like {@link #backward(float[][], float[][], int, float[][], boolean, Gradients, RowScratch)}, with
     * row-major copies of the input and of the output gradient when the caller already has them
     * ({@code null} = transpose here).
     */
    public void backward(float[][] x, float[][] xRows, float[][] dy, float[][] dyRows, int rows, float[][] dx,
            boolean accumulateDx, Gradients grads, RowScratch scratch) {
        if (!weight.frozen()) {
            if (xRows == null) {
                xRows = scratch.a(rows, in);
                Kernels.transpose(x, in, rows, xRows);
            }
            if (dyRows == null) {
                dyRows = scratch.b(rows, out);
                Kernels.transpose(dy, out, rows, dyRows);
            }
            Kernels.linearBackwardWeight(dyRows, out, xRows, in, rows, grads.at(weightIndex), outFrom);
        }
        if (bias != null && !bias.frozen()) {
            Kernels.sumRows(dy, out, rows, grads.at(biasIndex)[0], outFrom);
        }
        if (dx != null) {
            // On the Vector API the rows after the last whole vector go to the row kernel, which reads the
            // weight's own rows (dx[p][r] = sum_o dy[o][r] W[o][p]): the scalar kernel's bits, faster.
            int full = Kernels.VECTOR ? rows - rows % VectorKernels.LANES : rows;
            Kernels.linearBackwardData(weight.value(), outFrom, out, dy, in, full, dx, accumulateDx);
            if (full < rows) {
                RowKernels.rows(weight.value(), outFrom, null, 0, in, dy, out, full, rows, dx, accumulateDx, row());
            }
        }
    }
}
