package dev.llmedt.dualphase;

import dev.llmedt.engine.TensorLayout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.EpochSummary;
import dev.llmedt.TrainingListener;
import dev.llmedt.augment.AugmentedData;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.engine.ItemTower;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.engine.SasRecShape;
import dev.llmedt.io.RecordJson;
import dev.llmedt.model.Provenance;
import dev.llmedt.text.ItemEmbeddings;
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
 * The LLM-EDT dual-phase trainer (METHOD sections 1, 3 and 4): item vectors from the frozen text
 * embeddings (optionally reduced by PCA) through a trainable item adapter, with or without a
 * learned ID vector; phase 1 on the (augmented) mixed sequences; phase 2 with per-domain
 * position tables and residual adapters, aligned with the training users' profile embeddings.
 * Items without text get a learned vector (one warning counts them).
 *
 * <p>One seed gives the same model, bit for bit, for any thread count.
 */
public final class LlmEdtTrainer implements DualPhaseTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(LlmEdtTrainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PHASE_ONE = "phase-1";

    private final DualPhaseConfig config;

    /** Creates a trainer with a configuration. */
    public LlmEdtTrainer(DualPhaseConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Returns the configuration. */
    public DualPhaseConfig config() {
        return config;
    }

    @Override
    public LlmEdtModel train(DualPhaseInput input, TrainingListener listener) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(listener, "listener");
        CdsrDataset data = input.data();
        ItemRepresentation representation = config.backbone().itemRepresentation();
        ItemEmbeddings embeddings = input.itemEmbeddings().orElse(null);
        if (representation.usesText() && embeddings == null) {
            throw new IllegalArgumentException("the " + representation.label() + " item representation needs item text embeddings "
                    + "(encode the items first), or use the id representation");
        }
        if (data.valid().isEmpty()) {
            throw new IllegalArgumentException(data.name() + " has no validation case: early stopping needs validation users");
        }
        List<EvaluationCase> valid = data.valid();
        int items = data.items().size();
        TextFeatures features = representation.usesText() ? TextFeatures.of(data.items(), embeddings, config.backbone().pcaDimension())
                : null;
        if (features != null && features.itemsWithoutText > 0) {
            LOG.warn("{} of {} items of {} have no text: they get a learned vector instead of their text embedding",
                    features.itemsWithoutText, items, data.name());
        }
        TrainingSequences sequences = new TrainingSequences(data, input.augmented().orElse(null));
        SasRecShape shape = DualPhaseModel.shapeOf(config, items);
        ItemRows rows = itemRows(representation, data.domains(), items, features, config.backbone());
        ParameterSet phaseOne = NextItemTraining.createParameters(shape, rows, ItemTower.ID_TABLE, config.backbone().outputProjection(), config.seed());
        Parameter itemTable = Parameter.table(SasRecNetwork.ITEMS, shape.tableRows(), shape.dim());
        JsonNode itemText = itemText(embeddings, features);

        NextItemTraining.View view = p -> {
            materialize(p, rows, shape, itemTable);
            return new DualPhaseModel(config, data.domains(), inferenceSet(itemTable, p), false, itemText, Provenance.fromJson(null));
        };
        LlmEdtModel reused = input.phaseOne().orElse(null);
        JsonNode firstProvenance;
        if (reused == null) {
            PretrainingConfig p = config.pretraining();
            NextItemTraining.Options options = new NextItemTraining.Options(PHASE_ONE, p.learningRate(), p.beta1(), p.beta2(),
                    p.adamEps(), p.weightDecay(), p.batchSize(), p.maxEpochs(), p.patience(), p.plateauPatience(), p.plateauFromEpoch(), config.seed(),
                    config.resolvedThreads(),
                    config.selectOnValidation(), config.backbone().idDropout());
            ObjectNode fingerprint = JSON.createObjectNode();
            ObjectNode phaseOneConfig = (ObjectNode) RunFingerprint.configuration(config.toJson());
            phaseOneConfig.remove("fineTuning"); // phase 2's settings do not change phase 1
            fingerprint.set("config", phaseOneConfig);
            fingerprint.put("data", data.fingerprint());
            NextItemTraining.Result first = new NextItemTraining(options, listener, fingerprint).train(sequences, rows, ItemTower.ID_TABLE, phaseOne,
                    shape, 1, data.items(), valid, view);
            firstProvenance = phaseOneProvenance(first);
        } else {
            String trainedWith = reused.itemText().path("model_id").asText(null);
            if (embeddings != null && trainedWith != null && !trainedWith.equals(embeddings.modelId())) {
                throw new IllegalArgumentException("the phase-1 model's items were embedded by '" + trainedWith + "', the item embeddings "
                        + "given by '" + embeddings.modelId() + "': use the encoder the model was trained with");
            }
            firstProvenance = reusePhaseOne(reused, phaseOne);
        }
        materialize(phaseOne, rows, shape, itemTable);

        ParameterSet model = inferenceSet(itemTable, phaseOne);
        for (Parameter p : model.list()) {
            p.setFrozen(true);
        }
        FineTuning.Result second = null;
        ProfileVectors profiles = input.profiles().orElse(null);
        boolean align = profiles != null && (config.fineTuning().alignmentWeight() > 0 || config.fineTuning().profileInScore());
        if (config.fineTuning().enabled() && config.fineTuning().profileInScore()
                && (profiles == null || input.profileSource().isEmpty())) {
            throw new IllegalArgumentException("profileInScore needs the training users' profiles and a profile source for the "
                    + "validation users");
        }
        if (config.fineTuning().enabled()) {
            FineTuning.addParameters(model, config, data.domains().size(), align ? profiles.dimension() : 0);
            DualPhaseModel fineView = new DualPhaseModel(config, data.domains(), model, true, itemText, Provenance.fromJson(null));
            TrainingSequences fineTuningSequences = config.fineTuning().augmentedSequences() || input.augmented().isEmpty() ? sequences
                    : new TrainingSequences(data, null);
            second = new FineTuning(config, listener).train(data, fineTuningSequences, model, shape, align ? profiles.rows() : null, valid,
                    fineView, input.profileSource().orElse(null));
        }
        for (Parameter p : phaseOne.list()) {
            if (!model.contains(p.name())) {
                model.add(p); // the item representation: kept to add items later and to inspect
            }
        }
        if (features != null && features.components != null) {
            Parameter mean = Parameter.vector(TensorLayout.PCA_MEAN, features.mean.length);
            mean.setFlat(features.mean);
            model.add(mean);
            Parameter components = Parameter.matrix(TensorLayout.PCA_COMPONENTS, features.components.length, features.mean.length);
            for (int k = 0; k < features.components.length; k++) {
                System.arraycopy(features.components[k], 0, components.value()[k], 0, features.mean.length);
            }
            model.add(components);
        }
        for (Parameter p : model.list()) {
            p.setFrozen(false);
        }
        ObjectNode provenance = provenance(input, firstProvenance, second, itemText, sequences);
        boolean[] used = second == null || second.selection() == null ? null : second.selection().used();
        return new DualPhaseModel(config, data.domains(), model, second != null, used, itemText, Provenance.fromJson(provenance));
    }

    /** The set a scoring view reads: the item table followed by phase 1's backbone parameters. */
    private static ParameterSet inferenceSet(Parameter itemTable, ParameterSet phaseOne) {
        ParameterSet set = new ParameterSet();
        set.add(itemTable);
        for (Parameter p : phaseOne.list()) {
            if (!p.name().equals(ItemTower.ID_TABLE) && !p.name().startsWith(ItemTower.ADAPTER)) {
                set.add(p);
            }
        }
        return set;
    }

    /** Computes every item's vector from the phase-1 item representation into the item table. */
    private static void materialize(ParameterSet phaseOne, ItemRows rows, SasRecShape shape, Parameter itemTable) {
        rows.tower(phaseOne, ItemTower.ID_TABLE, shape.dim(), 4096).materialize(itemTable.value());
    }

    /** Which rows use the text vector (llm, hybrid; items with text) and which the ID vector (id, hybrid, items without text). */
    static ItemRows itemRows(ItemRepresentation representation, List<Domain> domains, int items, TextFeatures features,
            BackboneConfig backbone) {
        boolean[] id = new boolean[items + 1];
        boolean[] text = new boolean[items + 1];
        for (int r = 1; r <= items; r++) {
            boolean hasText = features != null && features.hasText[r];
            text[r] = representation.usesText() && hasText;
            id[r] = representation != ItemRepresentation.LLM || !hasText;
        }
        if (!representation.usesText()) {
            return new ItemRows(id, text, null, 0, null, new String[] {ItemTower.ADAPTER});
        }
        int hidden = backbone.adapterHidden() > 0 ? backbone.adapterHidden() : Math.max(1, features.width / 2);
        if (!backbone.domainAdapters()) {
            return new ItemRows(id, text, features.rows, hidden, null, new String[] {ItemTower.ADAPTER});
        }
        int[] adapterOf = new int[items + 1];
        String[] prefixes = new String[domains.size()];
        for (Domain d : domains) {
            prefixes[d.index()] = TensorLayout.itemAdapter(d.index());
            java.util.Arrays.fill(adapterOf, d.firstItem() + 1, d.endItem() + 1, d.index());
        }
        return new ItemRows(id, text, features.rows, hidden, adapterOf, prefixes);
    }

    private static JsonNode itemText(ItemEmbeddings embeddings, TextFeatures features) {
        if (features == null) {
            return JSON.nullNode();
        }
        ObjectNode t = JSON.createObjectNode();
        t.put("model_id", embeddings.modelId());
        t.put("dimension", embeddings.dimension());
        t.put("template", embeddings.template());
        t.put("pca_dimension", features.components == null ? 0 : features.width);
        t.put("pca_explained_variance", features.explainedVariance);
        t.put("items_without_text", features.itemsWithoutText);
        return t;
    }

    /** Copies phase 1 of a trained model into the phase-1 parameters; returns its phase-1 provenance. */
    private JsonNode reusePhaseOne(LlmEdtModel model, ParameterSet phaseOne) {
        if (!model.config().backbone().equals(config.backbone())) {
            throw new IllegalArgumentException("the phase-1 model's backbone " + model.config().backbone() + " differs from this "
                    + "configuration's " + config.backbone());
        }
        java.util.Set<String> names = new java.util.HashSet<>(model.tensorNames());
        for (Parameter p : phaseOne.list()) {
            if (!names.contains(p.name())) {
                throw new IllegalArgumentException("the phase-1 model has no tensor " + p.name());
            }
            dev.llmedt.model.ModelFile.Tensor q = model.tensor(p.name());
            if (!java.util.Arrays.equals(p.shape(), q.shape())) {
                throw new IllegalArgumentException(p.name().startsWith(ItemTower.ADAPTER)
                        ? "the item features have width " + p.cols() + " but the phase-1 model's item adapter takes "
                                + q.shape()[q.shape().length - 1]
                                + ": the item embeddings (or their PCA) differ from the ones it was trained with"
                        : "the phase-1 model's " + p.name() + " has shape " + java.util.Arrays.toString(q.shape()) + ", not "
                                + java.util.Arrays.toString(p.shape()));
            }
            p.setFlat(q.data());
        }
        LOG.info("phase 1 reused from a trained model (best valid NDCG@10 {})",
                model.provenance().at("/training/phase_1/best_valid_ndcg10").asDouble());
        ObjectNode one = (ObjectNode) model.provenance().at("/training/phase_1");
        one.put("reused", true);
        return one;
    }

    private static ObjectNode phaseOneProvenance(NextItemTraining.Result first) {
        ObjectNode one = JSON.createObjectNode();
        phase(one, first.epochs(), first.bestEpoch(), first.bestValidNdcg10(), first.stopReason());
        one.put("training_sequences", first.trainingSequences());
        return one;
    }

    private ObjectNode provenance(DualPhaseInput input, JsonNode first, FineTuning.Result second, JsonNode itemText,
            TrainingSequences sequences) {
        CdsrDataset data = input.data();
        ObjectNode p = Provenance.start(data, config.seed(), config.resolvedThreads());
        p.set("config", config.toJson());
        p.set("item_text", itemText);
        AugmentedData augmented = input.augmented().orElse(null);
        if (augmented == null) {
            p.putNull("augmentation");
        } else {
            ObjectNode a = p.putObject("augmentation");
            a.set("settings", JSON.valueToTree(augmented.settings()));
            a.set("report", JSON.valueToTree(augmented.report().toMap()));
            a.put("inserted_items", sequences.insertedItems);
        }
        ProfileVectors profiles = input.profiles().orElse(null);
        if (profiles == null) {
            p.putNull("profiles");
        } else {
            ObjectNode pr = p.putObject("profiles");
            pr.put("encoder", profiles.encoderId());
            pr.put("dimension", profiles.dimension());
            pr.put("used", config.fineTuning().enabled() && config.fineTuning().alignmentWeight() > 0);
            pr.set("profiler", profiles.provenance());
        }
        ObjectNode training = p.putObject("training");
        training.set("phase_1", first);
        if (second == null) {
            training.putNull("phase_2");
        } else {
            ObjectNode two = training.putObject("phase_2");
            phase(two, second.epochs(), second.bestEpoch(), second.bestValidNdcg10(), second.stopReason());
            two.put("initial_valid_ndcg10", second.initialValidNdcg10());
            two.put("learning_rate_halvings", second.halvings());
            FineTuning.DomainSelection s = second.selection();
            if (s != null) {
                ObjectNode per = two.putObject("domain_selection");
                for (Domain d : data.domains()) {
                    per.putObject(d.name()).put("thread_used", s.used()[d.index()]).put("valid_ndcg10_with_thread", s.withThread()[d.index()])
                            .put("valid_ndcg10_phase_1_alone", s.phaseOne()[d.index()]);
                }
                two.put("selected_valid_ndcg10", s.validNdcg10());
            }
        }
        training.put("best_valid_ndcg10", second == null ? first.path("best_valid_ndcg10").asDouble()
                : second.selection() != null ? second.selection().validNdcg10() : second.bestValidNdcg10());
        return p;
    }

    private static void phase(ObjectNode node, List<EpochSummary> epochs, int bestEpoch, double bestNdcg, String stopReason) {
        node.put("epochs", epochs.size());
        node.put("best_epoch", bestEpoch);
        node.put("best_valid_ndcg10", bestNdcg);
        node.put("stop_reason", stopReason);
        List<Double> seconds = new ArrayList<>();
        for (EpochSummary e : epochs) {
            seconds.add(e.trainSeconds());
        }
        seconds.sort(null);
        node.put("median_seconds_per_epoch", seconds.isEmpty() ? 0 : seconds.get(seconds.size() / 2));
        node.set("epoch_summaries", RecordJson.write(epochs));
    }
}
