package dev.llmedt.engine;

/**
 * Multi-head causal self-attention within each sequence of a {@link RaggedBatch}, with PyTorch's
 * {@code nn.MultiheadAttention} parameters: {@code in_proj_weight [3d x d]} (rows Wq, Wk, Wv),
 * {@code in_proj_bias}, {@code out_proj}. Queries come from one input and keys and values from
 * another (SASRec attends from the normalized sequence to the raw one). Row i of a sequence
 * attends to rows 0..i of the same sequence only: there are no padded keys to mask. Dropout acts
 * on the attention weights.
 *
 * <p>The projections run feature-major; the attention itself runs on row-major copies of Q, K, V
 * and the context, which the backward pass reuses (for the attention and for the projections'
 * weight gradients) instead of transposing again. One instance per worker.
 */
public final class CausalSelfAttention {

    private final int d;
    private final int heads;
    private final int headDim;
    private final float scale;
    private final float dropout;
    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear outProj;
    private final float[][] q;
    private final float[][] k;
    private final float[][] v;
    private final float[][] context;
    private final float[][] qRows;
    private final float[][] kRows;
    private final float[][] vRows;
    private final float[][] contextRows;
    private final float[][] queryInputRows;
    private final float[][] keyValueInputRows;
    private final float[][] gradRows;
    private final float[][] dqRows;
    private final float[][] dkRows;
    private final float[][] dvRows;
    private final float[][] gradFeatures;
    private final float[] dpScratch;
    private final int[] probOffset;
    private final RowScratch scratch = new RowScratch();
    private float[] prob;
    private float[] keep;
    private boolean trainingPass;
    private RaggedBatch batch;
    private float[][] queryInput;
    private float[][] keyValueInput;

    /**
     * Creates the attention of one worker.
     *
     * @param maxLength longest sequence
     * @param capacityRows most rows in a batch
     */
    public CausalSelfAttention(ParameterSet set, Parameter inWeight, Parameter inBias, Parameter outWeight, Parameter outBias,
            int heads, float dropout, int maxLength, int capacityRows, int capacitySequences) {
        this.d = outWeight.rows();
        if (heads < 1 || d % heads != 0) {
            throw new IllegalArgumentException("heads must divide the width " + d + ", got " + heads);
        }
        this.heads = heads;
        this.headDim = d / heads;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        this.dropout = dropout;
        this.qProj = new Linear(set, inWeight, inBias, 0, d);
        this.kProj = new Linear(set, inWeight, inBias, d, d);
        this.vProj = new Linear(set, inWeight, inBias, 2 * d, d);
        this.outProj = new Linear(set, outWeight, outBias);
        q = new float[d][capacityRows];
        k = new float[d][capacityRows];
        v = new float[d][capacityRows];
        context = new float[d][capacityRows];
        gradFeatures = new float[d][capacityRows];
        qRows = new float[capacityRows][d];
        kRows = new float[capacityRows][d];
        vRows = new float[capacityRows][d];
        contextRows = new float[capacityRows][d];
        queryInputRows = new float[capacityRows][d];
        keyValueInputRows = new float[capacityRows][d];
        gradRows = new float[capacityRows][d];
        dqRows = new float[capacityRows][d];
        dkRows = new float[capacityRows][d];
        dvRows = new float[capacityRows][d];
        dpScratch = new float[maxLength];
        probOffset = new int[capacitySequences + 1];
        prob = new float[0];
        keep = new float[0];
    }

    /** Takes weight snapshots of the projections for few-row inference passes (see {@link Linear#snapshotWeight}). */
    public void snapshotWeights() {
        qProj.snapshotWeight();
        kProj.snapshotWeight();
        vProj.snapshotWeight();
        outProj.snapshotWeight();
    }

