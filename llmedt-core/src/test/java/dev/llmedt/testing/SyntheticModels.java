package dev.llmedt.testing;

import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.Recommender;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.dualphase.BackboneConfig;
import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.dualphase.DualPhaseInput;
import dev.llmedt.dualphase.FineTuningConfig;
import dev.llmedt.dualphase.ItemRepresentation;
import dev.llmedt.dualphase.LlmEdtTrainer;
import dev.llmedt.dualphase.PretrainingConfig;
import dev.llmedt.dualphase.ProfileSource;
import dev.llmedt.dualphase.ProfileVectors;
import dev.llmedt.sasrec.SasRecConfig;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.sasrec.SasRecTrainer;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Small models trained once per test JVM on the synthetic dataset, for tests that need trained
 * models without the real data (conformance, export parity). Two blocks, two heads and a window of
 * {@value #WINDOW} against histories of up to 24 items exercise multi-head attention and the window.
 */
public final class SyntheticModels {

    /** The window of every model here. */
    public static final int WINDOW = 12;

    /** The dataset the models are trained on. */
    public static final CdsrDataset DATA = SyntheticDataset.generate(new SyntheticDataset.Options(5, 8, 150, 250, 150, 60));

    private static final Map<String, Object> MODELS = new HashMap<>();

    private SyntheticModels() {
    }

    /** A mixed-domain SASRec model. */
    public static SasRecModel sasrec() {
        return model("sasrec", () -> new SasRecTrainer(sasrecConfig(null), TrainingListener.none()).train(DATA));
    }

    /** A SASRec model of the Kitchen domain only. */
    public static SasRecModel sasrecKitchen() {
        return model("sasrec-kitchen", () -> new SasRecTrainer(sasrecConfig("Kitchen"), TrainingListener.none()).train(DATA));
    }

    /** A fine-tuned LLM-EDT model (hybrid items, domain threads with learned gates). */
    public static LlmEdtModel llmEdt() {
        return model("llm-edt", () -> trainLlmEdt(config(true, true)));
    }

    /** A fine-tuned LLM-EDT model without gates: the domain threads count in full. */
    public static LlmEdtModel llmEdtUngated() {
        return model("llm-edt-ungated", () -> trainLlmEdt(config(true, false)));
    }

    /** A fine-tuned LLM-EDT model (ungated) whose final states pass through an output projection. */
    public static LlmEdtModel llmEdtWithOutputProjection() {
        return model("llm-edt-output-projection", () -> {
            DualPhaseConfig c = config(true, false);
            return trainLlmEdt(c.withBackbone(c.backbone().toBuilder().outputProjection(true).build()));
        });
    }

    /**
     * A fine-tuned LLM-EDT model whose items are their text embeddings through one item adapter per
     * domain (the llm representation: no ID vectors for items with text).
     */
    public static LlmEdtModel llmEdtTextItems() {
        return model("llm-edt-text-items", () -> {
            DualPhaseConfig c = config(true, false);
            return trainLlmEdt(c.withBackbone(c.backbone().toBuilder().itemRepresentation(ItemRepresentation.LLM).domainAdapters(true)
                    .build()));
        });
    }

    /**
     * The gated fine-tuned model with the Food domain's thread dropped (as per-domain selection on
     * validation drops a thread that does not beat phase 1): Food is scored by phase 1 alone.
     */
    public static LlmEdtModel llmEdtWithoutFoodThread() {
        return model("llm-edt-without-food-thread", () -> {
            try {
                Path file = java.nio.file.Files.createTempFile("llmedt-synthetic", ".llmedt");
                try {
                    llmEdt().save(file);
                    dev.llmedt.model.ModelFile.Contents c = dev.llmedt.model.ModelFile.read(file);
                    com.fasterxml.jackson.databind.node.ObjectNode config = (com.fasterxml.jackson.databind.node.ObjectNode) c.config().deepCopy();
                    com.fasterxml.jackson.databind.node.ArrayNode used = config.putArray("domain_threads");
                    for (dev.llmedt.data.Domain d : DATA.domains()) {
                        used.add(!d.name().equals("Food"));
                    }
                    dev.llmedt.model.ModelFile.write(file, c.kind(), config, c.provenance(), List.copyOf(c.tensors().values()));
                    return LlmEdtModel.load(file);
                } finally {
                    java.nio.file.Files.deleteIfExists(file);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** The width of the synthetic profile vectors. */
    public static final int PROFILE_WIDTH = 12;

    /**
     * A profile source for the profile-in-score model: a Gaussian vector per history, seeded by its
     * last {@value #WINDOW} items (the items the model reads, so that the recommender contract's
     * window rule holds; equal windows get equal profiles whatever the batch), zero for the empty history.
     */
    public static ProfileSource profileSource() {
        return histories -> {
            float[][] out = new float[histories.size()][PROFILE_WIDTH];
            for (int i = 0; i < out.length; i++) {
                if (histories.get(i).length() == 0) {
                    continue;
                }
                int[] items = histories.get(i).toArray();
                int[] window = java.util.Arrays.copyOfRange(items, Math.max(0, items.length - WINDOW), items.length);
                java.util.SplittableRandom r = new java.util.SplittableRandom(java.util.Arrays.hashCode(window));
                for (int j = 0; j < PROFILE_WIDTH; j++) {
                    out[i][j] = (float) r.nextGaussian();
                }
            }
            return out;
        };
    }

    /**
     * A fine-tuned LLM-EDT model that adds the user's projected profile to the score, scoring
     * through {@link #profileSource()} ({@link LlmEdtModel#withProfiles}).
     */
    public static Recommender llmEdtProfileInScore() {
        return llmEdtProfileInScoreModel().withProfiles(profileSource());
    }

    /** The model of {@link #llmEdtProfileInScore()} itself (scoring without a profile source). */
    public static LlmEdtModel llmEdtProfileInScoreModel() {
        return model("llm-edt-profile-in-score", () -> {
            DualPhaseConfig c = config(true, true);
            c = c.withFineTuning(c.fineTuning().toBuilder().profileInScore(true).alignmentWeight(0.5).build());
            java.util.List<dev.llmedt.data.History> inputs = new java.util.ArrayList<>();
            DATA.train().forEach(u -> inputs.add(u.items()));
            ProfileVectors profiles = new ProfileVectors(profileSource().vectors(inputs), "synthetic-gaussian-12", Map.of());
            return new LlmEdtTrainer(c).train(DualPhaseInput.of(DATA).withItemEmbeddings(embeddings()).withProfiles(profiles)
                    .withProfileSource(profileSource()), TrainingListener.none());
        });
    }

    /** An LLM-EDT model of phase 1 only. */
    public static LlmEdtModel llmEdtPhaseOne() {
        return model("llm-edt-phase-1", () -> trainLlmEdt(config(false, false)));
    }

    @SuppressWarnings("unchecked")
    private static synchronized <T> T model(String name, Supplier<T> train) {
        Object m = MODELS.get(name);
        if (m == null) {
            m = train.get(); // may train another model first (the embeddings): no computeIfAbsent
            MODELS.put(name, m);
        }
        return (T) m;
    }

    private static SasRecConfig sasrecConfig(String domain) {
        return SasRecConfig.builder().dim(16).blocks(2).heads(2).maxLength(WINDOW).dropout(0.1).batchSize(64).maxEpochs(3).patience(3)
                .seed(7).threads(2).domain(domain).build();
    }

    private static DualPhaseConfig config(boolean fineTune, boolean gates) {
        BackboneConfig backbone = BackboneConfig.builder().dim(16).blocks(2).heads(2).maxLength(WINDOW).dropout(0.1)
                .itemRepresentation(ItemRepresentation.HYBRID).pcaDimension(16).build();
        PretrainingConfig one = PretrainingConfig.builder().batchSize(64).maxEpochs(3).patience(3).build();
        // A high learning rate moves the gates well away from 0 in a few epochs.
        FineTuningConfig two = FineTuningConfig.builder().enabled(fineTune).batchSize(64).maxEpochs(3).patience(3).learningRate(0.02)
                .adapterSize(8).profileAdapterHidden(16).domainGate(gates).build();
        return new DualPhaseConfig(backbone, one, two, 7, 2, false);
    }

    /** The item text embeddings of the synthetic catalogue (a hashing stand-in for a language model). */
    public static ItemEmbeddings embeddings() {
        return model("embeddings", () -> ItemEmbeddings.encode(DATA.items(), new HashingEncoder(48), ItemTextTemplate.titles(),
                ProgressListener.none()));
    }

    private static LlmEdtModel trainLlmEdt(DualPhaseConfig config) {
        return new LlmEdtTrainer(config).train(DualPhaseInput.of(DATA).withItemEmbeddings(embeddings()), TrainingListener.none());
    }
}
