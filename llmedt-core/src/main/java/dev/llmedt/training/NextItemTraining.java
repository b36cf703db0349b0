package dev.llmedt.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.EpochSummary;
import dev.llmedt.Recommender;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.engine.ItemTower;
import dev.llmedt.engine.Kernels;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.engine.SasRecShape;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.Protocol;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Next-item training of a SASRec network over an item representation: BCE (weighted by the target
 * weights of {@link TrainingSequences}, normalised by their sum) at every position whose
 * next item may be a target, one negative per target drawn from the target's domain and not in the
 * sequence; Adam; early stopping on validation NDCG@10 (full ranking), keeping the best weights
 * (the listeners {@link TrainingListener#earlyStopping} and {@link TrainingListener#bestWeights},
 * installed when the options select on validation). The epoch loop runs through a
 * {@link TrainingRun}, so listeners can stop it and checkpoint or resume it.
 * <b>Internal</b>: the SASRec trainer (ID vectors) and LLM-EDT's phase 1 (text and/or ID vectors,
 * possibly augmented sequences) are both this loop.
 *
 * <p>Per batch, item vectors are computed only for the table rows the batch touches (inputs,
 * positives, negatives): the distinct rows are gathered in ascending order, the item tower
 * computes their vectors (split over the workers by rows), the networks read and differentiate
 * that compact table, and its gradient flows back through the tower into the ID table and the item
 * adapter. Each batch is split into a fixed number of chunks of sequences ({@link BatchChunks},
 * balanced by rows; no padding is computed), decided by the batch alone; the workers of a fixed
 * pool take the chunks, each chunk has its own gradients, and they are summed in chunk order, split
 * by parameter rows (the tower's backward pass is split by the entries it sums, never by rows it
 * adds up). A sequence's negatives and dropout masks come from its own random stream, seeded by
 * (seed, epoch, sequence), so one seed gives the same weights, bit for bit, for any thread count.
 */
public final class NextItemTraining {

