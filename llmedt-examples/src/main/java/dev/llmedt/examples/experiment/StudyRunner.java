package dev.llmedt.examples.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.llmedt.CheckpointConfig;
import dev.llmedt.dualphase.LlmEdt;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.Recommender;
import dev.llmedt.TrainingListener;
import dev.llmedt.augment.TransferableItemAugmenter;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.Holdout;
import dev.llmedt.data.Split;
import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.dualphase.FineTuningConfig;
import dev.llmedt.dualphase.PretrainingConfig;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.Protocol;
import dev.llmedt.examples.OutputOptions;
import dev.llmedt.examples.PerUserFile;
import dev.llmedt.io.AtomicFiles;
import dev.llmedt.onnx.OnnxTextEncoder;
import dev.llmedt.output.WriteOption;
import dev.llmedt.sasrec.SasRecConfig;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.sasrec.SasRecTrainer;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.TextCache;
import dev.llmedt.text.TextEncoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains and evaluates the runs of studies, each once: a run writes into {@code RUNS/<name>-s<seed>/}
 * its model, its per-user results on the validation and test users (full ranking) and, last,
 * {@code result.json}; a run whose {@code result.json} exists is read back instead of trained (after
 * checking that it was made with the same settings, seed, data and options), so a killed study
 * continues where it stopped. Within an unfinished run, training resumes from the checkpoints in its
 * folder. Runs that only change phase-2 settings train phase 2 on the phase 1 of another run.
 */
final class StudyRunner implements AutoCloseable {

    static final String MODEL_FILE = "model";
    static final String RESULT_FILE = "result.json";
    private static final String RUN_MODEL = "the run's model file";
    private static final String CHECKPOINTS = "checkpoints";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Logger LOG = LoggerFactory.getLogger(StudyRunner.class);

    private final CdsrDataset data;
    private final Path runs;
    private final RunOptions options;
    private final PrintWriter out;
    private final WriteOption[] writeOptions;
    private ItemEmbeddings embeddings;
    private final Map<Path, ItemEmbeddings> otherEmbeddings = new java.util.HashMap<>();
    private OnnxTextEncoder rawEncoder;
    private TextEncoder encoder;
    private TextCache cache;
    private int trained;
    private int reused;
    private final Map<String, Object> used = new LinkedHashMap<>();
    private final Map<Path, RunResult> loaded = new java.util.HashMap<>();
    private final StudyRunner parent;
    private final Map<Holdout, StudyRunner> children = new java.util.EnumMap<>(Holdout.class);

    StudyRunner(CdsrDataset data, Path runs, RunOptions options, PrintWriter out, WriteOption... writeOptions) {
        this(null, data, runs, options, out, writeOptions);
    }

    private StudyRunner(StudyRunner parent, CdsrDataset data, Path runs, RunOptions options, PrintWriter out, WriteOption... writeOptions) {
        this.parent = parent;
        this.data = data;
        this.runs = runs;
        this.options = options;
        this.out = out;
        this.writeOptions = writeOptions.clone();
    }

    CdsrDataset data() {
        return data;
    }

    RunOptions options() {
        return options;
    }

    /** Runs trained by this runner and those of its other holdouts. */
    int trained() {
        return trained + children.values().stream().mapToInt(StudyRunner::trained).sum();
    }

    /** Runs read back from their folders, by this runner and those of its other holdouts. */
    int reused() {
        return reused + children.values().stream().mapToInt(StudyRunner::reused).sum();
    }

    /**
     * The runner of the same data under another holdout: {@link Holdout#PUBLISHED} is this runner;
     * another holdout's runs go into {@code RUNS/<holdout>/} and share this runner's embeddings and encoder.
     */
    StudyRunner withHoldout(Holdout holdout) {
        if (parent != null) {
            return parent.withHoldout(holdout);
        }
        if (holdout == Holdout.PUBLISHED) {
            return this;
        }
        return children.computeIfAbsent(holdout, h -> new StudyRunner(this, h.apply(data), runs.resolve(h.label()), options, out,
                writeOptions));
    }

