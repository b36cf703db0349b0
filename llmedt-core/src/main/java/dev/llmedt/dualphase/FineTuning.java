package dev.llmedt.dualphase;

import dev.llmedt.engine.TensorLayout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.EpochSummary;
import dev.llmedt.Recommender;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.engine.Adam;
import dev.llmedt.engine.DomainThread;
import dev.llmedt.engine.Gradients;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.ProfileAlignment;
import dev.llmedt.engine.RaggedBatch;
import dev.llmedt.engine.Rng;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.engine.SasRecShape;
import dev.llmedt.engine.WorkerPool;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.Protocol;
import dev.llmedt.training.BatchChunks;
import dev.llmedt.training.GradientSteps;
import dev.llmedt.training.RunFingerprint;
import dev.llmedt.training.TrainingRun;
import dev.llmedt.training.TrainingSequences;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LLM-EDT phase 2, domain fine-tuning. Every phase-1 parameter (and the item table computed from
 * them) is frozen. For each user and domain {@code d}, the user's items of {@code d} (the last
 * window of them) run through the frozen blocks with domain {@code d}'s own position table, then
 * domain {@code d}'s residual adapter, giving {@code h_d}; each next item of {@code d} is predicted
 * with the score {@code <h_global + h_d, e>}, where {@code h_global} is the frozen phase-1 model's
 * hidden state just before that item in the mixed sequence (computed once, without dropout).
 *
 * <p>Loss = sum over domains of the mean BCE (one negative per target, from the target's domain,
 * not in the sequence) of the domain's targets in the batch + beta x the sum over domains of the
 * in-batch InfoNCE between each user's last {@code h_d} and the user's projected profile
 * embedding. Gradients flow through the frozen blocks into the position tables. AdamW with a
 * global gradient-norm clip; the learning rate is halved after {@code plateauPatience} epochs
 * without a better validation NDCG@10, and training stops after {@code patience}; the best
 * weights are kept (the listeners {@link TrainingListener#learningRateHalving},
 * {@link TrainingListener#earlyStopping} and {@link TrainingListener#bestWeights}, installed when
 * the configuration selects on validation). Its epoch loop runs through a {@link TrainingRun},
 * so it checkpoints and resumes like phase 1.
 */
final class FineTuning {

    private static final Logger LOG = LoggerFactory.getLogger(FineTuning.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PHASE = "phase-2";

    /** What phase 2 produced and its figures. */
    record Result(List<EpochSummary> epochs, int bestEpoch, double bestValidNdcg10, double initialValidNdcg10, String stopReason,
            int halvings, DomainSelection selection) {
    }

    /**
     * The per-domain choice made at the end of phase 2: per domain, the validation NDCG@10 of that
     * domain's users with and without its thread, and whether the thread is kept; null flags when
     * every thread is kept without comparison.
     *
     * @param used per domain, whether its thread is in the score, or null when no selection was made
     * @param withThread per domain, validation NDCG@10 of the phase-2 model
     * @param phaseOne per domain, validation NDCG@10 of the phase-1 model alone
     * @param validNdcg10 the overall validation NDCG@10 of the model as kept
     */
    record DomainSelection(boolean[] used, double[] withThread, double[] phaseOne, double validNdcg10) {
    }

    private final DualPhaseConfig config;
    private final TrainingListener listener;

    FineTuning(DualPhaseConfig config, TrainingListener listener) {
        this.config = config;
        this.listener = listener;
    }

    /**
     * Adds the trainable phase-2 parameters to a set holding the frozen phase-1 model and
     * initializes them: each domain's positions start as the global ones, each adapter as the
     * identity ({@code W1} Xavier-normal, {@code W2} and the biases zero), each gate at 0 (phase 2
     * starts from exactly the phase-1 scores), the profile adapters Xavier-normal.
     *
     * @param profileWidth the profile embedding width, 0 without profiles
     */
    static void addParameters(ParameterSet set, DualPhaseConfig config, int domains, int profileWidth) {
        DualPhaseModel.addDomainThreads(set, config, domains);
        int dim = config.backbone().dim();
        SplittableRandom random = new SplittableRandom(Rng.seed(config.seed(), 3, 0));
        Parameter global = set.get(SasRecNetwork.POSITIONS);
        for (int d = 0; d < domains; d++) {
            set.get(TensorLayout.domainPositions(d)).copyFrom(global);
            xavier(set.get(TensorLayout.domainAdapter(d) + "w1.weight"), random);
            if (profileWidth > 0) {
                String prefix = TensorLayout.profileAdapter(d);
                ProfileAlignment.addParameters(set, prefix, profileWidth, config.fineTuning().profileAdapterHidden(), dim,
                        config.fineTuning().alignmentHead());
                xavier(set.get(prefix + "0.weight"), random);
                xavier(set.get(prefix + "1.weight"), random);
                if (config.fineTuning().alignmentHead()) {
                    xavier(set.get(prefix + "user.weight"), random);
                }
            }
        }
    }

    private static void xavier(Parameter p, SplittableRandom random) {
        double std = Math.sqrt(2.0 / (p.rows() + p.cols()));
        for (float[] row : p.value()) {
            for (int c = 0; c < row.length; c++) {
                double u1 = random.nextDouble();
                double u2 = random.nextDouble();
                row[c] = (float) (Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2) * std);
            }
        }
    }

    /**
     * Trains the phase-2 parameters of {@code set} (everything else in it must be frozen).
     *
     * @param profiles per training sequence, its profile embedding (a zero row: no profile), or null
     */
    Result train(CdsrDataset data, TrainingSequences sequences, ParameterSet set, SasRecShape shape, float[][] profiles,
            List<EvaluationCase> valid, DualPhaseModel view, ProfileSource validationProfiles) {
        Recommender scored = scoredBy(view, validationProfiles);
        FineTuningConfig f = config.fineTuning();
        int threads = config.resolvedThreads();
        Evaluator validation = Evaluator.of(Protocol.full()).withThreads(threads);
        ObjectNode parts = JSON.createObjectNode();
        parts.set("config", RunFingerprint.configuration(config.toJson()));
        parts.put("data", data.fingerprint());
        parts.put("seed", config.seed());
        parts.put("training_sequences", RunFingerprint.of(sequences));
        parts.put("profiles", RunFingerprint.of(profiles));
        parts.put("validation_cases", RunFingerprint.ofCases(valid));
        TrainingListener selection = config.selectOnValidation() ? TrainingListener.bestWeights()
                .andThen(TrainingListener.earlyStopping(f.patience())).andThen(TrainingListener.learningRateHalving(f.plateauPatience()))
                : TrainingListener.none();
        TrainingRun run = new TrainingRun(PHASE, set, selection.andThen(listener), parts);
        run.start();
        if (!run.resumed()) {
            view.parametersChanged();
            double initial = validation.evaluate(scored, data.items(), valid, "valid").overall().ndcg(10);
            LOG.info("phase 2 starts from valid NDCG@10 {} (phase 1 + identity adapters)", String.format("%.4f", initial));
            run.startFrom(initial);
        }
        if (!run.alreadyFinished()) {
            try (Steps steps = new Steps(shape, set, sequences, profiles, threads, data.domains().size())) {
                run.attach(steps.adam);
                steps.clippedSteps = run.extra().path("clipped_steps").asLong(0);
                steps.totalSteps = run.extra().path("total_steps").asLong(0);
                run.beforeSave(extra -> extra.put("clipped_steps", steps.clippedSteps).put("total_steps", steps.totalSteps));
                for (int epoch = run.nextEpoch(); epoch <= f.maxEpochs() && !run.stopRequested(); epoch++) {
                    run.beginEpoch(epoch);
                    double loss = steps.epoch(epoch, run);
                    double trainSeconds = run.epochSeconds();
                    long evalStart = System.nanoTime();
                    view.parametersChanged();
                    EvaluationReport report = validation.evaluate(scored, data.items(), valid, "valid");
                    run.epochFinished(loss, report.overall().ndcg(10), report.overall().hitRate(10), trainSeconds,
                            (System.nanoTime() - evalStart) / 1e9, steps.users.length / trainSeconds);
                }
                LOG.info("phase 2 global-norm clipping scaled {} of {} steps", steps.clippedSteps, steps.totalSteps);
            }
        }
        String stopReason = run.finish(config.selectOnValidation() ? "max epochs"
                : "max epochs, last weights kept (no selection on validation)");
        view.parametersChanged();
        DomainSelection perDomain = config.selectOnValidation() && f.selectPerDomain()
                ? selectPerDomain(data, valid, view, validationProfiles, validation) : null;
        return new Result(run.epochs(), run.bestEpoch(), run.bestValidNdcg10(), run.initialValidNdcg10(), stopReason,
                run.learningRateChanges(), perDomain);
    }

    /**
     * Keeps each domain's thread only where the phase-2 model beats the phase-1 model alone on the
     * validation users whose target is in that domain. A domain's score reads only its own thread,
     * so the choices are independent and the kept model's figures are the chosen ones per domain.
     */
    private static DomainSelection selectPerDomain(CdsrDataset data, List<EvaluationCase> valid, DualPhaseModel view,
            ProfileSource profiles, Evaluator validation) {
        int domains = data.domains().size();
        boolean[] none = new boolean[domains];
        EvaluationReport with = validation.evaluate(scoredBy(view, profiles), data.items(), valid, "valid");
        EvaluationReport without = validation.evaluate(scoredBy(view.withDomainThreads(none), profiles), data.items(), valid, "valid");
        boolean[] used = new boolean[domains];
        double[] a = new double[domains];
        double[] b = new double[domains];
        double sum = 0;
        int n = 0;
        for (dev.llmedt.data.Domain d : data.domains()) {
            int i = d.index();
            a[i] = with.domain(d).ndcg(10);
            b[i] = without.domain(d).ndcg(10);
            used[i] = a[i] > b[i];
            int cases = with.domain(d).n();
            sum += cases * (used[i] ? a[i] : b[i]);
            n += cases;
            LOG.info("phase 2, domain {}: valid NDCG@10 {} with its thread, {} with phase 1 alone ({} users): thread {}", d.name(),
                    String.format("%.4f", a[i]), String.format("%.4f", b[i]), cases, used[i] ? "kept" : "dropped");
        }
        return new DomainSelection(used, a, b, n == 0 ? 0 : sum / n);
    }

    private static Recommender scoredBy(DualPhaseModel view, ProfileSource profiles) {
        return view.scoresWithProfiles() ? view.withProfiles(profiles) : view;
    }

    /**
     * The data-parallel step machinery of phase 2: each batch is split into chunks of users decided
     * by the batch alone ({@link BatchChunks}), each with its own domain threads, activations and
     * gradients; worker w runs the chunks c with c % workers == w (the same worker fills, runs
     * forward and backward a chunk, so its activations stay in that core's cache), and every sum
     * across chunks (gradients, losses, the gradient norm) has an order fixed by the batch, so the
     * weights do not depend on the number of threads.
     */
    private final class Steps implements AutoCloseable {
        private final SasRecShape shape;
        private final ParameterSet set;
        private final TrainingSequences sequences;
        private final float[][] profiles;
        private final boolean align;
        private final int domains;
        private final int[] users;
        private final WorkerPool pool;
        private final BatchChunks chunks;
        private final DomainThread[][] threadsOf;
        /** The most rows of one chunk's domain batch. */
        private final int chunkRows;
        private final RaggedBatch[][] batchesOf;
        private final float[][][][] offsetsOf;
        private final float[][][][] alignGradOf;
        private final int[][][] lastRowOf;
        private final int[][] targetCount;
        private final ProfileAlignment[] alignments;
        private final Gradients total;
        private final Gradients[] chunkGrads;
        private final Gradients[] activeGrads;
        private int activeCount;
        private final double[] chunkLoss;
        private final double[] alignLoss;
        private final double[][] rowSquares;
        private final int[][] positionsOf;
        private final float[] globalHidden;
        private final long[] globalStart;
        private final int[] globalFirst;
        private final Adam adam;
        private final List<Parameter> parameterList;
        private final float[][][] alignUsers;
        private final float[][][] alignProfiles;
        private final float[][][] alignGrads;
        private final int[][] alignChunk;
        private final int[][] alignSequence;
        private final double[] domainWeight;
        private final int[] alignCount;
        private final boolean profileInScore;
        private final ProfileAlignment[][] scorers;
        private final int[][] scoreCount;
        private final int[][][] scoreRows;
        private final float[][][][] scoreProfiles;
        private final float[][][][] scoreOut;
        private final java.util.function.IntUnaryOperator rowsOf = this::rowsOf;
        private final WorkerPool.Task fillTask = this::fill;
        private final WorkerPool.Task forwardTask = this::forward;
        private final WorkerPool.Task alignTask = this::align;
        private final WorkerPool.Task backwardTask = this::backward;
        private final WorkerPool.Task reduceTask = this::reduce;
        private final WorkerPool.Task updateTask = this::update;
        private int epoch;
        private float clipScale;
        long clippedSteps;
        long totalSteps;

        Steps(SasRecShape shape, ParameterSet set, TrainingSequences sequences, float[][] profiles, int threads, int domains) {
            this.shape = shape;
            this.set = set;
            this.sequences = sequences;
            this.profiles = profiles;
            this.align = profiles != null && config.fineTuning().alignmentWeight() > 0;
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
            alignGradOf = new float[chunkCount][domains][][];
            lastRowOf = new int[chunkCount][domains][cap];
            targetCount = new int[chunkCount][domains];
            total = new Gradients(set, p -> !p.frozen());
            chunkGrads = new Gradients[chunkCount];
            activeGrads = new Gradients[chunkCount];
            alignments = new ProfileAlignment[domains];
            for (int d = 0; d < domains; d++) {
                if (align) {
                    alignments[d] = new ProfileAlignment(set, TensorLayout.profileAdapter(d), config.fineTuning().temperature(), cap);
                }
            }
            for (int c = 0; c < chunkCount; c++) {
                chunkGrads[c] = new Gradients(set, p -> !p.frozen());
                for (int d = 0; d < domains; d++) {
                    // threadsOf[c][d] is made on the first batch split into more than c chunks (newThreads)
                    batchesOf[c][d] = new RaggedBatch(cap, chunkRows);
                    alignGradOf[c][d] = new float[align ? cap : 0][shape.dim()];
                }
            }
            profileInScore = this.profiles != null && config.fineTuning().profileInScore();
            scorers = new ProfileAlignment[chunkCount][domains];
            scoreCount = new int[chunkCount][domains];
            scoreRows = new int[chunkCount][domains][cap];
            scoreProfiles = new float[chunkCount][domains][cap][];
            scoreOut = new float[chunkCount][domains][profileInScore ? cap : 0][shape.dim()];
            alignUsers = new float[domains][cap][];
            alignProfiles = new float[domains][cap][];
            alignGrads = new float[domains][align ? cap : 0][shape.dim()];
            alignChunk = new int[domains][cap];
            alignSequence = new int[domains][cap];
            domainWeight = new double[domains];
            alignCount = new int[domains];
            chunkLoss = new double[chunkCount];
            alignLoss = new double[domains];
            positionsOf = new int[threads][16];
            FineTuningConfig f = config.fineTuning();
            adam = new Adam(set, f.learningRate(), 0.9, 0.999, 1e-8, f.weightDecay(), true);
            parameterList = set.list();
            rowSquares = GradientSteps.rowSquares(parameterList);
            globalStart = new long[sequences.size() + 1];
            globalFirst = new int[sequences.size()];
            globalHidden = globalHiddenStates();
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

        private int globalRows(int s) {
            return Math.min(sequences.items[s].length - 1, shape.maxLength());
        }

        /**
         * The frozen phase-1 model's hidden state at every training row (as phase 1 laid the
         * sequences out), without dropout: row t of sequence s follows the item at mixed position
         * {@code globalFirst[s] + t}.
         */
        private float[] globalHiddenStates() {
            long total = 0;
            for (int s = 0; s < sequences.size(); s++) {
                int n = Math.max(globalRows(s), 0);
                globalStart[s] = total;
                globalFirst[s] = sequences.items[s].length - 1 - n;
                total += (long) n * shape.dim();
            }
            globalStart[sequences.size()] = total;
            if (total > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("the training sequences have too many positions for phase 2 on one machine: " + total
                        / shape.dim() + " rows");
            }
            float[] out = new float[(int) total];
            int batch = 128;
            int chunks = (sequences.size() + batch - 1) / batch;
            int workers = pool.size();
            SasRecNetwork[] nets = new SasRecNetwork[workers];
            RaggedBatch[] batches = new RaggedBatch[workers];
            for (int w = 0; w < workers; w++) {
                nets[w] = new SasRecNetwork(shape, set, batch, batch * shape.maxLength());
                batches[w] = new RaggedBatch(batch, batch * shape.maxLength());
            }
            long start = System.nanoTime();
            pool.run(w -> {
                int[][] windows = new int[batch][];
                for (int c = w; c < chunks; c += workers) {
                    RaggedBatch b = batches[w];
                    b.clear();
                    for (int s = c * batch; s < Math.min(sequences.size(), (c + 1) * batch); s++) {
                        int n = globalRows(s);
                        if (n < 1) {
                            continue;
                        }
                        int first = globalFirst[s];
                        int row = b.beginSequence(n, 0, s);
                        for (int t = 0; t < n; t++) {
                            b.input[row + t] = sequences.items[s][first + t] + 1;
                            b.position[row + t] = shape.maxLength() - n + t;
                        }
                    }
                    if (b.sequences == 0) {
                        continue;
                    }
                    nets[w].forward(b, false);
                    float[][] h = nets[w].hidden();
                    for (int q = 0; q < b.sequences; q++) {
                        int s = b.tag[q];
                        int base = (int) globalStart[s];
                        for (int t = 0; t < b.length[q]; t++) {
                            int r = b.start[q] + t;
                            for (int f = 0; f < shape.dim(); f++) {
                                out[base + t * shape.dim() + f] = h[f][r];
                            }
                        }
                    }
                }
            });
            LOG.info("phase 2: frozen global hidden states of {} rows in {} s", total / shape.dim(),
                    String.format("%.1f", (System.nanoTime() - start) / 1e9));
            return out;
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
                                (float) config.fineTuning().adapterDropout(), DualPhaseModel.gateOf(config, d), config.fineTuning().batchSize(),
                                chunkRows);
                    }
                    if (profileInScore && scorers[c][d] == null) {
                        scorers[c][d] = new ProfileAlignment(set, TensorLayout.profileAdapter(d), config.fineTuning().temperature(),
                                config.fineTuning().batchSize());
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
            if (align) {
                gatherAlignment();
                pool.run(alignTask);
                scatterAlignment();
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
            for (int d = 0; d < domains; d++) {
                loss += alignLoss[d];
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
                scoreCount[c][d] = 0;
            }
            for (int k = 0; k < chunks.size(c); k++) {
                int s = chunks.member(c, k);
                int[] seq = sequences.items[s];
                boolean profiled = hasProfile(s);
                int lastTarget = -1; // profile in the score: only the last target, which the (prefix) profile never contains
                if (profileInScore && profiled) {
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
                                int i = scoreCount[c][d]++;
                                scoreRows[c][d][i] = row + t;
                                scoreProfiles[c][d][i] = profiles[s];
                            }
                            if (isTarget(s, next)) {
                                batch.positive[row + t] = seq[next] + 1;
                                batch.negative[row + t] = sequences.negative(seq[next], s, batch.streams, q) + 1;
                                float[] off = offsetsOf[c][d][row + t];
                                if (off == null) {
                                    off = new float[dim];
                                    offsetsOf[c][d][row + t] = off;
                                }
                                int base = (int) globalStart[s] + (next - 1 - globalFirst[s]) * dim;
                                System.arraycopy(globalHidden, base, off, 0, dim);
                                targetCount[c][d]++;
                            }
                        }
                    }
                }
            }
        }

        /** Whether the item at mixed position j of sequence s is a phase-2 target: a training target whose global state exists. */
        private boolean isTarget(int s, int j) {
            return sequences.target[s][j] && j - 1 >= globalFirst[s];
        }

        private void forward(int w) {
            for (int c = w; c < chunks.count(); c += pool.size()) {
                forwardChunk(c);
            }
        }

        private void forwardChunk(int c) {
            for (int d = 0; d < domains; d++) {
                if (batchesOf[c][d].sequences > 0) {
                    threadsOf[c][d].forward(batchesOf[c][d], true);
                }
                int n = scoreCount[c][d];
                if (n > 0) {
                    scorers[c][d].project(scoreProfiles[c][d], n, scoreOut[c][d]);
                    float[][] h = threadsOf[c][d].hidden();
                    for (int i = 0; i < n; i++) {
                        int row = scoreRows[c][d][i];
                        for (int f = 0; f < shape.dim(); f++) {
                            h[f][row] += scoreOut[c][d][i][f];
                        }
                    }
                }
            }
        }

        /** Collects, per domain and in chunk order, the users with a profile and their last h_d. */
        private void gatherAlignment() {
            int dim = shape.dim();
            for (int d = 0; d < domains; d++) {
                int n = 0;
                for (int c = 0; c < chunks.count(); c++) {
                    RaggedBatch batch = batchesOf[c][d];
                    float[][] h = threadsOf[c][d].ungatedHidden(); // cosine alignment: the direction, whatever the gate
                    for (int q = 0; q < batch.sequences; q++) {
                        int s = batch.tag[q];
                        if (!hasProfile(s)) {
                            continue;
                        }
                        if (alignUsers[d][n] == null) {
                            alignUsers[d][n] = new float[dim];
                        }
                        int row = lastRowOf[c][d][q];
                        for (int f = 0; f < dim; f++) {
                            alignUsers[d][n][f] = h[f][row];
                        }
                        Arrays.fill(alignGrads[d][n], 0); // forwardBackward adds into it
                        alignProfiles[d][n] = profiles[s];
                        alignChunk[d][n] = c;
                        alignSequence[d][n] = q;
                        n++;
                    }
                }
                alignCount[d] = n;
            }
        }

        /**
         * Worker w computes the alignment of the domains d with d % workers == w, into the total
         * gradients (each domain has its own adapter, so the domains write disjoint parameters).
         */
        private void align(int w) {
            for (int d = w; d < domains; d += pool.size()) {
                alignLoss[d] = alignments[d].forwardBackward(alignUsers[d], alignProfiles[d], alignCount[d],
                        config.fineTuning().alignmentWeight(), alignGrads[d], total);
            }
        }

        /** Hands each user's alignment gradient to the chunk that holds the user's thread. */
        private void scatterAlignment() {
            for (int c = 0; c < chunks.count(); c++) {
                for (int d = 0; d < domains; d++) {
                    for (int q = 0; q < batchesOf[c][d].sequences; q++) {
                        Arrays.fill(alignGradOf[c][d][q], 0);
                    }
                }
            }
            for (int d = 0; d < domains; d++) {
                for (int i = 0; i < alignCount[d]; i++) {
                    System.arraycopy(alignGrads[d][i], 0, alignGradOf[alignChunk[d][i]][d][alignSequence[d][i]], 0, shape.dim());
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
            int dim = shape.dim();
            for (int d = 0; d < domains; d++) {
                RaggedBatch batch = batchesOf[c][d];
                if (batch.sequences == 0) {
                    continue;
                }
                DomainThread thread = threadsOf[c][d];
                chunkLoss[c] += thread.loss(offsetsOf[c][d], domainWeight[d]);
                int n = scoreCount[c][d];
                if (n > 0) {
                    float[][] g = thread.hiddenGradient();
                    for (int i = 0; i < n; i++) {
                        int row = scoreRows[c][d][i];
                        for (int f = 0; f < dim; f++) {
                            scoreOut[c][d][i][f] = g[f][row]; // the gradient of the projected profile added at that row
                        }
                    }
                    scorers[c][d].projectBackward(scoreOut[c][d], n, grads);
                }
                if (align) {
                    float[][] g = thread.ungatedGradient();
                    for (int q = 0; q < batch.sequences; q++) {
                        int row = lastRowOf[c][d][q];
                        float[] a = alignGradOf[c][d][q];
                        for (int f = 0; f < dim; f++) {
                            g[f][row] += a[f];
                        }
                    }
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
}
