package dev.llmedt.engine;

/**
 * One domain thread of LLM-EDT's second phase, for one worker: a user's domain-only subsequence
 * runs through the shared (frozen) SASRec blocks with the domain's own position table, then
 * through the domain's residual bottleneck adapter, giving {@code h_d}. The score of item
 * {@code e} is {@code <g + h_d, e>}, where {@code g} is a fixed offset per row (the frozen global
 * model's hidden state before the same target), so the thread learns what the global model misses
 * in its domain. Gradients flow back through the frozen blocks into whatever is trainable (the
 * position table and the adapter).
 *
 * <pre>
 * z = SASRec(items, positions_d); h_d = gate x (z + W2 dropout(relu(W1 z + b1)) + b2)
 * loss = weight x sum over rows with a target of softplus(-&lt;g + h_d, e+&gt;) + softplus(&lt;g + h_d, e-&gt;)
 * </pre>
 * The optional scalar gate (a trainable parameter, typically starting at 0) lets phase 2 start
 * exactly at the global model's scores and bring the domain thread in as far as it helps.
 */
public final class DomainThread {

    private final int d;
    private final SasRecNetwork network;
    private final ResidualAdapter adapter;
    private final Parameter gate;
    private final int gateIndex;
    private final float[][] ungated;
    private final float[][] out;
    private final float[][] gradOut;
    private final float[][] gradUngated;
    private final double[] lossGradient = new double[1];
    private final boolean blocksDropout;
    /** Whether the last forward pass ran the blocks (false: it read block outputs the caller wrote). */
    private boolean blocksRan;
    private RaggedBatch batch;

    /**
     * Creates a thread.
     *
     * @param positionTable the name of the domain's position table
     * @param adapterPrefix the prefix of the adapter's parameters, or null for none ({@code h_d = z})
     * @param adapterDropout dropout inside the adapter, in [0, 1)
     * @param gate the name of a one-element gate parameter, or null for none (a gate of 1)
     */
    public DomainThread(SasRecShape shape, ParameterSet set, String positionTable, String adapterPrefix, float adapterDropout,
            String gate, int capacitySequences, int capacityRows) {
        this(shape, set, positionTable, adapterPrefix, adapterDropout, gate, true, capacitySequences, capacityRows);
    }

    /**
     * Creates a thread whose blocks may run without dropout in training passes.
     *
     * @param blocksDropout whether training passes apply the blocks' dropout (false: the blocks run as
     *     at inference and only the adapter drops out)
     */
    public DomainThread(SasRecShape shape, ParameterSet set, String positionTable, String adapterPrefix, float adapterDropout,
            String gate, boolean blocksDropout, int capacitySequences, int capacityRows) {
        this.blocksDropout = blocksDropout;
        this.d = shape.dim();
        this.network = new SasRecNetwork(shape, set, positionTable, capacitySequences, capacityRows);
        this.adapter = adapterPrefix == null ? null : new ResidualAdapter(set, adapterPrefix, adapterDropout, capacityRows);
        this.gate = gate == null ? null : set.get(gate);
        this.gateIndex = gate == null ? -1 : set.indexOf(this.gate);
        this.ungated = new float[d][capacityRows];
        this.out = new float[d][capacityRows];
        this.gradOut = new float[d][capacityRows];
        this.gradUngated = new float[d][capacityRows];
    }

    /** Returns the network (to supply item rows with {@link SasRecNetwork#useItemRows}). */
    public SasRecNetwork network() {
        return network;
    }

    /**
     * Takes weight snapshots of the network and the adapter for few-row inference passes (see
     * {@link SasRecNetwork#snapshotWeights}; the same caveat: inference threads only).
     */
    public void snapshotWeights() {
        network.snapshotWeights();
        if (adapter != null) {
            adapter.snapshotWeights();
        }
    }

    /** Runs the thread on a batch of domain subsequences; {@code training} enables dropout (the blocks' only if the thread applies it). */
    public void forward(RaggedBatch batch, boolean training) {
        network.forward(batch, training && blocksDropout);
        forwardAdapter(batch, training);
        blocksRan = true;
    }

    /**
     * Runs the adapter and the gate on block outputs the caller has written into
     * {@code network().hidden()} for this batch's rows (the states {@code network().forward(batch,
     * false)} gives, for example computed once while nothing the blocks read trains); {@code training}
     * enables the adapter's dropout. {@link #backward} then must not need the blocks: see
     * {@link SasRecNetwork#hasTrainableInputsOrWeights}.
     */
    public void forwardOnBlockOutputs(RaggedBatch batch, boolean training) {
        forwardAdapter(batch, training);
        blocksRan = false;
    }

    private void forwardAdapter(RaggedBatch batch, boolean training) {
        this.batch = batch;
        int rows = batch.rows;
        if (adapter == null) {
            Kernels.copy(network.hidden(), d, rows, ungated);
        } else {
            adapter.forward(network.hidden(), rows, training, batch.sequenceOfRow, batch.streams, ungated);
        }
        float g = gate == null ? 1 : gate.vectorValue()[0];
        for (int f = 0; f < d; f++) {
            float[] u = ungated[f];
            float[] o = out[f];
            for (int r = 0; r < rows; r++) {
                o[r] = g * u[r];
            }
        }
    }