    /** The runs used so far, by folder name: settings, whether trained now or reused, seconds it took to train and evaluate. */
    Map<String, Object> used() {
        return used;
    }

    /** Returns the run's results, training and evaluating it first unless its folder holds them. */
    RunResult run(RunSpec spec, long seed) throws IOException {
        Path dir = runs.resolve(spec.name() + "-s" + seed);
        RunResult known = loaded.get(dir);
        if (known != null) { // used again by this study (say, as the phase 1 of several runs)
            if (!known.spec().equals(spec)) {
                throw new IllegalStateException("two settings use the run name " + spec.name() + ": " + known.spec().describe() + " and "
                        + spec.describe());
            }
            return known;
        }
        Path result = dir.resolve(RESULT_FILE);
        // Written and read back, so that it compares equal to the copy read from a result.json (number types).
        JsonNode identity = JSON.readTree(JSON.writeValueAsBytes(RunIdentity.of(spec, seed, data, options,
                spec.sasrec() ? null : config(spec, seed))));
        if (Files.isRegularFile(result)) {
            JsonNode stored = JSON.readTree(result.toFile());
            JsonNode recorded = RunIdentity.recognise(identity, stored.path("identity"), data, dir);
            if (!identity.equals(recorded)) {
                throw new IllegalStateException(dir + " holds a run with other settings (" + stored.path("identity") + ") than " + identity
                        + "; delete that folder or choose another --runs folder");
            }
            ((com.fasterxml.jackson.databind.node.ObjectNode) stored).set("identity", recorded);
            reused++;
            record(spec, seed, dir, stored, false);
            out.printf(Locale.ROOT, "run %s-s%d: done before, reused%n", spec.name(), seed);
            out.flush();
            return load(spec, seed, dir, stored);
        }
        RunResult first = spec.phaseOne() == null ? null : run(spec.phaseOne(), seed);
        Files.createDirectories(dir);
        out.printf(Locale.ROOT, "run %s-s%d: training%n", spec.name(), seed);
        out.flush();
        long start = System.nanoTime();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("identity", identity);
        Recommender model = spec.sasrec() ? trainSasRec(dir, spec, seed, summary) : trainLlmEdt(dir, spec, seed, first, summary);
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Evaluator evaluator = Evaluator.of(Protocol.full());
        if (options.threads() > 0) {
            evaluator = evaluator.withThreads(options.threads());
        }
        for (Split split : Split.values()) {
            List<EvaluationCase> cases = data.cases(split);
            EvaluationReport report = evaluator.evaluate(model, data.items(), cases, split.label());
            PerUserFile.write(dir.resolve(split.label() + ".tsv"), data, cases, report, writeOptions);
            summary.put(split.label(), report.toMap());
        }
        summary.put("train_seconds", trainSeconds);
        summary.put("seconds", (System.nanoTime() - start) / 1e9);
        AtomicFiles.write(result, JSON.writeValueAsBytes(summary), writeOptions);
        deleteTree(dir.resolve(CHECKPOINTS));
        trained++;
        JsonNode stored = JSON.readTree(result.toFile());
        record(spec, seed, dir, stored, true);
        out.printf(Locale.ROOT, "run %s-s%d: trained in %.0f s, valid NDCG@10 %.4f, test NDCG@10 %.4f%n", spec.name(), seed,
                stored.path("seconds").asDouble(), stored.at("/valid/all/NDCG@10").asDouble(), stored.at("/test/all/NDCG@10").asDouble());
        out.flush();
        return load(spec, seed, dir, stored);
    }

