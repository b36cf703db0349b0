package dev.llmedt.examples;

import dev.llmedt.dualphase.LlmEdt;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.TrainingListener;
import dev.llmedt.augment.AugmentedData;
import dev.llmedt.augment.TransferableItemAugmenter;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.DatasetStatistics;
import dev.llmedt.data.Split;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.data.UserSequence;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.GroupMetrics;
import dev.llmedt.eval.MostPopularRecommender;
import dev.llmedt.eval.Protocol;
import dev.llmedt.examples.report.ReportPage;
import dev.llmedt.io.AtomicFiles;
import dev.llmedt.onnx.OnnxTextEncoder;
import dev.llmedt.profile.DomainAwareProfiler;
import dev.llmedt.profile.UserProfiles;
import dev.llmedt.sasrec.SasRecConfig;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.sasrec.SasRecTrainer;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.TextCache;
import dev.llmedt.text.TextEncoder;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code llmedt quickstart}: LLM-EDT next to SASRec on the themed synthetic dataset (or {@code
 * --data DIR}): encode item titles with the embedded encoder (cached), augment, train both, evaluate
 * both under full ranking on the test users, print them side by side and write an HTML report
 * ({@code index.html} with PNG charts) and {@code results.json} into {@code --out}.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Run LLM-EDT and SASRec end to end on a generated themed dataset (or --data DIR): encode item titles with "
                + "the embedded encoder, augment, train both with early stopping, evaluate both under full ranking on the test "
                + "users, print them side by side and write an HTML report and results.json to --out.")
final class QuickstartCommand implements Callable<Integer> {

    /** The augmenter's settings in the quickstart (with --augmenter, and for the report's bridges). */
    static final double SYNTHETIC_TAU = 0.5;
    static final int SYNTHETIC_CLUSTERS = 16;
    /** The profiler's settings in the quickstart: few interests per user, short texts (cheap to embed). */
    static final int SYNTHETIC_PROFILE_CLUSTERS = 4;
    static final int SYNTHETIC_PROFILE_CHARS = 160;
    private static final String RESULTS = "results.json";