    /**
     * Computes {@code out = attention(queryInput, keyValueInput)} for every row of the batch. Both
     * inputs must stay unchanged until {@link #backward}.
     *
     * @param training whether dropout is active
     */
    public void forward(float[][] queryInput, float[][] keyValueInput, RaggedBatch batch, boolean training, float[][] out) {
        this.batch = batch;
        this.queryInput = queryInput;
        this.keyValueInput = keyValueInput;
        this.trainingPass = training && dropout > 0;
        int rows = batch.rows;
        project(queryInput, rows, keyValueInput, rows);
        int total = 0;
        for (int s = 0; s < batch.sequences; s++) {
            probOffset[s] = total;
            total += heads * batch.length[s] * batch.length[s];
        }
        probOffset[batch.sequences] = total;
        if (prob.length < total) {
            prob = new float[total + total / 2];
            keep = new float[prob.length];
        }
        for (int s = 0; s < batch.sequences; s++) {
            attendForward(s);
        }
        Kernels.untranspose(contextRows, d, rows, context);
        outProj.forward(context, rows, out);
    }

    /** Q of {@code queryRows} rows and K, V of {@code rows} rows, projected and copied row-major for the attention. */
    private void project(float[][] queryInput, int queryRows, float[][] keyValueInput, int rows) {
        qProj.forward(queryInput, queryRows, q);
        kProj.forward(keyValueInput, rows, k);
        vProj.forward(keyValueInput, rows, v);
        Kernels.transpose(q, d, queryRows, qRows);
        Kernels.transpose(k, d, rows, kRows);
        Kernels.transpose(v, d, rows, vRows);
    }