    private void record(RunSpec spec, long seed, Path dir, JsonNode stored, boolean trainedNow) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("settings", spec.describe());
        m.put("seed", seed);
        m.put("folder", dir.toString());
        m.put("trained_now", trainedNow);
        m.put("seconds", stored.path("seconds").asDouble());
        StudyRunner root = parent == null ? this : parent;
        root.used.put(parent == null ? dir.getFileName().toString() : runs.getFileName() + "/" + dir.getFileName(), m);
    }

    private RunResult load(RunSpec spec, long seed, Path dir, JsonNode stored) throws IOException {
        RunResult r = new RunResult(spec, seed, dir, stored, PerUserFile.read(dir.resolve("valid.tsv")),
                PerUserFile.read(dir.resolve("test.tsv")));
        loaded.put(dir, r);
        return r;
    }

    private SasRecModel trainSasRec(Path dir, RunSpec spec, long seed, Map<String, Object> summary) throws IOException {
        SasRecConfig.Builder c = SasRecConfig.builder().seed(seed).threads(options.threads());
        if (!spec.flags().isEmpty()) {
            spec.parsedFlags().applyTo(c); // the row's schedule; the shared options below win over it, as for LLM-EDT
        }
        if (options.dim() != null) {
            c.dim(options.dim());
        }
        if (options.maxEpochs() != null) {
            c.maxEpochs(options.maxEpochs()[0]);
        }
        if (options.patience() != null) {
            c.patience(options.patience()[0]);
        }
        TrainingListener listener = TrainingListener.logging().andThen(TrainingListener.checkpointing(CheckpointConfig.in(
                dir.resolve(CHECKPOINTS))));
        SasRecModel model = new SasRecTrainer(c.build(), listener).train(data);
        OutputOptions.writeOrKeep(dir.resolve(MODEL_FILE), RUN_MODEL, file -> model.save(file, writeOptions));
        JsonNode training = model.provenance().at("/training");
        Map<String, Object> t = new LinkedHashMap<>();
        for (String key : List.of("epochs", "best_epoch", "best_valid_ndcg10", "stop_reason", "median_seconds_per_epoch")) {
            t.put(key, training.path(key));
        }
        summary.put("training", t);
        return model;
    }

    private LlmEdtModel trainLlmEdt(Path dir, RunSpec spec, long seed, RunResult first, Map<String, Object> summary) throws IOException {
        DualPhaseConfig config = config(spec, seed);
        LlmEdt.Builder b = LlmEdt.builder().config(config).itemTemplate(ItemTextTemplate.titles()).listener(TrainingListener.logging())
                .checkpoints(CheckpointConfig.in(dir.resolve(CHECKPOINTS)))
                .itemEmbeddings(spec.embeddings() == null ? embeddings() : embeddings(spec.embeddings()));
        RunSpec.AugmenterSettings a = spec.augmenter();
        java.util.function.Consumer<TransferableItemAugmenter.Builder> fromFlags = spec.flags().isEmpty() ? null
                : spec.parsedFlags().augmenter();
        if (a != null && fromFlags != null) {
            throw new IllegalArgumentException("run " + spec.name() + ": augmenter settings given twice (study settings and flags "
                    + spec.flags() + ")");
        }
        if (fromFlags != null) {
            b.augmenter(fromFlags);
        }
        if (a != null) {
            b.augmenter((TransferableItemAugmenter.Builder x) -> {
                if (a.insertion() != null) {
                    x.insertion(a.insertion());
                }
                if (a.tau() != null) {
                    x.similarityThreshold(a.tau());
                }
                if (a.clusters() != null) {
                    x.clusters(a.clusters());
                }
            });
        }
        if (profiles(config)) {
            b.profiler(p -> { }).encoder(encoder());
        }
        if (first != null) {
            b.phaseOne(LlmEdtModel.loadPhaseOne(first.model(), config));
        }
        LlmEdt.Result r = b.fitWithDetails(data);
        OutputOptions.writeOrKeep(dir.resolve(MODEL_FILE), RUN_MODEL, file -> r.model().save(file, writeOptions));
        JsonNode training = r.model().provenance().at("/training");
        summary.put("config", r.model().config().toJson());
        summary.put("phase_1", phase(training.path("phase_1")));
        summary.put("phase_2", training.path("phase_2").isObject() ? phase(training.path("phase_2")) : null);
        summary.put("augmentation", r.augmented() == null ? null : r.augmented().report().toMap());
        summary.put("profiles", r.profiles() == null ? null : r.profiles().report().toMap());
        summary.put("stage_seconds", r.seconds());
        return r.model();
    }

    /** Whether the configuration trains with (or scores by) the users' profiles. */
    static boolean profiles(DualPhaseConfig config) {
        return config.fineTuning().enabled() && (config.fineTuning().profileInScore() || config.fineTuning().alignmentWeight() > 0);
    }

    private static Map<String, Object> phase(JsonNode phase) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : List.of("epochs", "best_epoch", "best_valid_ndcg10", "initial_valid_ndcg10", "stop_reason",
                "median_seconds_per_epoch", "reused")) {
            if (phase.has(key)) {
                m.put(key, phase.get(key));
            }
        }
        return m;
    }

    /**
     * The LLM-EDT configuration of a run: the defaults, the run's flags, the shared options (which
     * win over a row's schedule flags, so that a quick study caps every run), then the run's phase-2 settings.
     */
    DualPhaseConfig config(RunSpec spec, long seed) {
        DualPhaseConfig c = DualPhaseConfig.defaults().withSeed(seed).withThreads(options.threads());
        if (!spec.flags().isEmpty()) {
            c = spec.parsedFlags().config(c);
        }
        if (options.dim() != null) {
            c = c.withBackbone(c.backbone().toBuilder().dim(options.dim()).build());
        }
        PretrainingConfig.Builder p = c.pretraining().toBuilder();
        FineTuningConfig.Builder f = c.fineTuning().toBuilder();
        if (options.maxEpochs() != null) {
            p.maxEpochs(options.maxEpochs()[0]);
            f.maxEpochs(options.maxEpochs()[options.maxEpochs().length - 1]);
        }
        if (options.patience() != null) {
            p.patience(options.patience()[0]);
            f.patience(options.patience()[options.patience().length - 1]);
        }
        Object adapter = spec.fineTuning().get("adapter_size");
        if (adapter != null) {
            f.adapterSize((Integer) adapter);
        }
        Object beta = spec.fineTuning().get("alignment_weight");
        if (beta != null) {
            f.alignmentWeight((Double) beta);
        }
        return c.withPretraining(p.build()).withFineTuning(f.build());
    }

    /** The item embeddings: the --embeddings file, or the items encoded by the embedded encoder (cached). */
    ItemEmbeddings embeddings() throws IOException {
        if (parent != null) {
            return parent.embeddings();
        }
        if (embeddings == null) {
            if (options.embeddings() != null) {
                embeddings = ItemEmbeddings.read(options.embeddings());
                try {
                    embeddings.requireCatalog(data.items(), data.name());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(options.embeddings() + ": " + e.getMessage(), e);
                }
            } else {
                LOG.info("no --embeddings: encoding the {} items with the embedded encoder (cached in {})", data.items().size(),
                        options.cache());
                embeddings = ItemEmbeddings.encode(data.items(), encoder(), ItemTextTemplate.titles(), ProgressListener.none());
            }
        }
        return embeddings;
    }

    /** Item embeddings of a run's own (read once per study, checked against the catalogue). */
    ItemEmbeddings embeddings(Path file) throws IOException {
        if (parent != null) {
            return parent.embeddings(file);
        }
        ItemEmbeddings e = otherEmbeddings.get(file);
        if (e == null) {
            e = ItemEmbeddings.read(file);
            try {
                e.requireCatalog(data.items(), data.name());
            } catch (IllegalArgumentException x) {
                throw new IllegalArgumentException(file + ": " + x.getMessage(), x);
            }
            otherEmbeddings.put(file, e);
        }
        return e;
    }

    /** The embedded all-MiniLM-L6-v2 behind the study's text cache (opened once). */
    TextEncoder encoder() throws IOException {
        if (parent != null) {
            return parent.encoder();
        }
        if (encoder == null) {
            cache = TextCache.open(options.cache());
            rawEncoder = OnnxTextEncoder.embeddedDefault();
            encoder = cache.cached(rawEncoder);
        }
        return encoder;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Override
    public void close() {
        if (rawEncoder != null) {
            rawEncoder.close();
        }
    }
}