    @Option(names = "--data", paramLabel = "DIR", description = "A dataset directory instead of the synthetic data.")
    Path data;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the synthetic data and of training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", defaultValue = "default", paramLabel = "default|small",
            description = "Size of the synthetic data: default (528 items, 1840 training users) or small (a tenth of the users and "
                    + "fewer items, for a look in seconds; too small to compare the models). Default: ${DEFAULT-VALUE}.")
    String size;

    // LLM-EDT's phase 1 takes SASRec's schedule here (a constant rate within the same cap): the library's default halving from
    // epoch 25 is for up to 60 epochs, and within 40 it slows a model still improving (synthetic valid NDCG@10 0.3346
    // against 0.3405 at a constant rate, seed 42).
    @Option(names = "--max-epochs", paramLabel = "N[,N2]", defaultValue = "40,10",
            description = "Most epochs of SASRec and LLM-EDT phase 1 (N) and of phase 2 (N2, default N), both phase 1s at a constant "
                    + "learning rate (SASRec's reference schedule); early stopping on valid NDCG@10 usually ends sooner (default: "
                    + "${DEFAULT-VALUE}).")
    String maxEpochs;

    @Option(names = "--batch-size", defaultValue = "64",
            description = "Training sequences per batch of SASRec and of both LLM-EDT phases (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--split", defaultValue = "test", description = "Users to evaluate: test, or valid to choose settings "
            + "(default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--augmenter", description = "Train LLM-EDT with bridge items for imbalanced users (default: off, as for real "
            + "data; on the synthetic validation users it did not help overall). The report shows the bridges either way.")
    boolean augmenter;

    @Option(names = "--profiles", description = "Train LLM-EDT with domain-aware user profiles aligned in phase 2 (default: off, as "
            + "for real data; on the synthetic validation users it did not help). The report shows the profiles either way.")
    boolean profiles;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "llmedt-report",
            description = "Where the report (index.html, PNG charts) and results.json go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    OutputOptions output;

    @Option(names = "--cache", paramLabel = "DIR", description = "Embedding cache (default: $XDG_CACHE_HOME/llmedt or ~/.cache/llmedt).")
    Path cache;

    @Option(names = "--threads", description = "Worker threads (default: all processors).")
    Integer threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        int[] given = PerPhase.parse("--max-epochs", maxEpochs);
        int[] epochs = {given[0], given[given.length - 1]};
        if (threads != null && (threads < 1 || threads > 256)) {
            throw new IllegalArgumentException("--threads must be in [1, 256], got " + threads);
        }
        Split evaluated = Split.parse(split);
        output.checkDirectory(out, "the report directory (--out)");
        output.checkFile(out.resolve(RESULTS), "the results file");
        output.checkFile(out.resolve(ReportPage.INDEX_FILE), "the report page");
        long start = System.nanoTime();
        boolean synthetic = data == null;
        CdsrDataset dataset;
        if (synthetic) {
            dataset = SyntheticDataset.themed(switch (size) {
                case "default" -> SyntheticDataset.ThemedOptions.defaults(seed);
                case "small" -> new SyntheticDataset.ThemedOptions(seed, 12, 8, 90, 12, 70, 12, 60);
                default -> throw new IllegalArgumentException("--size must be default or small, got '" + size + "'");
            });
            stdout.println("Using the themed synthetic dataset (seed " + seed + "): Food and Kitchen items of eight themes, Kitchen "
                    + "sparse; pass --data DIR for real data.");
        } else {
            DataOptions options = new DataOptions();
            options.data = data;
            dataset = options.read();
        }
        boolean augment = augmenter;
        boolean profile = profiles;
        stdout.println();
        StatsCommand.print(stdout, dataset, DatasetStatistics.of(dataset));
        stdout.flush();

        ConsoleProgress progress = ConsoleProgress.create();
        Path cacheDir = cache != null ? cache : EncoderOptions.defaultCacheDirectory();
        TextCache textCache = TextCache.open(cacheDir);
        Map<String, Double> seconds = new LinkedHashMap<>();
        QuickstartReport.Run run;
        try (OnnxTextEncoder onnx = OnnxTextEncoder.embeddedDefault()) {
            TextEncoder encoder = textCache.cached(onnx);
            long t = System.nanoTime();
            ItemEmbeddings embeddings = ItemEmbeddings.encode(dataset.items(), encoder, ItemTextTemplate.titles(), progress);
            seconds.put("encode", (System.nanoTime() - t) / 1e9);
            TextCache.Statistics cs = textCache.statistics();
            stdout.printf(Locale.ROOT, "%nEncoded %d item titles with %s (%d-d) in %.1f s; cache %s: %d hits, %d misses%n",
                    embeddings.rows(), encoder.modelId(), embeddings.dimension(), seconds.get("encode"), cacheDir, cs.hits(), cs.misses());

            stdout.printf("%nTraining SASRec (reference settings, at most %d epochs, early stopping on valid NDCG@10)...%n", epochs[0]);
            stdout.flush();
            TrainingCurves sasrecCurves = new TrainingCurves("SASRec", progress);
            SasRecConfig.Builder sb = SasRecConfig.builder().maxEpochs(epochs[0]).batchSize(batchSize).seed(seed);
            if (threads != null) {
                sb.threads(threads);
            }
            t = System.nanoTime();
            SasRecConfig sasrecConfig = sb.build();
            SasRecModel sasrec = new SasRecTrainer(sasrecConfig, TrainingListener.logging().andThen(sasrecCurves)).train(dataset);
            seconds.put("sasrec_train", (System.nanoTime() - t) / 1e9);

            stdout.printf("%nTraining LLM-EDT (hybrid items%s%s, at most %d + %d epochs)...%n", augment ? ", augmenter" : "",
                    profile ? ", profiles" : "", epochs[0], epochs[1]);
            stdout.flush();
            TrainingCurves llmEdtCurves = new TrainingCurves("LLM-EDT", progress);
            LlmEdt.Builder b = LlmEdt.builder().itemEmbeddings(embeddings).encoder(encoder).seed(seed)
                    .pretraining(p -> p.maxEpochs(epochs[0]).batchSize(batchSize).plateauPatience(sasrecConfig.plateauPatience())
                            .plateauFromEpoch(sasrecConfig.plateauFromEpoch()))
                    .fineTuning(f -> f.maxEpochs(epochs[1]).batchSize(batchSize))
                    .listener(TrainingListener.logging()).listener(llmEdtCurves).progress(progress);
            Consumer<TransferableItemAugmenter.Builder> augmenterSettings = a -> a.similarityThreshold(SYNTHETIC_TAU)
                    .clusters(Math.max(1, Math.min(SYNTHETIC_CLUSTERS, dataset.items().size() / 4)));
            Consumer<DomainAwareProfiler.Builder> profilerSettings = p -> p.clusters(SYNTHETIC_PROFILE_CLUSTERS)
                    .maxProfileChars(SYNTHETIC_PROFILE_CHARS);
            if (augment) {
                b.augmenter(augmenterSettings);
            }
            if (profile) {
                b.profiler(profilerSettings);
            }
            if (threads != null) {
                b.threads(threads);
            }
            t = System.nanoTime();
            LlmEdt.Result llmEdt = b.fitWithDetails(dataset);
            seconds.put("llm_edt_fit", (System.nanoTime() - t) / 1e9);

            Evaluator evaluator = Evaluator.of(Protocol.full()).withProgress(progress);
            if (threads != null) {
                evaluator = evaluator.withThreads(threads);
            }
            t = System.nanoTime();
            Map<String, EvaluationReport> test = new LinkedHashMap<>();
            test.put("popular", evaluator.evaluate(MostPopularRecommender.fit(dataset.items(), dataset.train()), dataset, evaluated));
            test.put("sasrec", evaluator.evaluate(sasrec, dataset, evaluated));
            LlmEdtModel model = llmEdt.model();
            test.put("llm-edt", evaluator.evaluate(model, dataset, evaluated));
            seconds.put("evaluate", (System.nanoTime() - t) / 1e9);

            stdout.println();
            printSideBySide(stdout, dataset, test);

            // What the augmenter and profiler make, shown in the report even when the model was trained without them (cheap:
            // no training, and the profiles are not embedded).
            AugmentedData bridges = llmEdt.augmented();
            if (bridges == null) {
                TransferableItemAugmenter.Builder ab = TransferableItemAugmenter.builder().seed(seed);
                augmenterSettings.accept(ab);
                bridges = ab.build().augment(dataset, embeddings, progress);
            }
            UserProfiles userProfiles = llmEdt.profiles();
            if (userProfiles == null) {
                DomainAwareProfiler.Builder pb = DomainAwareProfiler.builder().seed(seed);
                profilerSettings.accept(pb);
                userProfiles = pb.build().profile(dataset.items(), embeddings, dataset.train().stream().map(UserSequence::items).toList(),
                        progress);
            }

            Map<String, Object> results = new LinkedHashMap<>();
            test.forEach((name, report) -> results.put(name, EvaluateCommand.toJson(name, dataset, evaluated, report)));
            run = new QuickstartReport.Run(dataset, synthetic, seed, embeddings, sasrec, sasrecCurves, llmEdt, llmEdtCurves, test, augment,
                    profile, bridges, userProfiles, seconds, cacheDir);
            AtomicFiles.write(out.resolve(RESULTS), (Json.write(results) + "\n").getBytes(StandardCharsets.UTF_8), output.writeOptions());
        }
        seconds.put("total", (System.nanoTime() - start) / 1e9);
        Path index = QuickstartReport.write(run, out, output.writeOptions());
        stdout.printf(Locale.ROOT, "%nReport: %s (results: %s) after %.0f s%n", index.toAbsolutePath(), out.resolve(RESULTS).toAbsolutePath(),
                (System.nanoTime() - start) / 1e9);
        stdout.flush();
        return 0;
    }

    /** Prints HR@10 and NDCG@10 of each model side by side, overall, per domain and per slice. */
    static void printSideBySide(PrintWriter out, CdsrDataset data, Map<String, EvaluationReport> reports) {
        EvaluationReport first = reports.values().iterator().next();
        out.printf("%s users of %s, protocol %s (HR@10 / NDCG@10)%n", first.cases(), data.name(), first.protocol().label());
        StringBuilder header = new StringBuilder(String.format("%-12s %6s", "group", "n"));
        for (String name : reports.keySet()) {
            header.append(String.format(" %19s", name));
        }
        out.println(header);
        List<String> groups = new ArrayList<>();
        groups.add("all");
        groups.addAll(first.byDomain().keySet());
        first.bySlice().keySet().forEach(s -> groups.add("slice " + s));
        for (String g : groups) {
            StringBuilder line = new StringBuilder(String.format("%-12s %6d", g, group(first, g).n()));
            for (EvaluationReport r : reports.values()) {
                GroupMetrics m = group(r, g);
                line.append(String.format(Locale.ROOT, "    %.4f / %.4f", m.hitRate(10), m.ndcg(10)));
            }
            out.println(line);
        }
    }

    /** The metrics of a group: {@code all}, a domain name, or {@code slice NAME}. */
    static GroupMetrics group(EvaluationReport report, String group) {
        if (group.equals("all")) {
            return report.overall();
        }
        if (group.startsWith("slice ")) {
            return report.bySlice().get(group.substring("slice ".length()));
        }
        return report.byDomain().get(group);
    }
}
