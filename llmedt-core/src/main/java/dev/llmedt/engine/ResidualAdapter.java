package dev.llmedt.engine;

/**
 * A residual bottleneck adapter over feature-major activations:
 * {@code y = x + W2 dropout(relu(W1 x + b1)) + b2}, with {@code W1 [m x d]} and {@code W2 [d x m]}
 * (LLM-EDT's per-domain adapter after the frozen backbone). Holds the activations of its last
 * forward pass (one instance per worker and use).
 */
public final class ResidualAdapter {

    private final int d;
    private final int m;
    private final Linear down;
    private final Linear up;
    private final Dropout dropout;
    private final float[][] x;
    private final float[][] pre;
    private final float[][] act;
    private final float[][] grad;
    private final RowScratch scratch = new RowScratch();
    private int rows;

    /**
     * Creates the adapter of one worker over the parameters {@code prefix + "w1.weight"},
     * {@code "w1.bias"}, {@code "w2.weight"}, {@code "w2.bias"} of a set.
     *
     * @param dropoutRate dropout on the bottleneck activations, in [0, 1)
     * @param capacityRows most rows of a pass
     */
    public ResidualAdapter(ParameterSet set, String prefix, float dropoutRate, int capacityRows) {
        Parameter w1 = set.get(prefix + "w1.weight");
        Parameter w2 = set.get(prefix + "w2.weight");
        this.down = new Linear(set, w1, set.get(prefix + "w1.bias"));
        this.up = new Linear(set, w2, set.get(prefix + "w2.bias"));
        this.d = w1.cols();
        this.m = w1.rows();
        if (w2.rows() != d || w2.cols() != m) {
            throw new IllegalArgumentException("adapter " + prefix + ": " + w1 + " and " + w2 + " do not form a d -> m -> d bottleneck");
        }
        this.dropout = new Dropout(dropoutRate, m, capacityRows);
        this.x = new float[d][capacityRows];
        this.pre = new float[m][capacityRows];
        this.act = new float[m][capacityRows];
        this.grad = new float[m][capacityRows];
    }

    /** Adds the parameters of a {@code d -> m -> d} adapter named by {@code prefix} to a set, all zero. */
    public static void addParameters(ParameterSet set, String prefix, int d, int m) {
        set.add(Parameter.matrix(prefix + "w1.weight", m, d));
        set.add(Parameter.vector(prefix + "w1.bias", m));
        set.add(Parameter.matrix(prefix + "w2.weight", d, m));
        set.add(Parameter.vector(prefix + "w2.bias", d));
    }

    /** Takes weight snapshots of both layers for few-row inference passes (see {@link Linear#snapshotWeight}). */
    public void snapshotWeights() {
        down.snapshotWeight();
        up.snapshotWeight();
    }

    /** Returns the bottleneck width m. */
    public int bottleneck() {
        return m;
    }

    /**
     * Computes {@code out = in + W2 dropout(relu(W1 in + b1)) + b2} for {@code rows} rows ({@code out}
     * may be {@code in}); dropout masks come from the rows' sequence streams.
     */
    public void forward(float[][] in, int rows, boolean training, int[] sequenceOfRow, long[] streams, float[][] out) {
        this.rows = rows;
        Kernels.copy(in, d, rows, x);
        down.forward(x, rows, pre);
        Activation.RELU.forward(pre, m, rows, act);
        dropout.forward(act, rows, training, sequenceOfRow, streams);
        up.forward(act, rows, out);
        Kernels.addInPlace(x, d, rows, out);
    }

    /**
     * Back-propagates {@code dOut} of the last forward pass: parameter gradients (unless frozen) into
     * {@code grads}, the input gradient into {@code dIn} ({@code dIn} may be {@code dOut}).
     */
    public void backward(float[][] dOut, Gradients grads, float[][] dIn) {
        up.backward(act, dOut, rows, grad, false, grads, scratch);
        dropout.backward(grad, rows);
        Activation.RELU.backward(pre, m, rows, grad);
        if (dIn != dOut) {
            Kernels.copy(dOut, d, rows, dIn);
        }
        down.backward(x, grad, rows, dIn, true, grads, scratch);
    }
}
