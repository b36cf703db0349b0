package dev.llmedt.training;

import dev.llmedt.engine.Adam;
import dev.llmedt.engine.Gradients;
import dev.llmedt.engine.ItemTower;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.RaggedBatch;
import dev.llmedt.engine.Rng;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.engine.SasRecShape;
import dev.llmedt.engine.WorkerPool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data-parallel step machinery of {@link NextItemTraining}: one epoch's batches, each split into
 * chunks (see the loop's class comment for the scheme); it holds the batch's chunks with their batches and gradients, the
 * workers' networks and towers, and Adam. Every sum across chunks or rows has an order fixed by
 * the batch, so the weights do not depend on the number of threads.
 */
final class NextItemSteps implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NextItemTraining.class);

    private final NextItemTraining.Options options;
    private final SasRecShape shape;
    private final ParameterSet parameters;
    private final TrainingSequences sequences;
    final int[] trainable;
    private final WorkerPool pool;
    private final BatchChunks chunks;
    private final SasRecNetwork[] networks;
    private final ItemTower[] towers;
    private final ItemTower.ProductGradients products;
    private final Gradients total;
    private final Gradients[] chunkGrads;
    private final Gradients[] activeGrads;
    private int activeCount;
    private final RaggedBatch[] batches;
    private final float[][][] chunkItems;
    private final float[][][] chunkItemGrads;
    private final int[][] chunkCompact;
    private final int[] chunkUnique;
    private final int[][] localOf;
    private final double[] chunkLoss;
    private final float[][] compactGrad;
    private final float[][] compact;
    private final int[] compactOf;
    private final int[] unique;
    private int uniqueCount;
    final Adam adam;
    private final List<Parameter> parameterList;
    private final int idIndex;
    private final int rowOffset;
    /** Per training sequence: the sum of the weights of its rows that have a target (their number when unweighted). */
    private final double[] targetWeight;
    private final java.util.function.IntUnaryOperator rowsOf = this::rows;
    private final WorkerPool.Task fillTask = this::fill;
    private final WorkerPool.Task catchUpTask = this::catchUp;
    private final WorkerPool.Task towerForwardTask = this::towerForward;
    private final WorkerPool.Task forwardBackwardTask = this::forwardBackward;
    private final WorkerPool.Task reduceCompactTask = this::reduceCompact;
    private final WorkerPool.Task towerRowsTask = this::towerRows;
    private final WorkerPool.Task towerAdaptersTask = this::towerAdapters;
    private final WorkerPool.Task updateTask = this::reduceAndUpdate;
    private final WorkerPool.Task flushTask = this::flush;
    private final long[] phaseNanos = new long[4];
    private int[] order;
    private int epoch;
    /** The sum of the target weights of the step's batch (its number of targets when none is weighted). */
    private double totalWeight;

    NextItemSteps(NextItemTraining.Options options, SasRecShape shape, ParameterSet parameters, TrainingSequences sequences,
            ItemRows itemRows, String idTable, int rowOffset) {
        this.options = options;
        int threads = options.threads();
        this.rowOffset = rowOffset;
        this.shape = shape;
        this.parameters = parameters;
        this.sequences = sequences;
        List<Integer> kept = new ArrayList<>();
        targetWeight = new double[sequences.size()];
        for (int s = 0; s < sequences.size(); s++) {
            int n = rows(s);
            int first = sequences.items[s].length - 1 - n;
            int count = 0;
            double sum = 0;
            for (int t = 0; t < n; t++) {
                if (sequences.target[s][first + t + 1]) {
                    count++;
                    sum += sequences.weight[s][first + t + 1];
                }
            }
            targetWeight[s] = sum;
            if (count > 0) {
                kept.add(s);
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("no training sequence has a next-item target: every sequence is shorter than 2 items"
                    + " or its targets are all inserted items");
        }
        if (kept.size() < sequences.size()) {
            LOG.info("{} training sequences give no next-item target and are left out; {} remain", sequences.size() - kept.size(),
                    kept.size());
        }
        trainable = kept.stream().mapToInt(Integer::intValue).toArray();
        this.pool = new WorkerPool(threads);
        int capSequences = options.batchSize();
        int capRows = capSequences * shape.maxLength();
        int capUnique = Math.min(shape.tableRows() - 1, 3 * capRows);
        chunks = new BatchChunks(capSequences, BatchChunks.MIN_WEIGHT);
        int chunkRows = chunks.capacity(BatchChunks.maxBatchWeight(trainable, rowsOf, capSequences),
                BatchChunks.maxWeight(trainable, rowsOf));
        int chunkSequences = Math.min(capSequences, chunkRows);
        int chunkUniqueCap = Math.min(capUnique, 3 * chunkRows);
        int chunkCount = BatchChunks.MAX_COUNT;
        networks = new SasRecNetwork[threads];
        towers = new ItemTower[threads];
        localOf = new int[threads][];
        compactGrad = new float[capUnique + 1][shape.dim()];
        compact = new float[capUnique + 1][shape.dim()];
        compactOf = new int[shape.tableRows()];
        Arrays.fill(compactOf, -1);
        unique = new int[capUnique];
        for (int w = 0; w < threads; w++) {
            networks[w] = new SasRecNetwork(shape, parameters, chunkSequences, chunkRows);
            towers[w] = itemRows.tower(parameters, idTable, shape.dim(), capUnique / threads + 1);
            localOf[w] = new int[capUnique + 1];
        }
        products = towers[0].newProductGradients();
        // The tower writes the ID table and the item adapters straight into the total; the chunks' networks, the rest.
        java.util.Set<String> towerOnly = new java.util.HashSet<>();
        towerOnly.add(idTable);
        for (Parameter p : parameters.list()) {
            for (String prefix : itemRows.adapterPrefixes()) {
                if (p.name().startsWith(prefix)) {
                    towerOnly.add(p.name());
                }
            }
        }
        total = new Gradients(parameters);
        chunkGrads = new Gradients[chunkCount];
        activeGrads = new Gradients[chunkCount];
        batches = new RaggedBatch[chunkCount];
        chunkItems = new float[chunkCount][chunkUniqueCap + 1][];
        chunkItemGrads = new float[chunkCount][chunkUniqueCap + 1][shape.dim()];
        chunkCompact = new int[chunkCount][chunkUniqueCap + 1];
        chunkUnique = new int[chunkCount];
        chunkLoss = new double[chunkCount];
        for (int c = 0; c < chunkCount; c++) {
            chunkGrads[c] = new Gradients(parameters, p -> !p.frozen() && !towerOnly.contains(p.name()));
            batches[c] = new RaggedBatch(chunkSequences, chunkRows);
        }
        adam = new Adam(parameters, options.learningRate(), options.beta1(), options.beta2(), options.adamEps(),
                options.weightDecay(), false);
        parameterList = parameters.list();
        idIndex = parameters.contains(idTable) ? parameters.indexOf(parameters.get(idTable)) : -1;
    }

    private int rows(int s) {
        return Math.min(sequences.items[s].length - 1, shape.maxLength());
    }

    void flushAll() {
        pool.run(flushTask);
    }

    private void flush(int w) {
        if (idIndex >= 0) {
            int rows = shape.tableRows();
            adam.flush((int) pool.partStart(rows, w), (int) pool.partStart(rows, w + 1));
        }
    }

    /** Runs an epoch's batches from where the run is in it (a resumed epoch continues); returns the mean batch loss. */
    double epoch(int epochNumber, TrainingRun run) {
        this.epoch = epochNumber;
        order = TrainingSequences.shuffled(trainable.length, Rng.seed(options.seed(), 1, epochNumber));
        int batchSize = options.batchSize();
        int batchCount = (order.length + batchSize - 1) / batchSize;
        Arrays.fill(phaseNanos, 0);
        for (int b = run.batchesDone(); b < batchCount; b++) {
            int from = b * batchSize;
            int to = Math.min(order.length, from + batchSize);
            double loss = step(from, to);
            run.batchFinished(b + 1, batchCount, loss);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} epoch {} (s): fill+gather {}, item tower {}, forward+backward {}, reduce+update {}", options.phase(),
                    epochNumber,
                    phaseNanos[0] / 1e9, phaseNanos[1] / 1e9, phaseNanos[2] / 1e9, phaseNanos[3] / 1e9);
        }
        return run.lossSum() / batchCount;
    }

    /**
     * Sets the ID dropout of the step whose mask {@code salt} draws (a function of the seed, the
     * epoch and the batch, so the same rows drop for any thread count and after a resume), or
     * turns it off ({@code salt} 0, after the step's backward pass).
     */
    private void dropIds(long salt) {
        if (options.idDropout() > 0) {
            for (ItemTower t : towers) {
                t.dropIds(salt == 0 ? 0 : (float) options.idDropout(), salt);
            }
        }
    }

    private double step(int from, int to) {
        long t0 = System.nanoTime();
        double weightSum = 0;
        for (int i = from; i < to; i++) {
            weightSum += targetWeight[trainable[order[i]]];
        }
        // A batch whose every target weighs 0 has no loss (and must not divide 0 by 0).
        totalWeight = weightSum > 0 ? weightSum : 1;
        chunks.split(order, trainable, from, to, rowsOf);
        chunks.reset();
        pool.run(fillTask);
        gatherUnique();
        pool.run(catchUpTask);
        long t1 = System.nanoTime();
        dropIds(Rng.seed(options.seed(), 11, epoch, from));
        pool.run(towerForwardTask);
        long t2 = System.nanoTime();
        chunks.reset();
        pool.run(forwardBackwardTask);
        long t3 = System.nanoTime();
        pool.run(reduceCompactTask);
        pool.run(towerRowsTask);
        pool.run(towerAdaptersTask);
        dropIds(0);
        for (int k = 0; k < uniqueCount; k++) {
            compactOf[unique[k]] = -1;
        }
        long t4 = System.nanoTime();
        double loss = 0;
        activeCount = 0;
        for (int c = 0; c < chunks.count(); c++) {
            if (batches[c].sequences > 0) {
                loss += chunkLoss[c];
                activeGrads[activeCount++] = chunkGrads[c];
            }
        }
        if (!Double.isFinite(loss)) {
            throw new IllegalStateException(options.phase() + " diverged: the loss is " + loss + " at epoch " + epoch
                    + "; lower the learning rate");
        }
        adam.beginStep();
        pool.run(updateTask);
        adam.endStep();
        long t5 = System.nanoTime();
        phaseNanos[0] += t1 - t0;
        phaseNanos[1] += (t2 - t1) + (t4 - t3);
        phaseNanos[2] += t3 - t2;
        phaseNanos[3] += t5 - t4;
        return loss;
    }

    /** Fills the batches of the chunks worker w takes with item table rows: inputs, positions, targets and sampled negatives. */
    private void fill(int w) {
        for (int c = chunks.claim(); c >= 0; c = chunks.claim()) {
            fillChunk(c);
        }
    }

    private void fillChunk(int c) {
        RaggedBatch batch = batches[c];
        batch.clear();
        int length = shape.maxLength();
        for (int k = 0; k < chunks.size(c); k++) {
            int s = chunks.member(c, k);
            int[] seq = sequences.items[s];
            boolean[] isTarget = sequences.target[s];
            int n = rows(s);
            int first = seq.length - 1 - n;
            int row = batch.beginSequence(n, Rng.seed(options.seed(), 2, epoch, s), s);
            for (int t = 0; t < n; t++) {
                batch.input[row + t] = seq[first + t] + rowOffset;
                batch.position[row + t] = length - n + t;
                if (isTarget[first + t + 1]) {
                    int target = seq[first + t + 1];
                    batch.positive[row + t] = target + rowOffset;
                    batch.weight[row + t] = sequences.weight[s][first + t + 1];
                    batch.negative[row + t] = sequences.negative(target, s, batch.streams, batch.sequences - 1) + rowOffset;
                }
            }
        }
    }

    /** Collects the distinct table rows the batches touch, in ascending order, and numbers them 1..u. */
    private void gatherUnique() {
        int u = 0;
        for (int c = 0; c < chunks.count(); c++) {
            RaggedBatch batch = batches[c];
            for (int r = 0; r < batch.rows; r++) {
                u = mark(batch.input[r], u);
                u = mark(batch.positive[r], u);
                u = mark(batch.negative[r], u);
            }
        }
        Arrays.sort(unique, 0, u);
        for (int k = 0; k < u; k++) {
            compactOf[unique[k]] = k + 1;
        }
        uniqueCount = u;
    }

    private int mark(int row, int u) {
        if (row != 0 && compactOf[row] < 0) {
            compactOf[row] = 0;
            unique[u++] = row;
        }
        return u;
    }

    /** Brings the ID rows worker w owns up to date (each row on its own: the split does not matter). */
    private void catchUp(int w) {
        if (idIndex >= 0) {
            int workers = pool.size();
            for (int k = 0; k < uniqueCount; k++) {
                if (unique[k] % workers == w) {
                    adam.catchUp(idIndex, unique[k]);
                }
            }
        }
    }

    private void towerForward(int w) {
        int from = (int) pool.partStart(uniqueCount, w);
        int to = (int) pool.partStart(uniqueCount, w + 1);
        if (w == 0) {
            Arrays.fill(compact[0], 0);
        }
        towers[w].forward(unique, from, to, compact);
    }

    /** Runs the network of worker w on the chunks it takes, each into the chunk's own gradients. */
    private void forwardBackward(int w) {
        for (int c = chunks.claim(); c >= 0; c = chunks.claim()) {
            forwardBackward(w, c);
        }
    }

    private void forwardBackward(int w, int c) {
        RaggedBatch batch = batches[c];
        chunkLoss[c] = 0;
        chunkUnique[c] = 0;
        if (batch.sequences == 0) {
            return;
        }
        int u = localRows(w, c);
        float[][] g = chunkItemGrads[c];
        for (int j = 0; j <= u; j++) {
            Arrays.fill(g[j], 0);
        }
        networks[w].useItemRows(chunkItems[c], g);
        networks[w].forward(batch, true);
        chunkLoss[c] = networks[w].backward(totalWeight, chunkGrads[c]);
    }

    /**
     * Renumbers chunk c's batch from table rows to the chunk's own rows 1..u (in order of first
     * use), pointing them at the step's item vectors; returns u.
     */
    private int localRows(int w, int c) {
        RaggedBatch batch = batches[c];
        int[] local = localOf[w];
        int[] global = chunkCompact[c];
        float[][] items = chunkItems[c];
        items[0] = compact[0];
        int u = 0;
        for (int r = 0; r < batch.rows; r++) {
            int k = compactOf[batch.input[r]];
            if (local[k] == 0) {
                local[k] = ++u;
                global[u] = k;
            }
            batch.input[r] = local[k];
            if (batch.positive[r] != 0) {
                k = compactOf[batch.positive[r]];
                if (local[k] == 0) {
                    local[k] = ++u;
                    global[u] = k;
                }
                batch.positive[r] = local[k];
                k = compactOf[batch.negative[r]];
                if (local[k] == 0) {
                    local[k] = ++u;
                    global[u] = k;
                }
                batch.negative[r] = local[k];
            }
        }
        for (int j = 1; j <= u; j++) {
            items[j] = compact[global[j]];
            local[global[j]] = 0;
        }
        chunkUnique[c] = u;
        return u;
    }

    /** Sums the chunks' item gradients into the step's, in chunk order, for worker w's share of the step's rows. */
    private void reduceCompact(int w) {
        int from = (int) pool.partStart(uniqueCount + 1, w);
        int to = (int) pool.partStart(uniqueCount + 1, w + 1);
        for (int k = from; k < to; k++) {
            Arrays.fill(compactGrad[k], 0);
        }
        for (int c = 0; c < chunks.count(); c++) {
            int[] global = chunkCompact[c];
            float[][] g = chunkItemGrads[c];
            for (int j = 1, u = chunkUnique[c]; j <= u; j++) {
                int k = global[j];
                if (k >= from && k < to) {
                    float[] a = g[j];
                    float[] b = compactGrad[k];
                    for (int f = 0; f < b.length; f++) {
                        b[f] += a[f];
                    }
                }
            }
        }
    }

    private void towerRows(int w) {
        towers[w].backwardRows(unique, uniqueCount, compactGrad, total, products, w, pool.size());
    }

    private void towerAdapters(int w) {
        towers[w].backwardAdapters(products, total, w, pool.size());
    }

    private void reduceAndUpdate(int w) {
        GradientSteps.reduceAndUpdate(pool, w, parameterList, total, activeGrads, activeCount, adam);
    }

    @Override
    public void close() {
        pool.close();
    }
}
