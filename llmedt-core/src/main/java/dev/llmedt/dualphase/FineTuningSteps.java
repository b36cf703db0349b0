package dev.llmedt.dualphase;

import dev.llmedt.engine.Adam;
import dev.llmedt.engine.DomainThread;
import dev.llmedt.engine.Gradients;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.RaggedBatch;
import dev.llmedt.engine.Rng;
import dev.llmedt.engine.SasRecShape;
import dev.llmedt.engine.TensorLayout;
import dev.llmedt.engine.WorkerPool;
import dev.llmedt.training.BatchChunks;
import dev.llmedt.training.GradientSteps;
import dev.llmedt.training.TrainingRun;
import dev.llmedt.training.TrainingSequences;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * The data-parallel step machinery of phase 2: each batch is split into chunks of users decided
 * by the batch alone ({@link BatchChunks}), each with its own domain threads, activations and
 * gradients; worker w runs the chunks c with c % workers == w (the same worker fills, runs
 * forward and backward a chunk, so its activations stay in that core's cache), and every sum
 * across chunks (gradients, losses, the gradient norm) has an order fixed by the batch, so the
 * weights do not depend on the number of threads. The frozen {@code h_global} of every target comes
 * from {@link GlobalHiddenStates}; the profile alignment and the profile in the score, when
 * configured, run in {@link FineTuningAlignment} and {@link FineTuningProfileInScore}.
 */
final class FineTuningSteps implements AutoCloseable {

    private final DualPhaseConfig config;
    private final SasRecShape shape;
    private final ParameterSet set;
    private final TrainingSequences sequences;
    private final float[][] profiles;
    private final int domains;
    private final int[] users;
    private final WorkerPool pool;
    private final BatchChunks chunks;
    private final DomainThread[][] threadsOf;
    /** The most rows of one chunk's domain batch. */
    private final int chunkRows;
    private final RaggedBatch[][] batchesOf;
    private final float[][][][] offsetsOf;
    private final int[][][] lastRowOf;
    private final int[][] targetCount;
    private final Gradients total;
    private final Gradients[] chunkGrads;
    private final Gradients[] activeGrads;
    private int activeCount;
    private final double[] chunkLoss;
    private final double[][] rowSquares;
    private final int[][] positionsOf;
    private final GlobalHiddenStates global;
    /** The domain threads' block outputs computed once (frozen positions, blocks without dropout), or null. */
    private final FrozenThreadStates frozenStates;
    /**
     * The most bytes the frozen states may take, or -1 for half of the free heap
     * ({@link FrozenThreadStates#ifTheyFit}); tests set 0 to check that the passes they replace give
     * the same bits.
     */
    static long frozenStatesBudgetBytes = -1;
    private final Adam adam;
    private final List<Parameter> parameterList;
    private final double[] domainWeight;
    /** The profile alignment, or null without profiles or with alignment weight 0. */
    private final FineTuningAlignment alignment;
    /** The profile in the score, or null without profiles or when the configuration leaves it out. */
    private final FineTuningProfileInScore profileInScore;
    private final IntUnaryOperator rowsOf = this::rowsOf;
    private final WorkerPool.Task fillTask = this::fill;
    private final WorkerPool.Task forwardTask = this::forward;
    private final WorkerPool.Task backwardTask = this::backward;
    private final WorkerPool.Task reduceTask = this::reduce;
    private final WorkerPool.Task updateTask = this::update;
    private int epoch;
    private float clipScale;
    /** Steps whose gradient the global-norm clip scaled, and steps taken (the run's checkpoint keeps both). */
    long clippedSteps;
    long totalSteps;

    FineTuningSteps(DualPhaseConfig config, SasRecShape shape, ParameterSet set, TrainingSequences sequences, float[][] profiles,
            int threads, int domains) {
        this.config = config;
        this.shape = shape;
        this.set = set;
        this.sequences = sequences;
        this.profiles = profiles;
        this.domains = domains;
        this.pool = new WorkerPool(threads);
        int cap = config.fineTuning().batchSize();
        int capRows = cap * shape.maxLength();
        List<Integer> kept = new ArrayList<>();
        for (int s = 0; s < sequences.size(); s++) {
            if (sequences.items[s].length >= 2 || hasProfile(s)) {
                kept.add(s);
            }
        }
        users = kept.stream().mapToInt(Integer::intValue).toArray();
        // A chunk runs one pass per domain over its users' rows of that domain, through frozen blocks: the passes are
        // mostly element-wise loops over rows, slow on short passes, so at least 2 MIN_WEIGHT rows per pass on average
        // (food-kitchen: 2 chunks of about 500 rows; 4 chunks cost about 20% more CPU in phase 2).
        chunks = new BatchChunks(cap, 2 * BatchChunks.MIN_WEIGHT * domains);
        long maxBatchRows = BatchChunks.maxBatchWeight(users, rowsOf, cap);
        // No batch is split into more chunks than the heaviest possible one (the count grows with a batch's rows), so the
        // networks and buffers are made for that many chunks only (food-kitchen: 2 of at most 16; a chunk's two domain
        // threads hold about 20 MB of activation buffers).
        int chunkCount = chunks.countFor(maxBatchRows);
        // a chunk's domain batch holds at most the chunk's rows, and at most one sequence per user
        chunkRows = Math.min(capRows, chunks.capacity(maxBatchRows, BatchChunks.maxWeight(users, rowsOf)));
        threadsOf = new DomainThread[chunkCount][domains];
        batchesOf = new RaggedBatch[chunkCount][domains];
        offsetsOf = new float[chunkCount][domains][chunkRows][];
        lastRowOf = new int[chunkCount][domains][cap];
        targetCount = new int[chunkCount][domains];
        total = new Gradients(set, p -> !p.frozen());
        chunkGrads = new Gradients[chunkCount];
        activeGrads = new Gradients[chunkCount];
        alignment = profiles != null && config.fineTuning().alignmentWeight() > 0
                ? new FineTuningAlignment(set, config.fineTuning(), profiles, this::hasProfile, domains, chunkCount, shape.dim(), total, pool)
                : null;
        for (int c = 0; c < chunkCount; c++) {
            chunkGrads[c] = new Gradients(set, p -> !p.frozen());
            for (int d = 0; d < domains; d++) {
                // threadsOf[c][d] is made on the first batch split into more than c chunks (newThreads)
                batchesOf[c][d] = new RaggedBatch(cap, chunkRows);
            }
        }
        profileInScore = this.profiles != null && config.fineTuning().profileInScore()
                ? new FineTuningProfileInScore(set, config.fineTuning(), chunkCount, domains, shape.dim()) : null;
        domainWeight = new double[domains];
        chunkLoss = new double[chunkCount];
        positionsOf = new int[threads][16];
        FineTuningConfig f = config.fineTuning();
        adam = new Adam(set, f.learningRate(), 0.9, 0.999, 1e-8, f.weightDecay(), true);
        parameterList = set.list();
        rowSquares = GradientSteps.rowSquares(parameterList);
        try {
            global = new GlobalHiddenStates(shape, set, sequences, pool);
            frozenStates = config.fineTuning().evalModeBackbone() && blocksFrozen(set, domains)
                    ? FrozenThreadStates.ifTheyFit(shape, set, sequences, domains, pool, frozenStatesBudgetBytes) : null;
        } catch (RuntimeException e) {
            pool.close(); // the constructor fails: nobody else can close the workers
            throw e;
        }
    }

    /**
     * Whether nothing a domain thread's blocks read trains: every phase-1 parameter is frozen (the
     * contract of {@link FineTuning#train}), so it is so when the domain position tables are too.
     */
    private static boolean blocksFrozen(ParameterSet set, int domains) {
        for (int d = 0; d < domains; d++) {
            if (!set.get(TensorLayout.domainPositions(d)).frozen()) {
                return false;
            }
        }
        return true;
    }

    /** The optimizer (the run checkpoints its state). */
    Adam adam() {
        return adam;
    }

    /** How many training sequences an epoch steps over: those with two items or a profile. */
    int userCount() {
        return users.length;
    }

    private boolean hasProfile(int s) {
        if (profiles == null) {
            return false;
        }
        for (float v : profiles[s]) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }

    /** Runs an epoch's batches from where the run is in it (a resumed epoch continues); returns the mean batch loss. */
    double epoch(int epochNumber, TrainingRun run) {
        this.epoch = epochNumber;
        int[] order = TrainingSequences.shuffled(users.length, Rng.seed(config.seed(), 4, epochNumber));
        int batchSize = config.fineTuning().batchSize();
        int batchCount = (order.length + batchSize - 1) / batchSize;
        for (int b = run.batchesDone(); b < batchCount; b++) {
            int from = b * batchSize;
            int to = Math.min(order.length, from + batchSize);
            double loss = step(order, from, to);
            run.batchFinished(b + 1, batchCount, loss);
        }
        return run.lossSum() / batchCount;
    }

    /**
     * Makes the domain threads (and profile scorers) of the chunks {@code [0, count)} that do not have
     * them yet, on the calling thread before the workers start. A thread holds a network's activation
     * buffers for a chunk's rows (several MB); the chunk count is bounded by the heaviest possible batch
     * (16 on food-kitchen) while real batches use 2-4, so making them on first use saves most of that
     * memory. Construction draws no random numbers: when a thread is made does not change any result.
     */
    private void newThreads(int count) {
        for (int c = 0; c < count; c++) {
            for (int d = 0; d < domains; d++) {
                if (threadsOf[c][d] == null) {
                    threadsOf[c][d] = new DomainThread(shape, set, TensorLayout.domainPositions(d), TensorLayout.domainAdapter(d),
                            (float) config.fineTuning().adapterDropout(), DualPhaseModel.gateOf(config, d),
                            !config.fineTuning().evalModeBackbone(), config.fineTuning().batchSize(),
                            chunkRows);
                }
                if (profileInScore != null) {
                    profileInScore.newScorer(c, d);
                }
            }
        }
    }

    private double step(int[] order, int from, int to) {
        chunks.split(order, users, from, to, rowsOf);
        newThreads(chunks.count());
        pool.run(fillTask);
        for (int d = 0; d < domains; d++) {
            int total = 0;
            for (int c = 0; c < chunks.count(); c++) {
                total += targetCount[c][d];
            }
            domainWeight[d] = total == 0 ? 0 : 1.0 / total;
        }
        pool.run(forwardTask);
        if (alignment != null) {
            alignment.run(chunks.count(), batchesOf, threadsOf, lastRowOf);
        }
        pool.run(backwardTask);
        double loss = 0;
        activeCount = 0;
        for (int c = 0; c < chunks.count(); c++) {
            if (active(c)) {
                loss += chunkLoss[c];
                activeGrads[activeCount++] = chunkGrads[c];
            }
        }
        if (alignment != null) {
            loss = alignment.addLosses(loss);
        }
        if (!Double.isFinite(loss)) {
            throw new IllegalStateException("phase 2 diverged: the loss is " + loss + " at epoch " + epoch
                    + "; lower the fine-tuning learning rate");
        }
        pool.run(reduceTask);
        double norm = Math.sqrt(GradientSteps.sumOfSquares(parameterList, rowSquares));
        double clip = config.fineTuning().gradientClipNorm();
        clipScale = clip > 0 && norm > clip ? (float) (clip / (norm + 1e-6)) : 1;
        totalSteps++;
        if (clipScale != 1) {
            clippedSteps++;
        }
        adam.beginStep();
        pool.run(updateTask);
        adam.endStep();
        return loss;
    }

    /** The rows a user adds to the domain threads (for balancing the chunks). */
    private int rowsOf(int s) {
        return Math.min(sequences.items[s].length, domains * shape.maxLength());
    }

    /** Whether chunk c has a sequence in some domain (its gradients were written in this step). */
    private boolean active(int c) {
        for (int d = 0; d < domains; d++) {
            if (batchesOf[c][d].sequences > 0) {
                return true;
            }
        }
        return false;
    }

    /** Fills the domain batches of the chunks worker w takes. */
    private void fill(int w) {
        for (int c = w; c < chunks.count(); c += pool.size()) {
            fill(w, c);
        }
    }

    /** Fills chunk c's domain batches: each user's domain items, targets with their global offsets, negatives. */
    private void fill(int w, int c) {
        int length = shape.maxLength();
        int dim = shape.dim();
        for (int d = 0; d < domains; d++) {
            batchesOf[c][d].clear();
            targetCount[c][d] = 0;
            if (profileInScore != null) {
                profileInScore.clear(c, d);
            }
        }
        for (int k = 0; k < chunks.size(c); k++) {
            int s = chunks.member(c, k);
            int[] seq = sequences.items[s];
            boolean profiled = hasProfile(s);
            int lastTarget = -1; // profile in the score: only the last target, which the (prefix) profile never contains
            if (profileInScore != null && profiled) {
                for (int j = seq.length - 1; j >= 1 && lastTarget < 0; j--) {
                    if (isTarget(s, j)) {
                        lastTarget = j;
                    }
                }
            }
            if (positionsOf[w].length < seq.length) {
                positionsOf[w] = new int[Math.max(seq.length, 2 * positionsOf[w].length)];
            }
            int[] positions = positionsOf[w];
            for (int d = 0; d < domains; d++) {
                int count = 0;
                for (int j = 0; j < seq.length; j++) {
                    if (sequences.domainOfItem[seq[j]] == d) {
                        positions[count++] = j;
                    }
                }
                int m = Math.min(count, length);
                boolean anyTarget = false;
                int offset = count - m;
                for (int t = 0; t + 1 < m && !anyTarget; t++) {
                    anyTarget = isTarget(s, positions[offset + t + 1]);
                }
                RaggedBatch batch = batchesOf[c][d];
                if (m == 0 || !(anyTarget || profiled)) {
                    continue;
                }
                int q = batch.sequences;
                int row = batch.beginSequence(m, Rng.seed(config.seed(), 10 + d, epoch, s), s);
                lastRowOf[c][d][q] = row + m - 1;
                for (int t = 0; t < m; t++) {
                    int j = positions[offset + t];
                    batch.input[row + t] = seq[j] + 1;
                    batch.position[row + t] = length - m + t;
                    if (t + 1 < m) {
                        int next = positions[offset + t + 1];
                        if (next == lastTarget) {
                            profileInScore.add(c, d, row + t, profiles[s]);
                        }
                        if (isTarget(s, next)) {
                            batch.positive[row + t] = seq[next] + 1;
                            batch.negative[row + t] = sequences.negative(seq[next], s, batch.streams, q) + 1;
                            float[] off = offsetsOf[c][d][row + t];
                            if (off == null) {
                                off = new float[dim];
                                offsetsOf[c][d][row + t] = off;
                            }
                            global.copyBefore(s, next, off);
                            targetCount[c][d]++;
                        }
                    }
                }
            }
        }
    }

    /** Whether the item at mixed position j of sequence s is a phase-2 target: a training target whose global state exists. */
    private boolean isTarget(int s, int j) {
        return sequences.target[s][j] && j - 1 >= global.first(s);
    }

    private void forward(int w) {
        for (int c = w; c < chunks.count(); c += pool.size()) {
            forwardChunk(c);
        }
    }

    private void forwardChunk(int c) {
        for (int d = 0; d < domains; d++) {
            if (batchesOf[c][d].sequences > 0) {
                if (frozenStates != null) {
                    frozenStates.copyInto(batchesOf[c][d], d, threadsOf[c][d].network().hidden());
                    threadsOf[c][d].forwardOnBlockOutputs(batchesOf[c][d], true);
                } else {
                    threadsOf[c][d].forward(batchesOf[c][d], true);
                }
            }
            if (profileInScore != null) {
                profileInScore.forward(c, d, threadsOf[c][d]);
            }
        }
    }

    private void backward(int w) {
        for (int c = w; c < chunks.count(); c += pool.size()) {
            backwardChunk(c);
        }
    }

    private void backwardChunk(int c) {
        chunkLoss[c] = 0;
        if (!active(c)) {
            return;
        }
        Gradients grads = chunkGrads[c];
        for (int d = 0; d < domains; d++) {
            RaggedBatch batch = batchesOf[c][d];
            if (batch.sequences == 0) {
                continue;
            }
            DomainThread thread = threadsOf[c][d];
            chunkLoss[c] += thread.loss(offsetsOf[c][d], domainWeight[d]);
            if (profileInScore != null) {
                profileInScore.backward(c, d, thread, grads);
            }
            if (alignment != null) {
                alignment.addGradients(c, d, batch, lastRowOf[c][d], thread.ungatedGradient());
            }
            thread.backward(grads);
        }
    }

    /** Adds the chunks' gradients into the total in chunk order, and each row's sum of squares for the global norm. */
    private void reduce(int w) {
        GradientSteps.reduce(pool, w, parameterList, total, activeGrads, activeCount, rowSquares);
    }

    private void update(int w) {
        GradientSteps.update(pool, w, parameterList, total, adam, clipScale);
    }

    @Override
    public void close() {
        pool.close();
    }
}
