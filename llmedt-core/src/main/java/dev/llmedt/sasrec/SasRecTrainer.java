package dev.llmedt.sasrec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.EpochSummary;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.UserSequence;
import dev.llmedt.engine.Adam;
import dev.llmedt.engine.Gradients;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.RaggedBatch;
import dev.llmedt.engine.Rng;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.engine.SasRecShape;
import dev.llmedt.engine.WorkerPool;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.Protocol;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains SASRec on a dataset's training sequences: next-item prediction at every position with
 * binary cross-entropy against one negative per position, drawn uniformly from the target item's
 * domain and not in the user's sequence; Adam; early stopping on validation NDCG@10 under full
 * ranking, keeping the best weights.
 *
 * <p>Each batch is split over a fixed pool of worker threads by sequence (balanced by real
 * positions; no padding is ever computed); their gradients are summed in worker order and the
 * update is split by parameter rows. A sequence's negatives and dropout masks come from its own
 * random stream, seeded by (seed, epoch, sequence), so one seed gives the same run for a given
 * thread count.
 */
public final class SasRecTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(SasRecTrainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PHASE = "sasrec";

    private final SasRecConfig config;
    private final TrainingListener listener;

    /** Creates a trainer. */
    public SasRecTrainer(SasRecConfig config, TrainingListener listener) {
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** The training sequences of one mode, with what negative sampling needs. */
    static final class Sequences {
        final int[][] items;
        final int[][] sortedUnique;
        final int[] domainOfItem;
        final List<Domain> domains;

        Sequences(CdsrDataset data, Domain only) {
            domains = data.domains();
            domainOfItem = new int[data.items().size()];
            for (Domain d : domains) {
                Arrays.fill(domainOfItem, d.firstItem(), d.endItem(), d.index());
            }
            List<int[]> kept = new ArrayList<>();
            int tooShort = 0;
            for (UserSequence s : data.train()) {
                History h = only == null ? s.items() : s.items().restrictTo(only);
                if (h.length() < 2) {
                    tooShort++;
                    continue;
                }
                kept.add(h.toArray());
            }
            if (tooShort > 0) {
                LOG.info("{} training sequences have fewer than 2 items{} and give no next-item target; {} remain", tooShort,
                        only == null ? "" : " in " + only.name(), kept.size());
            }
            if (kept.isEmpty()) {
                throw new IllegalArgumentException("no training sequence has 2 or more items" + (only == null ? "" : " in " + only.name()));
            }
            items = kept.toArray(new int[0][]);
            sortedUnique = new int[items.length][];
            for (int i = 0; i < items.length; i++) {
                sortedUnique[i] = Arrays.stream(items[i]).distinct().sorted().toArray();
            }
        }

        int rows(int s, int maxLength) {
            return Math.min(items[s].length - 1, maxLength);
        }
    }

    /**
     * Trains a model.
     *
     * @throws IllegalArgumentException when the configured domain is unknown or there is nothing to train on
     */
    public SasRecModel train(CdsrDataset data) {
        Domain only = config.domain() == null ? null : data.domain(config.domain());
        Sequences sequences = new Sequences(data, only);
        List<EvaluationCase> valid = validCases(data, only);
        SasRecShape shape = SasRecModel.shapeOf(config, data.domains());
        int firstTableItem = only == null ? 0 : only.firstItem();
        ParameterSet parameters = SasRecNetwork.createParameters(shape);
        SasRecNetwork.initialize(parameters, config.seed());
        ParameterSet best = SasRecNetwork.createParameters(shape);
        best.copyFrom(parameters);
        int threads = config.resolvedThreads();
        LOG.info("training SASRec ({}) on {}: {} sequences, {} valid cases, {} parameters, {} threads",
                only == null ? "mixed domains" : "domain " + only.name(), data.name(), sequences.items.length, valid.size(),
                parameters.size(), threads);
        List<EpochSummary> epochs = new ArrayList<>();
        int bestEpoch = 0;
        double bestNdcg = Double.NEGATIVE_INFINITY;
        String stopReason = "max epochs";
        SasRecModel current = new SasRecModel(config, data.domains(), parameters, JSON.createObjectNode());
        Evaluator validation = Evaluator.of(Protocol.full()).withThreads(threads);
        try (Steps steps = new Steps(shape, parameters, sequences, threads, firstTableItem)) {
            for (int epoch = 1; epoch <= config.maxEpochs(); epoch++) {
                long start = System.nanoTime();
                double loss = steps.epoch(epoch);
                steps.flushAll();
                double trainSeconds = (System.nanoTime() - start) / 1e9;
                long evalStart = System.nanoTime();
                current.parametersChanged();
                EvaluationReport report = validation.evaluate(current, data.items(), valid, "valid");
                double ndcg = report.overall().ndcg(10);
                boolean improved = ndcg > bestNdcg;
                if (improved) {
                    bestNdcg = ndcg;
                    bestEpoch = epoch;
                    best.copyFrom(parameters);
                }
                EpochSummary summary = new EpochSummary(PHASE, epoch, loss, ndcg, report.overall().hitRate(10), trainSeconds,
                        (System.nanoTime() - evalStart) / 1e9, sequences.items.length / trainSeconds, improved);
                epochs.add(summary);
                listener.epochFinished(summary);
                if (epoch - bestEpoch >= config.patience()) {
                    stopReason = "early stopping";
                    break;
                }
            }
        }
        parameters.copyFrom(best);
        TrainingSummary summary = new TrainingSummary(epochs, bestEpoch, bestNdcg, stopReason, sequences.items.length);
        listener.trainingFinished(PHASE, epochs.size(), bestEpoch, stopReason);
        return new SasRecModel(config, data.domains(), parameters, provenance(data, summary, threads));
    }

    static List<EvaluationCase> validCases(CdsrDataset data, Domain only) {
        List<EvaluationCase> cases = new ArrayList<>();
        for (EvaluationCase c : data.valid()) {
            if (only == null || only.contains(c.target())) {
                cases.add(c);
            }
        }
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("no validation case" + (only == null ? "" : " with a target in " + only.name())
                    + ": early stopping needs validation users");
        }
        return cases;
    }

    private ObjectNode provenance(CdsrDataset data, TrainingSummary summary, int threads) {
        ObjectNode p = JSON.createObjectNode();
        String version = SasRecTrainer.class.getPackage().getImplementationVersion();
        p.put("library", "llmedt " + (version == null ? "development build" : version));
        p.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        p.put("created", Instant.now().toString());
        p.put("dataset", data.name());
        p.put("dataset_fingerprint", data.fingerprint());
        p.put("seed", config.seed());
        p.put("threads", threads);
        ObjectNode t = p.putObject("training");
        t.put("epochs", summary.epochs().size());
        t.put("best_epoch", summary.bestEpoch());
        t.put("best_valid_ndcg10", summary.bestValidNdcg10());
        t.put("stop_reason", summary.stopReason());
        t.put("training_sequences", summary.trainingSequences());
        t.put("median_seconds_per_epoch", summary.medianSecondsPerEpoch());
        t.put("sequences_per_second", summary.sequencesPerSecond());
        t.set("epoch_summaries", JSON.valueToTree(summary.epochs()));
        return p;
    }

    /** The data-parallel step machinery: workers, their networks, gradients and batches, and Adam. */
    private final class Steps implements AutoCloseable {
        private final SasRecShape shape;
        private final ParameterSet parameters;
        private final Sequences sequences;
        private final WorkerPool pool;
        private final SasRecNetwork[] networks;
        private final Gradients[] grads;
        private final RaggedBatch[] batches;
        private final int[][] shardSequences;
        private final int[] shardCount;
        private final double[] shardLoss;
        private final Adam adam;
        private final List<Parameter> parameterList;
        private final WorkerPool.Task fillTask = this::fill;
        private final WorkerPool.Task catchUpTask = this::catchUp;
        private final WorkerPool.Task forwardBackwardTask = this::forwardBackward;
        private final WorkerPool.Task updateTask = this::reduceAndUpdate;
        private final WorkerPool.Task flushTask = this::flush;
        private final int itemIndex;
        private final int rowOffset;
        private final long[] phaseNanos = new long[5];
        private int[] order;
        private int epoch;
        private int totalTargets;

        Steps(SasRecShape shape, ParameterSet parameters, Sequences sequences, int threads, int firstTableItem) {
            this.rowOffset = 1 - firstTableItem;
            this.shape = shape;
            this.parameters = parameters;
            this.sequences = sequences;
            this.pool = new WorkerPool(threads);
            int capSequences = config.batchSize();
            int capRows = config.batchSize() * shape.maxLength();
            networks = new SasRecNetwork[threads];
            grads = new Gradients[threads];
            batches = new RaggedBatch[threads];
            shardSequences = new int[threads][capSequences];
            shardCount = new int[threads];
            shardLoss = new double[threads];
            for (int w = 0; w < threads; w++) {
                networks[w] = new SasRecNetwork(shape, parameters, capSequences, capRows);
                grads[w] = new Gradients(parameters);
                batches[w] = new RaggedBatch(capSequences, capRows);
            }
            adam = new Adam(parameters, config.learningRate(), config.beta1(), config.beta2(), config.adamEps(), config.weightDecay(),
                    false);
            parameterList = parameters.list();
            itemIndex = parameters.indexOf(parameters.get("item_emb.weight"));
        }

        /** Brings every parameter up to date (deferred Adam rows) before the weights are read as a whole. */
        void flushAll() {
            pool.run(flushTask);
        }

        private void flush(int w) {
            int rows = parameters.get("item_emb.weight").rows();
            adam.flush((int) pool.partStart(rows, w), (int) pool.partStart(rows, w + 1));
        }

        /** Runs one epoch; returns the mean batch loss. */
        double epoch(int epochNumber) {
            this.epoch = epochNumber;
            order = shuffled(sequences.items.length, Rng.seed(config.seed(), 1, epochNumber));
            int batchSize = config.batchSize();
            int batchCount = (order.length + batchSize - 1) / batchSize;
            double lossSum = 0;
            java.util.Arrays.fill(phaseNanos, 0);
            for (int b = 0; b < batchCount; b++) {
                int from = b * batchSize;
                int to = Math.min(order.length, from + batchSize);
                double loss = step(from, to);
                lossSum += loss;
                listener.batchFinished(PHASE, epochNumber, b + 1, batchCount, loss);
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("epoch {} phases (s): assign+fill {}, catch-up {}, forward+backward {}, reduce+update {}", epochNumber,
                        phaseNanos[0] / 1e9, phaseNanos[1] / 1e9, phaseNanos[2] / 1e9, phaseNanos[3] / 1e9);
            }
            return lossSum / batchCount;
        }

        private double step(int from, int to) {
            long t0 = System.nanoTime();
            assignShards(from, to);
            pool.run(fillTask);
            long t1 = System.nanoTime();
            pool.run(catchUpTask);
            long t2 = System.nanoTime();
            pool.run(forwardBackwardTask);
            long t3 = System.nanoTime();
            phaseNanos[0] += t1 - t0;
            phaseNanos[1] += t2 - t1;
            phaseNanos[2] += t3 - t2;
            double loss = 0;
            for (double l : shardLoss) {
                loss += l;
            }
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("training diverged: the loss is " + loss + " at epoch " + epoch
                        + "; lower the learning rate");
            }
            long t4 = System.nanoTime();
            adam.beginStep();
            pool.run(updateTask);
            adam.endStep();
            phaseNanos[3] += System.nanoTime() - t4;
            return loss;
        }

        /** Splits the batch's sequences into contiguous shards with nearly equal numbers of rows. */
        private void assignShards(int from, int to) {
            int total = 0;
            for (int i = from; i < to; i++) {
                total += sequences.rows(order[i], shape.maxLength());
            }
            totalTargets = total;
            int workers = pool.size();
            Arrays.fill(shardCount, 0);
            int w = 0;
            int cumulative = 0;
            for (int i = from; i < to; i++) {
                int s = order[i];
                while (w < workers - 1 && cumulative >= (long) total * (w + 1) / workers) {
                    w++;
                }
                shardSequences[w][shardCount[w]++] = s;
                cumulative += sequences.rows(s, shape.maxLength());
            }
        }

        /** Fills worker w's batch: inputs, positions, targets and sampled negatives. */
        private void fill(int w) {
            RaggedBatch batch = batches[w];
            batch.clear();
            int length = shape.maxLength();
            for (int k = 0; k < shardCount[w]; k++) {
                int s = shardSequences[w][k];
                int[] seq = sequences.items[s];
                int n = sequences.rows(s, length);
                int first = seq.length - 1 - n;
                int row = batch.beginSequence(n, Rng.seed(config.seed(), 2, epoch, s), s);
                for (int t = 0; t < n; t++) {
                    int target = seq[first + t + 1];
                    batch.input[row + t] = seq[first + t] + rowOffset;
                    batch.position[row + t] = length - n + t;
                    batch.positive[row + t] = target + rowOffset;
                    batch.negative[row + t] = negative(target, s, batch.streams, batch.sequences - 1) + rowOffset;
                }
            }
        }

        /**
         * Brings the item rows this step reads up to date with the deferred Adam steps; worker w
         * owns the rows congruent to w, so no row is replayed by two threads.
         */
        private void catchUp(int w) {
            int workers = pool.size();
            for (RaggedBatch batch : batches) {
                for (int r = 0; r < batch.rows; r++) {
                    catchUpOwned(batch.input[r], w, workers);
                    catchUpOwned(batch.positive[r], w, workers);
                    catchUpOwned(batch.negative[r], w, workers);
                }
            }
        }

        private void catchUpOwned(int row, int w, int workers) {
            if (row % workers == w) {
                adam.catchUp(itemIndex, row);
            }
        }

        private void forwardBackward(int w) {
            RaggedBatch batch = batches[w];
            shardLoss[w] = 0;
            if (batch.sequences == 0) {
                return;
            }
            networks[w].forward(batch, true);
            shardLoss[w] = networks[w].backward(totalTargets, grads[w]);
        }

        /** A uniform item of the target's domain that the user never interacted with. */
        private int negative(int target, int sequence, long[] streams, int stream) {
            Domain d = sequences.domains.get(sequences.domainOfItem[target]);
            int[] own = sequences.sortedUnique[sequence];
            for (int attempt = 0; attempt < 1000; attempt++) {
                int candidate = d.firstItem() + Rng.nextInt(streams, stream, d.size());
                if (Arrays.binarySearch(own, candidate) < 0) {
                    return candidate;
                }
            }
            return d.firstItem() + Rng.nextInt(streams, stream, d.size()); // the user holds nearly the whole domain
        }

        private void reduceAndUpdate(int w) {
            for (int i = 0; i < parameterList.size(); i++) {
                Parameter p = parameterList.get(i);
                if (p.frozen()) {
                    continue;
                }
                int rows = p.rows();
                int rowFrom = (int) pool.partStart(rows, w);
                int rowTo = (int) pool.partStart(rows, w + 1);
                if (rowFrom == rowTo) {
                    continue;
                }
                grads[0].accumulate(grads, i, rowFrom, rowTo);
                adam.update(i, grads[0], rowFrom, rowTo);
                for (Gradients g : grads) {
                    g.zero(i, rowFrom, rowTo);
                }
            }
        }

        @Override
        public void close() {
            pool.close();
        }
    }

    static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        long[] state = {seed};
        for (int i = n - 1; i > 0; i--) {
            int j = Rng.nextInt(state, 0, i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
