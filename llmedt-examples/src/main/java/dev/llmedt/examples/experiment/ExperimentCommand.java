package dev.llmedt.examples.experiment;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Holdout;
import dev.llmedt.data.LlmcdsrReader;
import dev.llmedt.examples.OutputOptions;
import dev.llmedt.examples.PerPhase;
import dev.llmedt.examples.report.ReportPage;
import dev.llmedt.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llmedt experiment}: one study, its runs cached and resumable, its table as JSON and Markdown. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = {"Run a study and write OUT/<study>.json and OUT/<study>.md. Studies: headline (the README's results table: SASRec, LLM-EDT "
                + "and one row per component removed or added, on both holdouts, with ratios to SASRec and paired p-values), insertion (after-source vs append vs random "
                + "placement of the augmenter's bridges), cold-start (test users with < 5 input items in the target domain, LLM-EDT vs "
                + "SASRec), sensitivity (tau and K of the augmenter, beta and adapter size of phase 2), dissimilar-domains (run it on "
                + "movie-book-partial, whose Books carry no text), llm-cost (encoder and generator calls, tokens and seconds, cold and "
                + "cached, against the online cost of scoring).",
            "Each run (settings x seed) writes into RUNS/<run>-s<seed>/ and is skipped when complete, so a stopped study continues "
                    + "where it stopped (within a run, training resumes from its checkpoints)."})
public final class ExperimentCommand implements Callable<Integer> {

    @Option(names = "--study", required = true, paramLabel = "NAME",
            description = "headline, insertion, cold-start, sensitivity, dissimilar-domains or llm-cost.")
    String study;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset directory (LLMCDSR layout, or interactions + items).")
    Path data;

    @Option(names = "--domain-names", split = ",", paramLabel = "NAME", description = "Names of the LLMCDSR domains in file order, e.g. Food,Kitchen.")
    List<String> domainNames = List.of();

    @Option(names = "--holdouts", split = ",", paramLabel = "published|mixed-loo", converter = dev.llmedt.examples.DataOptions.HoldoutConverter.class,
            description = "Held-out users of the runs: published (the dataset's own valid/test users) and/or mixed-loo (leave-one-out "
                    + "over every mixed-domain user: thousands of cases, the split decisions are taken on). Default: mixed-loo,published "
                    + "for headline, published for the other studies (which take one).")
    List<Holdout> holdouts;

    @Option(names = "--seeds", defaultValue = "42,43,44", paramLabel = "N,N,...", description = "One run per seed (default: ${DEFAULT-VALUE}).")
    String seeds;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the study's table and (by default) runs go.")
    Path out;

    @Option(names = "--runs", paramLabel = "DIR", description = "Folder of the runs (default OUT/runs); studies of the same data may "
            + "share one, so that a run two studies need is trained once.")
    Path runs;

    @Option(names = "--embeddings", paramLabel = "FILE", description = "Item embeddings written by 'encode' (all-MiniLM-L6-v2 titles); "
            + "default: encode the items with the embedded encoder (cached in --cache).")
    Path embeddings;

    @Option(names = "--row", paramLabel = "NAME=FLAGS",
            description = "headline: one more row, LLM-EDT's defaults with these 'train' settings flags (space-separated; flags that "
                    + "change phase 2 only reuse LLM-EDT's phase 1), compared with LLM-EDT; repeatable, e.g. "
                    + "\"lr3=--fine-tuning-lr 3e-3\".")
    private java.util.LinkedHashMap<String, String> flagRows = new java.util.LinkedHashMap<>();

    @Option(names = "--embeddings-row", paramLabel = "NAME=FILE",
            description = "headline: one more row, LLM-EDT's defaults trained on these item embeddings (an 'encode' file of the same "
                    + "items from another encoder) and compared with LLM-EDT; repeatable, e.g. bge-small=fk-bge.f32.")
    private java.util.LinkedHashMap<String, Path> embeddingRows = new java.util.LinkedHashMap<>();

    @Option(names = "--cache", paramLabel = "DIR", description = "Text cache of the embedded encoder (default OUT/cache).")
    Path cache;

    @Mixin
    OutputOptions output;

    @Option(names = "--threads", defaultValue = "0", description = "Worker threads, 0 = all processors (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--max-epochs", paramLabel = "N[,N2]", description = "Most epochs of phase 1 (and SASRec) and phase 2 (default: the "
            + "library's, 40 and 30, or a row's own); given, it wins over a row's own.")
    String maxEpochs;

    @Option(names = "--patience", paramLabel = "N[,N2]", description = "Early-stopping patience of phase 1 (and SASRec) and phase 2 "
            + "(default: the library's, 10 and 6).")
    String patience;

