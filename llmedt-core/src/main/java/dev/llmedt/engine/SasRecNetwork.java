package dev.llmedt.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One worker's SASRec network over a {@link RaggedBatch}: item and position embeddings, blocks of
 * pre-norm causal self-attention and point-wise feed-forward, a final layer norm, and tied item
 * embeddings for scoring. The semantics are those of the widely used PyTorch port, with no
 * padding computed at all:
 * <pre>
 * x = dropout(E[item] * sqrt(d) + P[position])
 * per block: q = LN_attn(x); x = q + MHA(q, x, x); y = LN_ff(x); x = y + dropout(W2 dropout(relu(W1 y)))
 * h = LN_last(x); logit(item) = &lt;h, E[item]&gt;
 * </pre>
 * With an output projection ({@value TensorLayout#OUTPUT_PROJECTION_WEIGHT} among the parameters,
 * see {@link #addOutputProjection}) {@code h = W LN_last(x) + b}.
 * Parameters are shared with the other workers; activations and gradients are this worker's.
 */
public final class SasRecNetwork {

    /** The name of the item table parameter. */
    public static final String ITEMS = TensorLayout.ITEM_EMBEDDING;
    /** The name of the (global) position table parameter. */
    public static final String POSITIONS = TensorLayout.POSITION_EMBEDDING;

    private final SasRecShape shape;
    private final ParameterSet parameters;
    private final int d;
    private final float embedScale;
    private final Parameter itemTable;
    private final Parameter positionTable;
    private final int itemIndex;
    private final int positionIndex;
    private float[][] externalItems;
    private float[][] externalItemGradients;
    private final Dropout embeddingDropout;
    private final Block[] blocks;
    private final LayerNorm lastNorm;
    /** The output projection after the last layer norm, or null. */
    private final Linear outputProjection;
    /** The last layer norm's output when there is an output projection (its input). */
    private final float[][] normalizedLast;
    private final RowScratch scratch = new RowScratch();
    private final float[][] hidden;
    /** The last block's output and the final states of {@link #forwardLastRows}, one column per sequence (made on first use). */
    private float[][] lastRows;
    private float[][] lastRowsNormalized;
    private final float[][] gradA;
    private final float[][] gradB;
    private final float[] positiveLogit;
    private final float[] negativeLogit;
    private final double[] lossGradient = new double[1];
    private RaggedBatch batch;
    /** The backbone's parameters this network reads (not the item table, see {@link #trainsItems}). */
    private final List<Parameter> read = new ArrayList<>();

    private final class Block {
        final LayerNorm attentionNorm;
        final CausalSelfAttention attention;
        final LayerNorm feedForwardNorm;
        final Linear w1;
        final Linear w2;
        final Dropout hiddenDropout;
        final Dropout outputDropout;
        final float[][] input;
        final float[][] query;
        final float[][] normalized;
        final float[][] preActivation;
        final float[][] activation;
        final float[][] scratchD;
        final float[][] gradHidden;
        final float[][] gradQuery;

        Block(int i, int capacityRows, int capacitySequences) {
            TensorLayout.Block names = TensorLayout.block(i);
            attentionNorm = new LayerNorm(parameters, read(names.attentionNorm() + TensorLayout.WEIGHT), read(names.attentionNorm() + TensorLayout.BIAS),
                    shape.layerNormEps(), capacityRows);
            attention = new CausalSelfAttention(parameters, read(names.inProjectionWeight()), read(names.inProjectionBias()),
                    read(names.outProjection() + TensorLayout.WEIGHT), read(names.outProjection() + TensorLayout.BIAS), shape.heads(), shape.dropout(),
                    shape.maxLength(), capacityRows, capacitySequences);
            feedForwardNorm = new LayerNorm(parameters, read(names.feedForwardNorm() + TensorLayout.WEIGHT), read(names.feedForwardNorm() + TensorLayout.BIAS),
                    shape.layerNormEps(), capacityRows);
            w1 = new Linear(parameters, read(names.feedForward(1) + TensorLayout.WEIGHT), read(names.feedForward(1) + TensorLayout.BIAS));
            w2 = new Linear(parameters, read(names.feedForward(2) + TensorLayout.WEIGHT), read(names.feedForward(2) + TensorLayout.BIAS));
            hiddenDropout = new Dropout(shape.dropout(), w1.out(), capacityRows);
            outputDropout = new Dropout(shape.dropout(), d, capacityRows);
            input = new float[d][capacityRows];
            query = new float[d][capacityRows];
            normalized = new float[d][capacityRows];
            preActivation = new float[w1.out()][capacityRows];
            activation = new float[w1.out()][capacityRows];
            scratchD = new float[d][capacityRows];
            gradHidden = new float[w1.out()][capacityRows];
            gradQuery = new float[d][capacityRows];
        }

        /** Reads {@link #input}; writes the block output into {@code out}. */
        void forward(boolean training, float[][] out) {
            int rows = batch.rows;
            attentionNorm.forward(input, rows, query);
            attention.forward(query, input, batch, training, scratchD);
            Kernels.addInPlace(query, d, rows, scratchD); // x = q + MHA(q, x, x)
            feedForwardNorm.forward(scratchD, rows, normalized);
            w1.forward(normalized, rows, preActivation);
            Activation.RELU.forward(preActivation, w1.out(), rows, activation);
            hiddenDropout.forward(activation, rows, training, batch.sequenceOfRow, batch.streams);
            w2.forward(activation, rows, out);
            outputDropout.forward(out, rows, training, batch.sequenceOfRow, batch.streams);
            Kernels.addInPlace(normalized, d, rows, out); // x = y + FFN(y)
        }

        /**
         * Inference only: the block output of the last row of each sequence, compact
         * ({@code out[.][s]}), the same bits as that row of {@link #forward} (every step but the
         * attention's keys and values is per row).
         */
        void forwardLastRows(float[][] out) {
            int sequences = batch.sequences;
            for (int f = 0; f < d; f++) {
                float[] x = input[f];
                float[] last = normalized[f];
                for (int s = 0; s < sequences; s++) {
                    last[s] = x[batch.start[s] + batch.length[s] - 1];
                }
            }
            attentionNorm.forward(normalized, sequences, query);
            attention.forwardLastRows(query, input, batch, scratchD);
            Kernels.addInPlace(query, d, sequences, scratchD); // x = q + MHA(q, x, x)
            feedForwardNorm.forward(scratchD, sequences, normalized);
            w1.forward(normalized, sequences, preActivation);
            Activation.RELU.forward(preActivation, w1.out(), sequences, activation);
            w2.forward(activation, sequences, out);
            Kernels.addInPlace(normalized, d, sequences, out); // x = y + FFN(y)
        }

        /** Reads the output gradient {@code dOut} (left intact); writes the input gradient into {@code dIn}. */
        void backward(float[][] dOut, float[][] dIn, Gradients grads) {
            int rows = batch.rows;
            Kernels.copy(dOut, d, rows, scratchD);
            outputDropout.backward(scratchD, rows);
            w2.backward(activation, scratchD, rows, gradHidden, false, grads, scratch);
            hiddenDropout.backward(gradHidden, rows);
            Activation.RELU.backward(preActivation, w1.out(), rows, gradHidden);
            w1.backward(normalized, gradHidden, rows, scratchD, false, grads, scratch);
            Kernels.addInPlace(dOut, d, rows, scratchD); // residual from y
            feedForwardNorm.backward(scratchD, rows, gradQuery, false, grads); // d(q + MHA)
            // gradQuery holds d(x1) = d(q + MHA): it is read as the attention's output gradient first,
            // then the query gradient is added into it, giving the full gradient of q.
            attention.backward(gradQuery, grads, gradQuery, true, dIn, false);
            attentionNorm.backward(gradQuery, rows, dIn, true, grads);
        }
    }

    /**
     * Creates one worker's network over shared parameters.
     *
     * @param capacitySequences most sequences in a batch
     * @param capacityRows most rows (real positions) in a batch
     */
    public SasRecNetwork(SasRecShape shape, ParameterSet parameters, int capacitySequences, int capacityRows) {
        this(shape, parameters, POSITIONS, capacitySequences, capacityRows);
    }

    /**
     * Creates one worker's network over shared parameters with a chosen position table (LLM-EDT's
     * domain threads run the shared blocks with their own positions). The item table
     * {@code item_emb.weight} may be absent from the parameters when the caller supplies item
     * vectors with {@link #useItemRows} before every pass.
     *
     * @param positionTable the name of the position table parameter {@code [maxLength x dim]}
     */
    public SasRecNetwork(SasRecShape shape, ParameterSet parameters, String positionTable, int capacitySequences,
            int capacityRows) {
        this.shape = shape;
        this.parameters = parameters;
        this.d = shape.dim();
        this.embedScale = (float) Math.sqrt(d);
        this.itemTable = parameters.contains(ITEMS) ? parameters.get(ITEMS) : null;
        this.positionTable = read(positionTable);
        this.itemIndex = itemTable == null ? -1 : parameters.indexOf(itemTable);
        this.positionIndex = parameters.indexOf(this.positionTable);
        this.embeddingDropout = new Dropout(shape.dropout(), d, capacityRows);
        this.blocks = new Block[shape.blocks()];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new Block(i, capacityRows, capacitySequences);
        }
        this.lastNorm = new LayerNorm(parameters, read(TensorLayout.LAST_NORM_WEIGHT), read(TensorLayout.LAST_NORM_BIAS),
                shape.layerNormEps(), capacityRows);
        this.outputProjection = parameters.contains(TensorLayout.OUTPUT_PROJECTION_WEIGHT)
                ? new Linear(parameters, read(TensorLayout.OUTPUT_PROJECTION_WEIGHT), read(TensorLayout.OUTPUT_PROJECTION_BIAS))
                : null;
        this.normalizedLast = outputProjection == null ? null : new float[d][capacityRows];
        this.hidden = new float[d][capacityRows];
        this.gradA = new float[d][capacityRows];
        this.gradB = new float[d][capacityRows];
        this.positiveLogit = new float[capacityRows];
        this.negativeLogit = new float[capacityRows];
    }

    /** Creates the parameters of a shape, all zero; see {@link #initialize}. Names follow the PyTorch port. */
    public static ParameterSet createParameters(SasRecShape shape) {
        ParameterSet p = new ParameterSet();
        p.add(Parameter.table(ITEMS, shape.tableRows(), shape.dim()));
        addBackbone(p, shape);
        return p;
    }

    /**
     * Adds the parameters of everything but the item table (positions, blocks, last layer norm) to
     * a set, all zero.
     */
    public static void addBackbone(ParameterSet p, SasRecShape shape) {
        int d = shape.dim();
        p.add(Parameter.matrix(POSITIONS, shape.maxLength(), d));
        for (int i = 0; i < shape.blocks(); i++) {
            TensorLayout.Block names = TensorLayout.block(i);
            p.add(Parameter.vector(names.attentionNorm() + TensorLayout.WEIGHT, d));
            p.add(Parameter.vector(names.attentionNorm() + TensorLayout.BIAS, d));
            p.add(Parameter.matrix(names.inProjectionWeight(), 3 * d, d));
            p.add(Parameter.vector(names.inProjectionBias(), 3 * d));
            p.add(Parameter.matrix(names.outProjection() + TensorLayout.WEIGHT, d, d));
            p.add(Parameter.vector(names.outProjection() + TensorLayout.BIAS, d));
            p.add(Parameter.vector(names.feedForwardNorm() + TensorLayout.WEIGHT, d));
            p.add(Parameter.vector(names.feedForwardNorm() + TensorLayout.BIAS, d));
            p.add(Parameter.matrix(names.feedForward(1) + TensorLayout.WEIGHT, d, d));
            p.add(Parameter.vector(names.feedForward(1) + TensorLayout.BIAS, d));
            p.add(Parameter.matrix(names.feedForward(2) + TensorLayout.WEIGHT, d, d));
            p.add(Parameter.vector(names.feedForward(2) + TensorLayout.BIAS, d));
        }
        p.add(Parameter.vector(TensorLayout.LAST_NORM_WEIGHT, d));
        p.add(Parameter.vector(TensorLayout.LAST_NORM_BIAS, d));
    }

    /**
     * Adds the output projection {@code h = W LN_last(x) + b} ({@code [dim x dim]} and {@code [dim]},
     * all zero; {@link #initialize} starts it at the identity) to a set that holds a backbone.
     */
    public static void addOutputProjection(ParameterSet p, int dim) {
        p.add(Parameter.matrix(TensorLayout.OUTPUT_PROJECTION_WEIGHT, dim, dim));
        p.add(Parameter.vector(TensorLayout.OUTPUT_PROJECTION_BIAS, dim));
    }

    /**
     * Initializes like the PyTorch port: Xavier-normal for every matrix (embeddings included),
     * layer norms at weight 1 and bias 0, attention biases 0, feed-forward biases uniform in
     * {@code +-1/sqrt(fan_in)}, and the padding row of the item table 0. An output projection
     * starts at the identity and draws nothing, so every other parameter starts as without it.
     */
    public static void initialize(ParameterSet parameters, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Parameter p : parameters.list()) {
            String n = p.name();
            float[][] v = p.value();
            if (n.equals(TensorLayout.OUTPUT_PROJECTION_WEIGHT)) {
                for (int r = 0; r < v.length; r++) {
                    java.util.Arrays.fill(v[r], 0);
                    v[r][r] = 1;
                }
            } else if (p.shape().length == 2) {
                double std = Math.sqrt(2.0 / (p.rows() + p.cols()));
                for (float[] row : v) {
                    for (int c = 0; c < row.length; c++) {
                        row[c] = (float) (gaussian(random) * std);
                    }
                }
            } else if (TensorLayout.isLayerNormWeight(n)) {
                java.util.Arrays.fill(v[0], 1);
            } else if (TensorLayout.isFeedForwardBias(n)) {
                double bound = 1 / Math.sqrt(v[0].length);
                for (int c = 0; c < v[0].length; c++) {
                    v[0][c] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
            } else {
                java.util.Arrays.fill(v[0], 0);
            }
        }
        if (parameters.contains(ITEMS)) {
            java.util.Arrays.fill(parameters.get(ITEMS).value()[0], 0);
        }
    }

    private static double gaussian(SplittableRandom random) {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * Takes snapshots of the weights of every linear layer, with which forward passes over few
     * rows (one user's history) run row-major, several times faster, with bit-identical results.
     * For inference networks only: the snapshots do not follow later parameter changes, so whoever
     * changes the parameters must drop this network (or take new snapshots).
     */
    public void snapshotWeights() {
        for (Block b : blocks) {
            b.attention.snapshotWeights();
            b.w1.snapshotWeight();
            b.w2.snapshotWeight();
        }
        if (outputProjection != null) {
            outputProjection.snapshotWeight();
        }
    }

    /**
     * Returns the final hidden state of an empty history (every position padding) under a backbone's
     * parameters: the last layer norm of a zero vector is its bias, then the output projection when
     * the parameters hold one. Without a projection this is the bias vector itself: read it, never write it.
     */
    public static float[] emptyHistoryHidden(ParameterSet parameters) {
        float[] bias = parameters.get(TensorLayout.LAST_NORM_BIAS).vectorValue();
        if (!parameters.contains(TensorLayout.OUTPUT_PROJECTION_WEIGHT)) {
            return bias;
        }
        int d = bias.length;
        float[][] w = parameters.get(TensorLayout.OUTPUT_PROJECTION_WEIGHT).value();
        float[] b = parameters.get(TensorLayout.OUTPUT_PROJECTION_BIAS).vectorValue();
        float[] out = new float[d];
        for (int i = 0; i < d; i++) {
            float s = 0;
            for (int j = 0; j < d; j++) {
                s += w[i][j] * bias[j];
            }
            out[i] = s + b[i];
        }
        return out;
    }

    /** Returns the shape. */
    public SasRecShape shape() {
        return shape;
    }

    /** Returns the final hidden states {@code [dim][rows]} of the last forward pass. */
    public float[][] hidden() {
        return hidden;
    }

    /**
     * Makes the following passes read item vectors from {@code rows} (row-major, indexed by the
     * batch's input and target ids, row 0 the padding vector) instead of the item table, and add
     * their gradients into {@code gradientRows} (same indexing; null when the vectors are frozen).
     * LLM-EDT's first phase computes the vectors of the items a batch touches this way. Passing
     * null rows returns to the item table.
     */
    public void useItemRows(float[][] rows, float[][] gradientRows) {
        if (rows == null && gradientRows != null) {
            throw new IllegalArgumentException("gradient rows without item rows");
        }
        this.externalItems = rows;
        this.externalItemGradients = gradientRows;
    }

    private float[][] items() {
        if (externalItems != null) {
            return externalItems;
        }
        if (itemTable == null) {
            throw new IllegalStateException("this network has no item table: call useItemRows before each pass");
        }
        return itemTable.value();
    }

    /** The item vectors the passes read (the table, or the rows given to {@link #useItemRows}). */
    float[][] itemVectors() {
        return items();
    }

    private Parameter read(String name) {
        Parameter p = parameters.get(name);
        read.add(p);
        return p;
    }

    /**
     * Whether a backward pass writes any gradient: the item vectors or some parameter of the
     * backbone (positions, blocks, norms, projection) trains. When none does, callers that only
     * need gradients of what follows the final hidden states skip {@link #backwardFromHidden}.
     */
    public boolean hasTrainableInputsOrWeights() {
        if (trainsItems()) {
            return true;
        }
        for (Parameter p : read) {
            if (!p.frozen()) {
                return true;
            }
        }
        return false;
    }

    private boolean trainsItems() {
        return externalItems != null ? externalItemGradients != null : !itemTable.frozen();
    }

    /** The gradient row of an item row (flagged touched for the item table). */
    private float[] itemGradient(Gradients grads, int row) {
        return externalItems != null ? externalItemGradients[row] : grads.touchRow(itemIndex, row);
    }

    /** Runs the network on a batch; {@code training} enables dropout. */
    public void forward(RaggedBatch batch, boolean training) {
        this.batch = batch;
        embed(training);
        int rows = batch.rows;
        for (int i = 0; i < blocks.length; i++) {
            float[][] out = i + 1 < blocks.length ? blocks[i + 1].input : hidden;
            blocks[i].forward(training, out);
        }
        if (outputProjection == null) {
            lastNorm.forward(hidden, rows, hidden);
        } else {
            lastNorm.forward(hidden, rows, normalizedLast);
            outputProjection.forward(normalizedLast, rows, hidden);
        }
    }

    /** The first block's input: each row's item vector times the embedding scale plus its position vector, then dropout. */
    private void embed(boolean training) {
        int rows = batch.rows;
        float[][] items = items();
        float[][] positions = positionTable.value();
        float[][] x = blocks[0].input;
        for (int r = 0; r < rows; r++) {
            float[] e = items[batch.input[r]];
            float[] p = positions[batch.position[r]];
            for (int f = 0; f < d; f++) {
                x[f][r] = e[f] * embedScale + p[f];
            }
        }
        embeddingDropout.forward(x, rows, training, batch.sequenceOfRow, batch.streams);
    }

    /**
     * An inference pass (no dropout) that computes the final hidden state of the last row of each
     * sequence only, the bits {@link #forward}{@code (batch, false)} gives that row: {@link #hidden()}
     * holds them at those rows, its other rows are left undefined. The last block's queries,
     * attention output, feed-forward and the final layer norm run on one row per sequence instead
     * of every row (a user's next-item scores read no other). Not for training: no backward follows.
     */
    public void forwardLastRows(RaggedBatch batch) {
        this.batch = batch;
        embed(false);
        for (int i = 0; i + 1 < blocks.length; i++) {
            blocks[i].forward(false, blocks[i + 1].input);
        }
        int sequences = batch.sequences;
        if (lastRows == null) {
            lastRows = new float[d][hidden[0].length];
            lastRowsNormalized = new float[d][hidden[0].length];
        }
        blocks[blocks.length - 1].forwardLastRows(lastRows);
        if (outputProjection == null) {
            lastNorm.forward(lastRows, sequences, lastRowsNormalized);
        } else {
            lastNorm.forward(lastRows, sequences, normalizedLast);
            outputProjection.forward(normalizedLast, sequences, lastRowsNormalized);
        }
        for (int f = 0; f < d; f++) {
            float[] from = lastRowsNormalized[f];
            float[] to = hidden[f];
            for (int s = 0; s < sequences; s++) {
                to[batch.start[s] + batch.length[s] - 1] = from[s];
            }
        }
    }

    /**
     * Computes the positive and negative logits of every row with a target, the weighted BCE loss
     * {@code sum_r w_r (softplus(-pos_r) + softplus(neg_r)) / totalWeight} (the row weights of
     * {@link RaggedBatch#weight}; with every weight 1 and {@code totalWeight} the number of target
     * rows of the whole batch, all workers, the mean BCE), and back-propagates it into {@code grads}.
     *
     * @param totalWeight the sum of the weights of the target rows of the whole batch (all workers), > 0
     * @return this worker's share of the loss (the shares of all workers sum to the batch loss)
     */
    public double backward(double totalWeight, Gradients grads) {
        int rows = batch.rows;
        float[][] items = items();
        double loss = 0;
        double[] g = lossGradient;
        float[][] dHidden = gradA;
        Kernels.zero(dHidden, d, rows);
        boolean trainItems = trainsItems();
        for (int r = 0; r < rows; r++) {
            int pos = batch.positive[r];
            if (pos == 0) {
                continue;
            }
            int neg = batch.negative[r];
            float[] ep = items[pos];
            float[] en = items[neg];
            float lp = 0;
            float ln = 0;
            for (int f = 0; f < d; f++) {
                float h = hidden[f][r];
                lp += h * ep[f];
                ln += h * en[f];
            }
            positiveLogit[r] = lp;
            negativeLogit[r] = ln;
            // A weight of 1 multiplies exactly: unweighted batches give the same bits as a plain mean.
            float w = batch.weight[r];
            loss += w * Losses.binaryCrossEntropy(lp, true, w / totalWeight, g);
            float gp = (float) g[0];
            loss += w * Losses.binaryCrossEntropy(ln, false, w / totalWeight, g);
            float gn = (float) g[0];
            for (int f = 0; f < d; f++) {
                dHidden[f][r] = gp * ep[f] + gn * en[f];
            }
            if (trainItems) {
                float[] dp = itemGradient(grads, pos);
                float[] dn = itemGradient(grads, neg);
                for (int f = 0; f < d; f++) {
                    dp[f] += gp * hidden[f][r];
                    dn[f] += gn * hidden[f][r];
                }
            }
        }
        backwardFromHidden(dHidden, grads);
        return loss / totalWeight;
    }

    /**
     * Back-propagates a gradient with respect to the final hidden states (after the last layer
     * norm) through the whole network. {@code dHidden} may be overwritten.
     */
    public void backwardFromHidden(float[][] dHidden, Gradients grads) {
        int rows = batch.rows;
        float[][] dOut = dHidden == gradA ? gradB : gradA;
        if (outputProjection != null) {
            outputProjection.backward(normalizedLast, dHidden, rows, dOut, false, grads, scratch);
            float[][] t = dHidden;
            dHidden = dOut;
            dOut = t;
        }
        lastNorm.backward(dHidden, rows, dOut, false, grads);
        float[][] dIn = dHidden;
        for (int i = blocks.length - 1; i >= 0; i--) {
            blocks[i].backward(dOut, dIn, grads);
            float[][] t = dOut;
            dOut = dIn;
            dIn = t;
        }
        embeddingDropout.backward(dOut, rows);
        boolean trainItems = trainsItems();
        boolean trainPositions = !positionTable.frozen();
        float[][] positionGrad = trainPositions ? grads.at(positionIndex) : null;
        for (int r = 0; r < rows; r++) {
            if (trainItems) {
                float[] de = itemGradient(grads, batch.input[r]);
                for (int f = 0; f < d; f++) {
                    de[f] += dOut[f][r] * embedScale;
                }
            }
            if (trainPositions) {
                float[] dp = positionGrad[batch.position[r]];
                for (int f = 0; f < d; f++) {
                    dp[f] += dOut[f][r];
                }
            }
        }
    }

    /** Returns the positive logit of a row computed by the last {@link #backward}. */
    public float positiveLogit(int row) {
        return positiveLogit[row];
    }

    /** Returns the negative logit of a row computed by the last {@link #backward}. */
    public float negativeLogit(int row) {
        return negativeLogit[row];
    }
}