    private static final Logger LOG = LoggerFactory.getLogger(NextItemTraining.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The settings of a run.
     *
     * @param phase the label of the epochs it reports ({@code sasrec}, {@code phase-1})
     * @param plateauPatience epochs without a better validation NDCG@10 after which the learning rate is
     *     halved, 0 = never (only when selecting on validation)
     * @param plateauFromEpoch the first epoch whose end may halve it (a plateau counts the epochs from
     *     this one on), 0 or 1 = from the start
     * @param selectOnValidation false: train maxEpochs and keep the last weights
     * @param idDropout the probability that an item with both a text and an ID vector trains a step on
     *     its text vector alone ({@link ItemTower#dropIds}; 0: off)
     */
    public record Options(String phase, double learningRate, double beta1, double beta2, double adamEps, double weightDecay,
            int batchSize, int maxEpochs, int patience, int plateauPatience, int plateauFromEpoch, long seed, int threads,
            boolean selectOnValidation, double idDropout) {
    }

    /** What a run produced: the figures of its epochs (the parameters hold the selected weights). */
    public record Result(List<EpochSummary> epochs, int bestEpoch, double bestValidNdcg10, String stopReason, int trainingSequences) {

        /** Returns the median training seconds of an epoch. */
        public double medianSecondsPerEpoch() {
            double[] s = epochs.stream().mapToDouble(EpochSummary::trainSeconds).sorted().toArray();
            return s.length == 0 ? 0 : s[s.length / 2];
        }
    }

    /** Builds the recommender that validation scores from the parameters being trained (called after each epoch). */
    public interface View {
        Recommender model(ParameterSet parameters);
    }

    private final Options options;
    private final TrainingListener listener;
    private final ObjectNode fingerprint;

    /** Creates the loop; checkpoints of it are told apart by the options alone (prefer the constructor with the configuration). */
    public NextItemTraining(Options options, TrainingListener listener) {
        this(options, listener, JSON.createObjectNode().put("options", options.toString()));
    }

    /**
     * Creates the loop.
     *
     * @param listener told about the run after the selection listeners the options ask for
     *     ({@link TrainingListener#bestWeights} and {@link TrainingListener#earlyStopping} when
     *     selecting on validation)
     * @param fingerprint what identifies the run for checkpoints besides the seed, threads and
     *     inputs this loop adds (the caller's configuration and data fingerprint)
     */
    public NextItemTraining(Options options, TrainingListener listener, ObjectNode fingerprint) {
        this.options = options;
        this.listener = listener;
        this.fingerprint = fingerprint.deepCopy();
    }

    /**
     * Creates the parameters of a network over an item representation (the ID table first, then
     * the backbone, then the item adapter, so that the backbone starts the same for every
     * representation and the ID-only set is SASRec's) and initializes them as SASRec's.
     *
     * @param idTable the name of the ID table parameter
     */
    public static ParameterSet createParameters(SasRecShape shape, ItemRows rows, String idTable, long seed) {
        return createParameters(shape, rows, idTable, false, seed);
    }

    /**
     * Like {@link #createParameters(SasRecShape, ItemRows, String, long)}, with an output projection
     * after the backbone when {@code outputProjection} (started at the identity; it draws nothing, so
     * every other parameter starts as without it).
     */
    public static ParameterSet createParameters(SasRecShape shape, ItemRows rows, String idTable, boolean outputProjection, long seed) {
        ParameterSet p = new ParameterSet();
        if (rows.anyId()) {
            p.add(Parameter.table(idTable, shape.tableRows(), shape.dim()));
        }
        SasRecNetwork.addBackbone(p, shape);
        if (outputProjection) {
            SasRecNetwork.addOutputProjection(p, shape.dim());
        }
        if (rows.anyText()) {
            for (String prefix : rows.adapterPrefixes()) {
                ItemTower.addAdapter(p, prefix, rows.features()[rows.features().length - 1].length, rows.adapterHidden(), shape.dim());
            }
        }
        SasRecNetwork.initialize(p, seed);
        if (rows.anyId()) {
            Arrays.fill(p.get(idTable).value()[0], 0);
        }
        return p;
    }

    /**
     * Trains the parameters in place.
     *
     * @param rowOffset added to a global item id to give its item table row
     * @param valid the validation cases (early stopping)
     */
    public Result train(TrainingSequences sequences, ItemRows itemRows, String idTable, ParameterSet parameters, SasRecShape shape,
            int rowOffset, ItemCatalog catalog, List<EvaluationCase> valid, View view) {
        Evaluator validation = Evaluator.of(Protocol.full()).withThreads(options.threads());
        ObjectNode parts = fingerprint.deepCopy();
        parts.put("seed", options.seed());
        parts.put("training_sequences", RunFingerprint.of(sequences));
        parts.put("item_rows", RunFingerprint.of(itemRows));
        parts.put("validation_cases", RunFingerprint.ofCases(valid));
        TrainingListener selection = options.selectOnValidation()
                ? TrainingListener.bestWeights().andThen(TrainingListener.earlyStopping(options.patience())) : TrainingListener.none();
        if (options.selectOnValidation() && options.plateauPatience() > 0) {
            selection = selection.andThen(TrainingListener.learningRateHalving(options.plateauPatience(),
                    options.plateauFromEpoch()));
        }
        TrainingRun run = new TrainingRun(options.phase(), parameters, selection.andThen(listener), parts);
        run.start();
        if (!run.alreadyFinished()) {
            try (NextItemSteps steps = new NextItemSteps(options, shape, parameters, sequences, itemRows, idTable, rowOffset)) {
                LOG.info("{}: {} sequences with targets, {} valid cases, {} parameters, {} threads, {}", options.phase(),
                        steps.trainable.length, valid.size(), parameters.size(), options.threads(), Kernels.description());
                run.extra().put("training_sequences", steps.trainable.length);
                run.attach(steps.adam);
                for (int epoch = run.nextEpoch(); epoch <= options.maxEpochs() && !run.stopRequested(); epoch++) {
                    run.beginEpoch(epoch);
                    double loss = steps.epoch(epoch, run);
                    steps.flushAll();
                    double trainSeconds = run.epochSeconds();
                    long evalStart = System.nanoTime();
                    EvaluationReport report = validation.evaluate(view.model(parameters), catalog, valid, "valid");
                    run.epochFinished(loss, report.overall().ndcg(10), report.overall().hitRate(10), trainSeconds,
                            (System.nanoTime() - evalStart) / 1e9, steps.trainable.length / trainSeconds);
                }
            }
        }
        String stopReason = run.finish(options.selectOnValidation() ? "max epochs"
                : "max epochs, last weights kept (no selection on validation)");
        return new Result(run.epochs(), run.bestEpoch(), run.bestValidNdcg10(), stopReason, run.extra().path("training_sequences").asInt());
    }
}
