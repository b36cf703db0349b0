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

    /** {@code y = x W^T + b} for {@code rows} rows. */
    public void forward(float[][] x, int rows, float[][] y) {
        Kernels.linearForward(weight.value(), bias == null ? null : bias.vectorValue(), outFrom, out, x, in, rows, y, false);
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
            Kernels.linearBackwardData(weight.value(), outFrom, out, dy, in, rows, dx, accumulateDx);
        }
    }
}
