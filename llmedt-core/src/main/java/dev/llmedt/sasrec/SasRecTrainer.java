package dev.llmedt.sasrec;

import dev.llmedt.io.RecordJson;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.UserSequence;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.model.Provenance;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.engine.SasRecShape;
import dev.llmedt.training.ItemRows;
import dev.llmedt.training.NextItemTraining;
import dev.llmedt.training.RunFingerprint;
import dev.llmedt.training.TrainingSequences;
import java.util.ArrayList;
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
 * <p>The training loop is the one LLM-EDT's phase 1 runs, with learned ID vectors as the item
 * representation: each batch is split into chunks of sequences decided by the batch alone
 * (balanced by real positions; no padding is ever computed), which a fixed pool of worker threads
 * takes; the chunks' gradients are summed in chunk order and the update is split by parameter rows.
 * A sequence's negatives and dropout masks come from its own random stream, seeded by (seed, epoch,
 * sequence), so one seed gives the same model, bit for bit, for any thread count.
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

    /** The training sequences of one mode: mixed, or one domain's items only; sequences of fewer than 2 items dropped. */
    static TrainingSequences sequences(CdsrDataset data, Domain only) {
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
        return new TrainingSequences(kept, data.domains(), data.items().size());
    }

    /**
     * Trains a model.
     *
     * @throws IllegalArgumentException when the configured domain is unknown or there is nothing to train on
     */
    public SasRecModel train(CdsrDataset data) {
        Domain only = config.domain() == null ? null : data.domain(config.domain());
        TrainingSequences sequences = sequences(data, only);
        List<EvaluationCase> valid = validCases(data, only);
        SasRecShape shape = SasRecModel.shapeOf(config, data.domains());
        int firstTableItem = only == null ? 0 : only.firstItem();
        ItemRows rows = ItemRows.idOnly(shape.tableRows());
        ParameterSet parameters = NextItemTraining.createParameters(shape, rows, SasRecNetwork.ITEMS, config.seed());
        int threads = config.resolvedThreads();
        LOG.info("training SASRec ({}) on {}: {} sequences, {} valid cases, {} parameters, {} threads",
                only == null ? "mixed domains" : "domain " + only.name(), data.name(), sequences.size(), valid.size(),
                parameters.size(), threads);
        SasRecModel current = new SasRecModel(config, data.domains(), parameters, Provenance.fromJson(null));
        NextItemTraining.Options options = new NextItemTraining.Options(PHASE, config.learningRate(), config.beta1(), config.beta2(),
                config.adamEps(), config.weightDecay(), config.batchSize(), config.maxEpochs(), config.patience(),
                config.plateauPatience(), config.plateauFromEpoch(), config.seed(),
                threads, true, 0);
        ObjectNode fingerprint = JSON.createObjectNode();
        fingerprint.set("config", RunFingerprint.configuration(RecordJson.write(config)));
        fingerprint.put("data", data.fingerprint());
        NextItemTraining.Result result = new NextItemTraining(options, listener, fingerprint).train(sequences, rows, SasRecNetwork.ITEMS, parameters,
                shape, 1 - firstTableItem, data.items(), valid, p -> {
                    current.parametersChanged();
                    return current;
                });
        TrainingSummary summary = new TrainingSummary(result.epochs(), result.bestEpoch(), result.bestValidNdcg10(), result.stopReason(),
                sequences.size());
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

    private Provenance provenance(CdsrDataset data, TrainingSummary summary, int threads) {
        ObjectNode p = Provenance.start(data, config.seed(), threads);
        ObjectNode t = p.putObject("training");
        t.put("epochs", summary.epochs().size());
        t.put("best_epoch", summary.bestEpoch());
        t.put("best_valid_ndcg10", summary.bestValidNdcg10());
        t.put("stop_reason", summary.stopReason());
        t.put("training_sequences", summary.trainingSequences());
        t.put("median_seconds_per_epoch", summary.medianSecondsPerEpoch());
        t.put("sequences_per_second", summary.sequencesPerSecond());
        t.set("epoch_summaries", RecordJson.write(summary.epochs()));
        return Provenance.fromJson(p);
    }
}