    private void attendForward(int s) {
        int a = batch.start[s];
        int n = batch.length[s];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(contextRows[a + i], 0);
        }
        for (int h = 0; h < heads; h++) {
            int f0 = h * headDim;
            int base = probOffset[s] + h * n * n;
            for (int i = 0; i < n; i++) {
                attendQuery(s, a, i, qRows[a + i], contextRows[a + i], f0, base + i * n);
            }
        }
    }

    /**
     * Row {@code i} of sequence {@code s} (first row {@code a}) attending to rows {@code 0..i} in the
     * head of features {@code [f0, f0 + headDim)}: its attention weights into {@code prob[rowBase, rowBase + i]},
     * its context added into {@code g}. The one computation of a query, whichever pass runs it.
     */
    private void attendQuery(int s, int a, int i, float[] qi, float[] g, int f0, int rowBase) {
        float keepScale = (float) 1.0 / (1 - dropout);
        float max = -Float.MAX_VALUE;
        for (int j = 0; j <= i; j++) {
            float sc = Kernels.dot(qi, kRows[a + j], f0, headDim) * scale;
            prob[rowBase + j] = sc;
            max = Math.max(max, sc);
        }
        float sum = 0;
        for (int j = 0; j <= i; j++) {
            float e = (float) Math.exp(prob[rowBase + j] - max);
            prob[rowBase + j] = e;
            sum += e;
        }
        float inv = 1 / sum;
        for (int j = 0; j <= i; j++) {
            float pij = prob[rowBase + j] * inv;
            prob[rowBase + j] = pij;
            float w = pij;
            if (trainingPass) {
                float kp = Rng.nextUniform(batch.streams, s) >= dropout ? keepScale : 0;
                keep[rowBase + j] = kp;
                w = pij * kp;
            }
            if (w != 0) {
                float[] vj = vRows[a + j];
                for (int t = f0; t < f0 + headDim; t++) {
                    g[t] += w * vj[t];
                }
            }
        }
    }

    /**
     * Inference only (no dropout, no backward): the attention output of the last row of each
     * sequence, {@code out[.][s]} for {@code s < batch.sequences}, its query from
     * {@code lastQueryInput[.][s]} and its keys and values from every row of {@code keyValueInput}.
     * Each value is the bits of the same row of {@link #forward} (the same operations, on fewer
     * rows): SASRec's last block needs no other row, so a user's pass skips the queries, output
     * projection and feed-forward of every other position there.
     */
    public void forwardLastRows(float[][] lastQueryInput, float[][] keyValueInput, RaggedBatch batch, float[][] out) {
        this.batch = batch;
        this.trainingPass = false;
        int rows = batch.rows;
        int sequences = batch.sequences;
        project(lastQueryInput, sequences, keyValueInput, rows);
        for (int s = 0; s < sequences; s++) {
            if (prob.length < batch.length[s]) {
                prob = new float[batch.length[s] + batch.length[s] / 2];
                keep = new float[prob.length];
            }
            java.util.Arrays.fill(contextRows[s], 0);
            int n = batch.length[s];
            for (int h = 0; h < heads; h++) {
                attendQuery(s, batch.start[s], n - 1, qRows[s], contextRows[s], h * headDim, 0);
            }
        }
        Kernels.untranspose(contextRows, d, sequences, context);
        outProj.forward(context, sequences, out);
    }

    /**
     * Back-propagates the gradient of the last forward output.
     *
     * @param dOut the output gradient; read first, so it may be the same array as dQueryInput
     * @param dQueryInput receives the query-input gradient (added when accumulateQuery)
     * @param dKeyValueInput receives the key/value-input gradient (added when accumulateKeyValue)
     */
    public void backward(float[][] dOut, Gradients grads, float[][] dQueryInput, boolean accumulateQuery,
            float[][] dKeyValueInput, boolean accumulateKeyValue) {
        int rows = batch.rows;
        outProj.backward(context, contextRows, dOut, null, rows, gradFeatures, false, grads, scratch);
        Kernels.transpose(gradFeatures, d, rows, gradRows);
        for (int s = 0; s < batch.sequences; s++) {
            attendBackward(s);
        }
        Kernels.transpose(queryInput, d, rows, queryInputRows);
        Kernels.untranspose(dqRows, d, rows, gradFeatures);
        qProj.backward(queryInput, queryInputRows, gradFeatures, dqRows, rows, dQueryInput, accumulateQuery, grads, scratch);
        Kernels.transpose(keyValueInput, d, rows, keyValueInputRows);
        Kernels.untranspose(dkRows, d, rows, gradFeatures);
        kProj.backward(keyValueInput, keyValueInputRows, gradFeatures, dkRows, rows, dKeyValueInput, accumulateKeyValue, grads,
                scratch);
        Kernels.untranspose(dvRows, d, rows, gradFeatures);
        vProj.backward(keyValueInput, keyValueInputRows, gradFeatures, dvRows, rows, dKeyValueInput, true, grads, scratch);
    }

    private void attendBackward(int s) {
        int a = batch.start[s];
        int n = batch.length[s];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(dqRows[a + i], 0);
            java.util.Arrays.fill(dkRows[a + i], 0);
            java.util.Arrays.fill(dvRows[a + i], 0);
        }
        for (int h = 0; h < heads; h++) {
            int f0 = h * headDim;
            int base = probOffset[s] + h * n * n;
            for (int i = 0; i < n; i++) {
                int rowBase = base + i * n;
                float[] g = gradRows[a + i];
                float dot = 0;
                for (int j = 0; j <= i; j++) {
                    float pij = prob[rowBase + j];
                    float kp = trainingPass ? keep[rowBase + j] : 1;
                    float dpDropped = Kernels.dot(g, vRows[a + j], f0, headDim);
                    float w = pij * kp;
                    if (w != 0) {
                        float[] dv = dvRows[a + j];
                        for (int t = f0; t < f0 + headDim; t++) {
                            dv[t] += w * g[t];
                        }
                    }
                    float dp = dpDropped * kp;
                    dpScratch[j] = dp;
                    dot += pij * dp;
                }
                float[] dqi = dqRows[a + i];
                float[] qi = qRows[a + i];
                for (int j = 0; j <= i; j++) {
                    float ds = prob[rowBase + j] * (dpScratch[j] - dot) * scale;
                    if (ds != 0) {
                        float[] kj = kRows[a + j];
                        float[] dkj = dkRows[a + j];
                        for (int t = f0; t < f0 + headDim; t++) {
                            dqi[t] += ds * kj[t];
                            dkj[t] += ds * qi[t];
                        }
                    }
                }
            }
        }
    }
}
