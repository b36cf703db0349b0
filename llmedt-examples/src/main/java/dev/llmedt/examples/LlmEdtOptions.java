package dev.llmedt.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmedt.CheckpointConfig;
import dev.llmedt.dualphase.LlmEdt;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.TrainingListener;
import dev.llmedt.augment.BridgeScoring;
import dev.llmedt.augment.InsertionStrategy;
import dev.llmedt.augment.TransferableItemAugmenter;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.dualphase.FineTuningConfig;
import dev.llmedt.dualphase.ItemRepresentation;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.TextCache;
import dev.llmedt.text.TextEncoder;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** The options of {@code train --method llm-edt} and the run they describe. */
final class LlmEdtOptions {

    @Mixin
    EncoderOptions encoderOptions;

    /** This group's own options. */
    @Spec
    CommandSpec group;

    /** The command it is part of (for what was given on its command line). */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--embeddings", paramLabel = "FILE",
            description = "llm-edt: item embeddings written by 'encode' (FILE + FILE.json) instead of encoding the items here.")
    Path embeddingsFile;

    @Mixin
    GeneratorOptions generator;

    @Option(names = "--item-representation", paramLabel = "id|llm|hybrid",
            description = "llm-edt: item vectors from a learned table (id), the adapted text embedding (llm) or both (hybrid; default).")
    String itemRepresentation;

    @Option(names = "--pca", paramLabel = "N", description = "llm-edt: principal components of the text embeddings kept, 0 = all (default 128).")
    Integer pca;

    @Option(names = "--adapter-hidden", paramLabel = "N", description = "llm-edt: middle width of the item adapter, 0 = half its input (default 0).")
    Integer adapterHidden;

    @Option(names = "--id-dropout", paramLabel = "P",
            description = "llm-edt: in phase 1, the probability that an item with text trains a step on its text vector alone, "
                    + "without its learned ID vector, in [0, 1) (default 0.4; 0 turns it off).")
    Double idDropout;

    @Option(names = "--output-projection", arity = "1", paramLabel = "true|false",
            description = "llm-edt: map the final hidden state through a learned linear layer, started at the identity, before "
                    + "it scores items (default false).")
    Boolean outputProjection;

    @Option(names = "--phase-one", paramLabel = "FILE",
            description = "llm-edt: reuse phase 1 of this model (LLM-EDT, or SASRec for the id representation; trained on the same data, "
                    + "backbone and augmentation) and train phase 2 only.")
    Path phaseOne;

    @Option(names = "--domain-item-adapters", description = "llm-edt: one item adapter per domain instead of a shared one.")
    boolean domainItemAdapters;

    @Option(names = "--augmenter", description = "llm-edt: train on sequences augmented by the transferable item augmenter "
            + "(off by default: on food-kitchen it lowers validation NDCG@10; see the README).")
    boolean augmenterOn;

    @Option(names = "--no-augmenter", description = "llm-edt: train on the original sequences (the default).")
    boolean noAugmenter;

    @Option(names = "--no-fine-tuning", description = "llm-edt: phase 1 only.")
    boolean noFineTuning;

    @Option(names = "--profiles", description = "llm-edt: align the domain threads with the users' profiles in phase 2 (weight "
            + "--alignment-weight, default 0.5 as in the reference; off by default: it did not raise validation NDCG@10 on food-kitchen).")
    boolean profilesOn;

    @Option(names = "--no-profiles", description = "llm-edt: no profile alignment in phase 2 (the default).")
    boolean noProfiles;

    @Mixin
    AugmenterOptions augmenterOptions;

    @Option(names = "--fine-tuning-lr", paramLabel = "X", description = "llm-edt: phase-2 AdamW learning rate (default 1e-3).")
    Double fineTuningLr;

    @Option(names = "--fine-tuning-batch-size", paramLabel = "N", description = "llm-edt: users per phase-2 batch (default 128).")
    Integer fineTuningBatch;

    @Option(names = "--adapter-size", paramLabel = "N", description = "llm-edt: the domain adapters' bottleneck (default 32).")
    Integer adapterSize;

    @Option(names = "--alignment-weight", paramLabel = "X",
            description = "llm-edt: beta, the profile alignment weight (default 0: off; 0.5 with --profiles).")
    Double alignmentWeight;

    @Option(names = "--alignment-head", arity = "1", paramLabel = "true|false",
            description = "llm-edt: align a projection of the user vector with the profile, not the vector itself (default true).")
    Boolean alignmentHead;

    @Option(names = "--fine-tune-on-augmented", arity = "1", paramLabel = "true|false",
            description = "llm-edt: phase 2 trains on the augmented sequences too (default true); false: on the original ones.")
    Boolean fineTuneOnAugmented;

    @Option(names = "--profile-in-score", description = "llm-edt: add the user's projected profile to the score (scoring then needs "
            + "the user's profile: evaluate with --embeddings).")
    boolean profileInScore;

    @Option(names = "--domain-gate", arity = "1", paramLabel = "true|false",
            description = "llm-edt: scale each domain thread by a learned gate starting at 0 (default false: the reference's plain sum).")
    Boolean domainGate;

    @Option(names = "--select-per-domain", arity = "1", paramLabel = "true|false",
            description = "llm-edt: keep each domain's phase-2 thread only where it beats phase 1 alone on that domain's validation "
                    + "users (default false: a tie on validation).")
    Boolean selectPerDomain;

    @Option(names = "--freeze-domain-positions", arity = "1", paramLabel = "true|false",
            description = "llm-edt: keep each domain's phase-2 position table as phase 1's (the reference's behaviour; no gradient "
                    + "through the frozen blocks). Default true (a tie on validation at a fraction of the cost); false: the tables train.")
    Boolean freezeDomainPositions;

    @Option(names = "--eval-mode-backbone", arity = "1", paramLabel = "true|false",
            description = "llm-edt: run the frozen blocks without dropout in phase 2 (with --freeze-domain-positions true their "
                    + "outputs are computed once). Default true; false: with phase 1's dropout.")
    Boolean evalModeBackbone;

    /** The options of this group (and of its encoder options) given on the command line. */
    List<String> usedOptions() {
        ParseResult parsed = command.commandLine().getParseResult();
        List<String> used = new ArrayList<>();
        for (OptionSpec o : group.options()) {
            if (parsed != null && parsed.hasMatchedOption(o.longestName())) {
                used.add(o.longestName());
            }
        }
        return used;
    }

    /** Fails when an LLM-EDT option was given to another method. */
    void checkUnused() {
        List<String> used = usedOptions();
        if (!used.isEmpty()) {
            throw new IllegalArgumentException(used + " apply to --method llm-edt only");
        }
    }

    /** Builds the configuration the options describe over a base (backbone and phase 1 from the shared options). */
    DualPhaseConfig config(DualPhaseConfig base) {
        DualPhaseConfig c = base;
        var backbone = c.backbone().toBuilder();
        if (itemRepresentation != null) {
            backbone.itemRepresentation(ItemRepresentation.parse(itemRepresentation));
        }
        if (pca != null) {
            backbone.pcaDimension(pca);
        }
        if (outputProjection != null) {
            backbone.outputProjection(outputProjection);
        }
        if (idDropout != null) {
            backbone.idDropout(idDropout);
        }
        if (adapterHidden != null) {
            backbone.adapterHidden(adapterHidden);
        }
        if (domainItemAdapters) {
            backbone.domainAdapters(true);
        }
        FineTuningConfig.Builder f = c.fineTuning().toBuilder().enabled(!noFineTuning);
        if (noProfiles && (profilesOn || alignmentWeight != null || profileInScore)) {
            throw new IllegalArgumentException("--no-profiles contradicts --profiles, --alignment-weight and --profile-in-score");
        }
        if (alignmentWeight != null) {
            f.alignmentWeight(alignmentWeight);
        } else if (profilesOn) {
            f.alignmentWeight(FineTuningConfig.REFERENCE_ALIGNMENT_WEIGHT);
        }
        if (fineTuningLr != null) {
            f.learningRate(fineTuningLr);
        }
        if (fineTuningBatch != null) {
            f.batchSize(fineTuningBatch);
        }
        if (adapterSize != null) {
            f.adapterSize(adapterSize);
        }
        if (selectPerDomain != null) {
            f.selectPerDomain(selectPerDomain);
        }
        if (domainGate != null) {
            f.domainGate(domainGate);
        }
        if (freezeDomainPositions != null) {
            f.freezeDomainPositions(freezeDomainPositions);
        }
        if (evalModeBackbone != null) {
            f.evalModeBackbone(evalModeBackbone);
        }
        if (alignmentHead != null) {
            f.alignmentHead(alignmentHead);
        }
        if (fineTuneOnAugmented != null) {
            f.augmentedSequences(fineTuneOnAugmented);
        }
        f.profileInScore(profileInScore);
        return c.withBackbone(backbone.build()).withFineTuning(f.build());
    }

    /** The augmenter's settings from the options, or null when the augmenter is off. */
    Consumer<TransferableItemAugmenter.Builder> augmenter() {
        if (augmenterOn && noAugmenter) {
            throw new IllegalArgumentException("--augmenter and --no-augmenter contradict each other");
        }
        if (!augmenterOn) {
            List<String> given = augmenterOptions.given();
            if (!given.isEmpty()) {
                throw new IllegalArgumentException("the augmenter options " + given + " need --augmenter");
            }
            return null;
        }
        return augmenterOptions.settings();
    }

    /**
     * Runs {@code train --method llm-edt}.
     *
     * @return the exit status: 0, or {@link GeneratorLimits#EXIT_GENERATOR_FAILED} when the
     *     generator answered none of its prompts (the model is written all the same)
     */
    int train(PrintWriter stdout, DataOptions dataOptions, DualPhaseConfig base, Path out, OutputOptions output, boolean json,
            CheckpointConfig checkpoints) throws Exception {
        generator.check();
        DualPhaseConfig config = config(base);
        ItemTextTemplate template = encoderOptions.template();
        CdsrDataset data = dataOptions.read();
        TextCache cache = encoderOptions.openCache();
        ItemEmbeddings embeddings = null;
        if (embeddingsFile != null) {
            embeddings = ItemEmbeddings.read(embeddingsFile);
            if (!embeddings.template().equals(template.toString())) {
                throw new IllegalArgumentException(embeddingsFile + " was encoded with template '" + embeddings.template() + "', not '"
                        + template + "'");
            }
        }
        boolean profiles = config.fineTuning().enabled() && (config.fineTuning().profileInScore()
                || config.fineTuning().alignmentWeight() > 0);
        if (generator.given() && !augmenterOn && !profiles) {
            throw new IllegalArgumentException("--generator serves the augmenter and the profiler, and both are off (add --augmenter"
                    + " or profiles)");
        }
        boolean needEncoder = generator.given() || profiles || (embeddings == null && (config.backbone().itemRepresentation().usesText()
                || augmenterOn));
        if (cache == null && needEncoder) {
            cache = TextCache.open(EncoderOptions.defaultCacheDirectory());
        }
        try (TextEncoder model = needEncoder ? encoderOptions.open(null) : null;
                GeneratorLimits.Run chat = generator.open(cache)) {
            TextEncoder encoder = model == null || cache == null ? model : cache.cached(model);
            // The CLI is a thin layer over the library's front door.
            LlmEdt.Builder builder = LlmEdt.builder().config(config).itemTemplate(template)
                    .listener(TrainingListener.logging()).listener(progressBar()).progress(ConsoleProgress.create());
            Consumer<TransferableItemAugmenter.Builder> augmenterSettings = augmenter();
            if (augmenterSettings != null) {
                builder.augmenter(augmenterSettings);
            }
            if (profiles) {
                builder.profiler(p -> { });
            }
            if (chat != null) {
                builder.generator(chat);
            }
            if (checkpoints != null) {
                builder.checkpoints(checkpoints);
            }
            if (embeddings != null) {
                builder.itemEmbeddings(embeddings);
            }
            if (encoder != null) {
                builder.encoder(encoder);
            }
            if (phaseOne != null) {
                builder.phaseOne(LlmEdtModel.loadPhaseOne(phaseOne, config));
            }
            LlmEdt.Result result = builder.fitWithDetails(data);
            OutputOptions.writeOrKeep(out, TrainCommand.MODEL_FILE, file -> result.model().save(file, output.writeOptions()));
            report(stdout, data, result, out, json);
            if (chat != null && chat.producedNothing()) {
                command.commandLine().getErr().println(chat.failureSummary());
                return GeneratorLimits.EXIT_GENERATOR_FAILED;
            }
        }
        return 0;
    }

    private static TrainingListener progressBar() {
        return new TrainingListener() {
            private final ConsoleProgress bar = ConsoleProgress.create();

            @Override
            public void batchFinished(String phase, int epoch, int batch, int batches, double loss) {
                bar.progress(phase + " epoch " + epoch, batch, batches);
            }
        };
    }

    private static void report(PrintWriter stdout, CdsrDataset data, LlmEdt.Result result, Path out, boolean json) {
        LlmEdtModel model = result.model();
        JsonNode training = model.provenance().at("/training");
        if (json) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("method", "llm-edt");
            summary.put("dataset", data.name());
            summary.put("model", out.toString());
            summary.put("seed", model.config().seed());
            summary.put("threads", model.provenance().threads());
            summary.put("config", model.config().toJson());
            summary.put("item_text", model.itemText());
            if (result.augmented() == null) {
                summary.put("augmentation", null);
            } else {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("settings", result.augmented().settings());
                a.putAll(result.augmented().report().toMap());
                summary.put("augmentation", a);
            }
            summary.put("profiles", result.profiles() == null ? null : result.profiles().report().toMap());
            summary.put("seconds", result.seconds());
            summary.put("phase_1", phaseSummary(training.path("phase_1")));
            summary.put("phase_2", training.path("phase_2").isNull() ? null : phaseSummary(training.path("phase_2")));
            summary.put("best_valid_ndcg10", training.path("best_valid_ndcg10").asDouble());
            stdout.println(Json.write(summary));
            return;
        }
        JsonNode one = training.path("phase_1");
        stdout.printf(Locale.ROOT, "phase 1: %d epochs, best epoch %d (valid NDCG@10 %.4f), %.2f s per epoch%n", one.path("epochs").asInt(),
                one.path("best_epoch").asInt(), one.path("best_valid_ndcg10").asDouble(), one.path("median_seconds_per_epoch").asDouble());
        JsonNode two = training.path("phase_2");
        if (!two.isNull() && !two.isMissingNode()) {
            stdout.printf(Locale.ROOT, "phase 2: %d epochs, best epoch %d (valid NDCG@10 %.4f, from %.4f), %.2f s per epoch%n",
                    two.path("epochs").asInt(), two.path("best_epoch").asInt(), two.path("best_valid_ndcg10").asDouble(),
                    two.path("initial_valid_ndcg10").asDouble(), two.path("median_seconds_per_epoch").asDouble());
        }
        stdout.println("model written to " + out);
    }

    private static Map<String, Object> phaseSummary(JsonNode phase) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : List.of("epochs", "best_epoch", "best_valid_ndcg10", "initial_valid_ndcg10", "stop_reason",
                "median_seconds_per_epoch", "learning_rate_halvings")) {
            if (phase.has(key)) {
                m.put(key, phase.get(key));
            }
        }
        List<Map<String, Object>> curve = new ArrayList<>();
        for (JsonNode e : phase.path("epoch_summaries")) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", e.path("epoch").asInt());
            row.put("loss", e.path("loss").asDouble());
            row.put("valid_ndcg10", e.path("valid_ndcg10").asDouble());
            row.put("train_seconds", e.path("train_seconds").asDouble());
            curve.add(row);
        }
        m.put("curve", curve);
        return m;
    }
}
