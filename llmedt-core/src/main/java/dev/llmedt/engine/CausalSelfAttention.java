package dev.llmedt.engine;

/**
 * Multi-head causal self-attention within each sequence of a {@link RaggedBatch}, with PyTorch's
 * {@code nn.MultiheadAttention} parameters: {@code in_proj_weight [3d x d]} (rows Wq, Wk, Wv),
 * {@code in_proj_bias}, {@code out_proj}. Queries come from one input and keys and values from
 * another (SASRec attends from the normalized sequence to the raw one). Row i of a sequence
 * attends to rows 0..i of the same sequence only: there are no padded keys to mask. Dropout acts
 * on the attention weights. One instance per worker.
 */
public final class CausalSelfAttention {

    private final int d;
    private final int heads;
    private final int headDim;
    private final float scale;
    private final float dropout;
    private final Linear qProj;
    private final Linear kvProj;
    private final Linear outProj;
    private final float[][] q;
    private final float[][] kv;
    private final float[][] context;
    private final float[][] dq;
    private final float[][] dkv;
    private final float[][] dContext;
    private final float[][] qRows;
    private final float[][] kRows;
    private final float[][] vRows;
    private final float[][] gRows;
    private final float[][] dqRows;
    private final float[][] dkRows;
    private final float[][] dvRows;
    private final float[] dpScratch;
    private final int[] probOffset;
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
        this.kvProj = new Linear(set, inWeight, inBias, d, 2 * d);
        this.outProj = new Linear(set, outWeight, outBias);
        q = new float[d][capacityRows];
        kv = new float[2 * d][capacityRows];
        context = new float[d][capacityRows];
        dq = new float[d][capacityRows];
        dkv = new float[2 * d][capacityRows];
        dContext = new float[d][capacityRows];
        qRows = new float[maxLength][d];
        kRows = new float[maxLength][d];
        vRows = new float[maxLength][d];
        gRows = new float[maxLength][d];
        dqRows = new float[maxLength][d];
        dkRows = new float[maxLength][d];
        dvRows = new float[maxLength][d];
        dpScratch = new float[maxLength];
        probOffset = new int[capacitySequences + 1];
        prob = new float[0];
        keep = new float[0];
    }

    /**
     * Computes {@code out = attention(queryInput, keyValueInput)} for every row of the batch.
     *
     * @param training whether dropout is active
     */
    public void forward(float[][] queryInput, float[][] keyValueInput, RaggedBatch batch, boolean training, float[][] out) {
        this.batch = batch;
        this.queryInput = queryInput;
        this.keyValueInput = keyValueInput;
        this.trainingPass = training && dropout > 0;
        int rows = batch.rows;
        qProj.forward(queryInput, rows, q);
        kvProj.forward(keyValueInput, rows, kv);
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
        outProj.forward(context, rows, out);
    }

    private void attendForward(int s) {
        int a = batch.start[s];
        int n = batch.length[s];
        gatherRows(q, 0, a, n, qRows);
        gatherRows(kv, 0, a, n, kRows);
        gatherRows(kv, d, a, n, vRows);
        float keepScale = (float) 1.0 / (1 - dropout);
        for (int h = 0; h < heads; h++) {
            int f0 = h * headDim;
            int base = probOffset[s] + h * n * n;
            for (int i = 0; i < n; i++) {
                int rowBase = base + i * n;
                float max = -Float.MAX_VALUE;
                for (int j = 0; j <= i; j++) {
                    float sc = dotRange(qRows[i], kRows[j], f0, headDim) * scale;
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
                float[] g = gRows[i];
                for (int t = f0; t < f0 + headDim; t++) {
                    g[t] = 0;
                }
                for (int j = 0; j <= i; j++) {
                    float pij = prob[rowBase + j] * inv;
                    prob[rowBase + j] = pij;
                    float w = pij;
                    if (trainingPass) {
                        float k = Rng.nextUniform(batch.streams, s) >= dropout ? keepScale : 0;
                        keep[rowBase + j] = k;
                        w = pij * k;
                    }
                    if (w != 0) {
                        float[] v = vRows[j];
                        for (int t = f0; t < f0 + headDim; t++) {
                            g[t] += w * v[t];
                        }
                    }
                }
            }
        }
        scatterRows(gRows, n, context, 0, a);
    }

    /**
     * Back-propagates the gradient of the last forward output. Both inputs of that forward pass
     * must be unchanged.
     *
     * @param dQueryInput receives the query-input gradient (added when accumulateQuery)
     * @param dKeyValueInput receives the key/value-input gradient (added when accumulateKeyValue)
     */
    public void backward(float[][] dOut, Gradients grads, RowScratch scratch, float[][] dQueryInput, boolean accumulateQuery,
            float[][] dKeyValueInput, boolean accumulateKeyValue) {
        int rows = batch.rows;
        outProj.backward(context, dOut, rows, dContext, false, grads, scratch);
        for (int s = 0; s < batch.sequences; s++) {
            attendBackward(s);
        }
        qProj.backward(queryInput, dq, rows, dQueryInput, accumulateQuery, grads, scratch);
        kvProj.backward(keyValueInput, dkv, rows, dKeyValueInput, accumulateKeyValue, grads, scratch);
    }

    private void attendBackward(int s) {
        int a = batch.start[s];
        int n = batch.length[s];
        gatherRows(q, 0, a, n, qRows);
        gatherRows(kv, 0, a, n, kRows);
        gatherRows(kv, d, a, n, vRows);
        gatherRows(dContext, 0, a, n, gRows);
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(dqRows[i], 0);
            java.util.Arrays.fill(dkRows[i], 0);
            java.util.Arrays.fill(dvRows[i], 0);
        }
        for (int h = 0; h < heads; h++) {
            int f0 = h * headDim;
            int base = probOffset[s] + h * n * n;
            for (int i = 0; i < n; i++) {
                int rowBase = base + i * n;
                float[] g = gRows[i];
                float dot = 0;
                for (int j = 0; j <= i; j++) {
                    float pij = prob[rowBase + j];
                    float k = trainingPass ? keep[rowBase + j] : 1;
                    float dpDropped = dotRange(g, vRows[j], f0, headDim);
                    float w = pij * k;
                    if (w != 0) {
                        float[] dv = dvRows[j];
                        for (int t = f0; t < f0 + headDim; t++) {
                            dv[t] += w * g[t];
                        }
                    }
                    float dp = dpDropped * k;
                    dpScratch[j] = dp;
                    dot += pij * dp;
                }
                float[] dqi = dqRows[i];
                float[] qi = qRows[i];
                for (int j = 0; j <= i; j++) {
                    float ds = prob[rowBase + j] * (dpScratch[j] - dot) * scale;
                    if (ds != 0) {
                        float[] kj = kRows[j];
                        float[] dkj = dkRows[j];
                        for (int t = f0; t < f0 + headDim; t++) {
                            dqi[t] += ds * kj[t];
                            dkj[t] += ds * qi[t];
                        }
                    }
                }
            }
        }
        scatterRows(dqRows, n, dq, 0, a);
        scatterRows(dkRows, n, dkv, 0, a);
        scatterRows(dvRows, n, dkv, d, a);
    }

    private float dotRange(float[] x, float[] y, int from, int count) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int t = from;
        int end = from + count;
        for (; t + 3 < end; t += 4) {
            s0 += x[t] * y[t];
            s1 += x[t + 1] * y[t + 1];
            s2 += x[t + 2] * y[t + 2];
            s3 += x[t + 3] * y[t + 3];
        }
        for (; t < end; t++) {
            s0 += x[t] * y[t];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** rowsOut[i][f] = m[featureFrom + f][start + i] for i < n, f < d. */
    private void gatherRows(float[][] m, int featureFrom, int start, int n, float[][] rowsOut) {
        for (int f = 0; f < d; f++) {
            float[] mf = m[featureFrom + f];
            for (int i = 0; i < n; i++) {
                rowsOut[i][f] = mf[start + i];
            }
        }
    }

    /** m[featureFrom + f][start + i] = rowsIn[i][f]. */
    private void scatterRows(float[][] rowsIn, int n, float[][] m, int featureFrom, int start) {
        for (int f = 0; f < d; f++) {
            float[] mf = m[featureFrom + f];
            for (int i = 0; i < n; i++) {
                mf[start + i] = rowsIn[i][f];
            }
        }
    }
}