    /**
     * An inference pass (no dropout) that computes {@code h_d} (and its ungated value) at the last
     * row of each sequence only, the bits {@link #forward}{@code (batch, false)} gives those rows
     * (see {@link SasRecNetwork#forwardLastRows}); the other rows of {@link #hidden()} are left
     * undefined. Not for training: no backward follows.
     */
    public void forwardLastRows(RaggedBatch batch) {
        this.batch = batch;
        network.forwardLastRows(batch);
        int sequences = batch.sequences;
        float[][] h = network.hidden();
        // The last rows, one column per sequence: gradOut and gradUngated are free during inference.
        for (int f = 0; f < d; f++) {
            for (int s = 0; s < sequences; s++) {
                gradOut[f][s] = h[f][batch.start[s] + batch.length[s] - 1];
            }
        }
        if (adapter == null) {
            Kernels.copy(gradOut, d, sequences, gradUngated);
        } else {
            adapter.forward(gradOut, sequences, false, batch.sequenceOfRow, batch.streams, gradUngated);
        }
        float g = gate == null ? 1 : gate.vectorValue()[0];
        for (int f = 0; f < d; f++) {
            float[] u = gradUngated[f];
            for (int s = 0; s < sequences; s++) {
                int row = batch.start[s] + batch.length[s] - 1;
                ungated[f][row] = u[s];
                out[f][row] = g * u[s];
            }
        }
    }

    /** Returns {@code h_d} of the last forward pass, feature-major {@code [dim][rows]}. */
    public float[][] hidden() {
        return out;
    }

    /**
     * Returns {@code h_d} before the gate (its direction, which a cosine-based loss such as the
     * profile alignment reads without depending on the gate's scale), feature-major.
     */
    public float[][] ungatedHidden() {
        return ungated;
    }

    /**
     * Computes the weighted BCE of every row with a target (positive id != 0) and sets the gradient
     * with respect to {@code h_d} (read it with {@link #hiddenGradient}, add to it, then call
     * {@link #backward}). Item vectors are read, never trained.
     *
     * @param offsets per row, the global offset {@code g} (row-major {@code [rows][dim]}), or null for none
     * @param weight the factor of every row's loss (1 / the number of target rows of the whole batch for a mean)
     * @return the weighted loss of this worker's rows
     */
    public double loss(float[][] offsets, double weight) {
        int rows = batch.rows;
        float[][] items = network.itemVectors();
        Kernels.zero(gradOut, d, rows);
        Kernels.zero(gradUngated, d, rows);
        double loss = 0;
        double[] g = lossGradient;
        for (int r = 0; r < rows; r++) {
            int pos = batch.positive[r];
            if (pos == 0) {
                continue;
            }
            float[] ep = items[pos];
            float[] en = items[batch.negative[r]];
            float[] off = offsets == null ? null : offsets[r];
            float lp = 0;
            float ln = 0;
            for (int f = 0; f < d; f++) {
                float h = out[f][r] + (off == null ? 0 : off[f]);
                lp += h * ep[f];
                ln += h * en[f];
            }
            loss += Losses.binaryCrossEntropy(lp, true, weight, g);
            float gp = (float) g[0];
            loss += Losses.binaryCrossEntropy(ln, false, weight, g);
            float gn = (float) g[0];
            for (int f = 0; f < d; f++) {
                gradOut[f][r] = gp * ep[f] + gn * en[f];
            }
        }
        return loss * weight;
    }

    /** Returns the gradient with respect to {@code h_d}, feature-major; callers may add to it before {@link #backward}. */
    public float[][] hiddenGradient() {
        return gradOut;
    }

    /** Returns the gradient with respect to {@link #ungatedHidden}, feature-major; callers may add to it before {@link #backward}. */
    public float[][] ungatedGradient() {
        return gradUngated;
    }

    /**
     * Back-propagates {@link #hiddenGradient} through the gate, the adapter and the blocks into the
     * trainable parameters; not through the blocks when nothing they read trains (frozen positions).
     */
    public void backward(Gradients grads) {
        int rows = batch.rows;
        float g = gate == null ? 1 : gate.vectorValue()[0];
        if (gate != null && !gate.frozen()) {
            double s = 0;
            for (int f = 0; f < d; f++) {
                float[] u = ungated[f];
                float[] dy = gradOut[f];
                for (int r = 0; r < rows; r++) {
                    s += (double) dy[r] * u[r];
                }
            }
            grads.at(gateIndex)[0][0] += (float) s;
        }
        for (int f = 0; f < d; f++) {
            float[] dy = gradOut[f];
            float[] du = gradUngated[f];
            for (int r = 0; r < rows; r++) {
                dy[r] = g * dy[r] + du[r];
            }
        }
        if (adapter != null) {
            adapter.backward(gradOut, grads, gradOut);
        }
        if (network.hasTrainableInputsOrWeights()) {
            if (!blocksRan) {
                throw new IllegalStateException("the blocks read trainable parameters, but the last pass took its block outputs from "
                        + "the caller: run forward, not forwardOnBlockOutputs, to train them");
            }
            network.backwardFromHidden(gradOut, grads);
        }
    }
}