    @Option(names = "--dim", paramLabel = "N", description = "Hidden width of every model (default 64).")
    Integer dim;

    @Option(names = "--encode-limit", defaultValue = "2000", paramLabel = "N",
            description = "llm-cost: texts encoded cold and cached; seconds are extrapolated to all (default: ${DEFAULT-VALUE}).")
    int encodeLimit;

    @Option(names = "--generator", paramLabel = "URL", description = "llm-cost: an OpenAI-compatible chat endpoint to time prompts on "
            + "(with --model); without it the generator's seconds read 'no endpoint'.")
    URI generator;

    @Option(names = "--model", paramLabel = "NAME", description = "llm-cost, with --generator: the chat model's name.")
    String generatorModel;

    @Option(names = "--generator-limit", defaultValue = "10", paramLabel = "N",
            description = "llm-cost: prompts sent to --generator; seconds are extrapolated to all (default: ${DEFAULT-VALUE}).")
    int generatorLimit;

    @Option(names = "--scoring-users", defaultValue = "0", paramLabel = "N",
            description = "llm-cost: test users scored for the online cost, 0 = all (default: ${DEFAULT-VALUE}).")
    int scoringUsers;

    @Option(names = "--profile-users", defaultValue = "2000", paramLabel = "N",
            description = "llm-cost: training users (every k-th) profiled for the profile and profiler-prompt rows (default: "
                    + "${DEFAULT-VALUE}; profiling is slow).")
    int profileUsers;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        Study chosen = Study.named(study);
        List<Long> seedList = parseSeeds(seeds);
        if (encodeLimit < 1) {
            throw new IllegalArgumentException("--encode-limit must be >= 1, got " + encodeLimit);
        }
        if (profileUsers < 1) {
            throw new IllegalArgumentException("--profile-users must be >= 1, got " + profileUsers);
        }
        if (generatorLimit < 1) {
            throw new IllegalArgumentException("--generator-limit must be >= 1, got " + generatorLimit);
        }
        if ((generator == null) != (generatorModel == null)) {
            throw new IllegalArgumentException("--generator URL and --model NAME go together");
        }
        for (Map.Entry<String, String> row : flagRows.entrySet()) {
            if (!(chosen instanceof HeadlineStudy)) {
                throw new IllegalArgumentException("--row adds rows to the headline study, not to " + chosen.name());
            }
            if (!row.getKey().matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("--row name '" + row.getKey() + "' must use letters, digits, '.', '_' and '-' "
                        + "(it names the runs' folders)");
            }
            try {
                HeadlineStudy.rows(Map.of(row.getKey(), row.getValue()), Map.of());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--row " + row.getKey() + ": " + e.getMessage(), e);
            }
        }
        for (Map.Entry<String, Path> row : embeddingRows.entrySet()) {
            if (!(chosen instanceof HeadlineStudy)) {
                throw new IllegalArgumentException("--embeddings-row adds rows to the headline study, not to " + chosen.name());
            }
            if (!row.getKey().matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("--embeddings-row name '" + row.getKey() + "' must use letters, digits, '.', '_' and '-' "
                        + "(it names the runs' folders)");
            }
            if (!Files.isRegularFile(row.getValue())) {
                throw new IllegalArgumentException("--embeddings-row " + row.getKey() + ": " + row.getValue() + " is not a file (write one "
                        + "with 'llmedt encode')");
            }
        }
        List<Holdout> holdoutList = holdouts == null || holdouts.isEmpty()
                ? (chosen instanceof HeadlineStudy ? List.of(Holdout.MIXED_LEAVE_ONE_OUT, Holdout.PUBLISHED) : List.of(Holdout.PUBLISHED))
                : List.copyOf(new java.util.LinkedHashSet<>(holdouts));
        if (holdoutList.size() > 1 && !(chosen instanceof HeadlineStudy)) {
            throw new IllegalArgumentException("--holdouts: study " + chosen.name() + " takes one holdout, got " + holdouts);
        }
        int[] epochs = perPhase("--max-epochs", maxEpochs);
        int[] patiences = perPhase("--patience", patience);
        output.checkDirectory(out, "the study directory (--out)");
        for (String file : List.of(chosen.name() + ".json", chosen.name() + ".md", ReportPage.INDEX_FILE)) {
            output.checkFile(out.resolve(file), "the study's " + file);
        }
        if (runs != null) {
            output.checkDirectory(runs, "the runs directory (--runs)");
        }
        CdsrDataset dataset = Files.isRegularFile(data.resolve("num.txt")) ? new LlmcdsrReader(data, domainNames).read() : CdsrDataset.read(data);
        Files.createDirectories(out);
        Path runsDir = runs == null ? out.resolve("runs") : runs;
        RunOptions options = new RunOptions(embeddings, cache == null ? out.resolve("cache") : cache, threads, epochs, patiences, dim);
        StudyContext.CostOptions cost = new StudyContext.CostOptions(encodeLimit, generator, generatorModel, generatorLimit, scoringUsers, profileUsers);
        long start = System.nanoTime();
        try (StudyRunner runner = new StudyRunner(dataset, runsDir, options, stdout, output.writeOptions())) {
            Map<String, Object> header = header(chosen, dataset, seedList, runsDir, options);
            StudyOutput.Writer writer = (o, complete) -> write(chosen.name(), o, header, runner, complete, (System.nanoTime() - start) / 1e9);
            StudyContext context = new StudyContext(runner.withHoldout(holdoutList.get(0)), seedList, out, cost, stdout, writer,
                    holdoutList, flagRows, embeddingRows);
            StudyOutput result = chosen.run(context);
            double seconds = (System.nanoTime() - start) / 1e9;
            write(chosen.name(), result, header, runner, true, seconds);
            stdout.println(result.table().toMarkdown());
            stdout.printf(Locale.ROOT, "%s: %d runs trained, %d reused, %.0f s; written %s and %s%n", chosen.name(), runner.trained(),
                    runner.reused(), seconds, out.resolve(chosen.name() + ".json"), out.resolve(chosen.name() + ".md"));
        }
        return 0;
    }

    private Map<String, Object> header(Study chosen, CdsrDataset dataset, List<Long> seedList, Path runsDir, RunOptions options) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("study", chosen.name());
        h.put("dataset", dataset.name());
        h.put("data", data.toString());
        h.put("dataset_fingerprint", dataset.fingerprint());
        h.put("seeds", seedList);
        h.put("holdouts", holdouts == null ? "default" : holdouts.stream().map(Holdout::label).toList());
        h.put("command", "llmedt " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        h.put("runs", runsDir.toString());
        h.put("embeddings", embeddings == null ? null : embeddings.toString());
        h.put("options", options.describe());
        // The count the runs used: 0 asks for every processor.
        h.put("threads", threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
        return h;
    }

    private void write(String name, StudyOutput o, Map<String, Object> header, StudyRunner runner, boolean complete, double seconds)
            throws IOException {
        StudyTable table = o.table();
        Map<String, Object> json = new LinkedHashMap<>(header);
        json.put("complete", complete);
        json.put("title", table.title());
        json.put("protocol", table.protocol());
        json.put("wall_seconds", seconds);
        json.put("runs_trained", runner.trained());
        json.put("runs_reused", runner.reused());
        json.put("columns", table.columns());
        json.put("rows", o.records());
        json.put("notes", table.notes());
        json.put("run_settings", runner.used());
        json.putAll(o.details());
        AtomicFiles.write(out.resolve(name + ".json"), StudyRunner.JSON.writeValueAsBytes(json), output.writeOptions());
        String md = table.toMarkdown() + (complete ? "" : "\n(partial: the study is still running or was stopped; run the same command "
                + "to continue)\n") + String.format(Locale.ROOT, "%nCommand: `%s` (%.0f s, %d runs trained, %d reused)%n", header.get("command"),
                seconds, runner.trained(), runner.reused());
        AtomicFiles.write(out.resolve(name + ".md"), md.getBytes(StandardCharsets.UTF_8), output.writeOptions());
        StudyPage.write(out, table, complete, String.valueOf(header.get("command")), header, output.writeOptions());
    }

    /** Parses a comma-separated list of distinct whole-number seeds. */
    static List<Long> parseSeeds(String text) {
        List<Long> list = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            try {
                long s = Long.parseLong(part.strip());
                if (list.contains(s)) {
                    throw new IllegalArgumentException("--seeds lists seed " + s + " twice in '" + text + "'");
                }
                list.add(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--seeds takes whole numbers separated by commas, e.g. 42,43,44; got '" + text + "'");
            }
        }
        return list;
    }

    /** {@link PerPhase#parse}, each value at least 1 (a study cannot train for 0 epochs). */
    private static int[] perPhase(String option, String value) {
        int[] v = PerPhase.parse(option, value);
        for (int i = 0; v != null && i < v.length; i++) {
            if (v[i] < 1) {
                throw new IllegalArgumentException(option + " must be >= 1, got '" + value + "'");
            }
        }
        return v;
    }
}
