package dev.llmedt.examples.experiment;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.Holdout;
import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.dualphase.FineTuningConfig;
import dev.llmedt.dualphase.PretrainingConfig;
import dev.llmedt.examples.LlmEdtFlags;
import dev.llmedt.examples.PairedTests;
import dev.llmedt.examples.PerUserFile;
import dev.llmedt.model.Provenance;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * {@code headline}: the README's results table. SASRec (reference settings), LLM-EDT with the
 * library's defaults, and one row per component: removed when it is on by default (phase 2, the
 * item text, ID dropout) or added when it is off (the per-domain selection of phase 2, the
 * augmenter, the profiles). Every row on every holdout (by default the big {@code mixed-loo} split the decisions
 * are taken on, and the published split), every seed. Each cell: the mean over seeds, its ratio to
 * SASRec's, and the paired p-value over users against the row it is compared with (SASRec for
 * LLM-EDT, LLM-EDT for a component row).
 *
 * <p>Runs are trained tier by tier (first SASRec and LLM-EDT and what reuses their phase 1, then
 * the rows that need a phase 1 of their own), each tier on every holdout and seed, and the table is
 * written after each, so a study stopped early already holds its first rows.
 */
final class HeadlineStudy implements Study {

    /**
     * A row: its label, the run, the row it is compared with (null: none), its tier, and the row its
     * ratios are to (SASRec's, but for a row with another schedule: SASRec on the same schedule).
     */
    record Row(String label, RunSpec spec, String versus, int tier, String baseline) {

        Row(String label, RunSpec spec, String versus, int tier) {
            this(label, spec, versus, tier, SASREC);
        }
    }

    static final String SASREC = "SASRec";
    static final String LLM_EDT = "LLM-EDT";
    /**
     * LLM-EDT's phase-1 schedule as SASRec flags (the defaults': the learning rate halved after every
     * plateau of 3 epochs counted from epoch 25, at most 60 epochs), for the row of SASRec on it.
     */
    static final List<String> LLM_EDT_SCHEDULE = scheduleFlags(PretrainingConfig.defaults(), "");
    /** The reference's schedule (a constant rate, at most 40 epochs) as LLM-EDT flags, for the row that removes LLM-EDT's. */
    static final List<String> REFERENCE_SCHEDULE = scheduleFlags(PretrainingConfig.reference(), "," + FineTuningConfig.defaults().maxEpochs());
    static final String SASREC_SCHEDULE = "SASRec on LLM-EDT's schedule";

    /** A phase-1 schedule as flags; {@code phaseTwoEpochs} follows phase 1's most epochs ("" or ",N"). */
    private static List<String> scheduleFlags(PretrainingConfig p, String phaseTwoEpochs) {
        return List.of("--plateau-patience", String.valueOf(p.plateauPatience()), "--plateau-from", String.valueOf(p.plateauFromEpoch()),
                "--max-epochs", p.maxEpochs() + phaseTwoEpochs);
    }

    /**
     * The rows, in table order, then one row per extra setting (LLM-EDT's defaults with those
     * {@code train} flags; flags that change phase 2 only reuse LLM-EDT's phase 1) and one per extra
     * item embeddings, each compared with LLM-EDT.
     *
     * @param flagRows extra rows by name: their train flags, separated by spaces
     * @param embeddingRows extra rows by name: their item embeddings file
     */
    static List<Row> rows(Map<String, String> flagRows, Map<String, java.nio.file.Path> embeddingRows) {
        List<Row> rows = new ArrayList<>(rows());
        RunSpec llmEdt = rows.get(1).spec();
        DualPhaseConfig defaults = DualPhaseConfig.defaults();
        flagRows.forEach((name, text) -> {
            List<String> flags = List.of(text.strip().split("\\s+"));
            LlmEdtFlags parsed = LlmEdtFlags.parse(flags);
            boolean phaseTwoOnly = parsed.augmenter() == null
                    && parsed.config(defaults).withFineTuning(defaults.fineTuning()).equals(defaults);
            rows.add(new Row("+ " + name + " (" + String.join(" ", flags) + ")",
                    RunSpec.llmEdt("row-" + name).withFlags(flags, phaseTwoOnly ? llmEdt : null), LLM_EDT, 3));
        });
        embeddingRows.forEach((name, file) -> rows.add(new Row("+ " + name + " item embeddings",
                RunSpec.llmEdt("embeddings-" + name).withEmbeddings(file), LLM_EDT, 3)));
        return rows;
    }

    /** The library's rows, in table order. */
    static List<Row> rows() {
        RunSpec sasrec = RunSpec.sasrec("sasrec");
        RunSpec llmEdt = RunSpec.llmEdt("llm-edt");
        return List.of(
                new Row(SASREC, sasrec, null, 0),
                new Row(LLM_EDT, llmEdt, SASREC, 0),
                new Row("- phase 2 (phase 1 alone)", RunSpec.llmEdt("no-phase-2").withFlags(List.of("--no-fine-tuning"), llmEdt), LLM_EDT, 0),
                new Row("+ per-domain phase-2 selection", RunSpec.llmEdt("domain-selection")
                        .withFlags(List.of("--select-per-domain", "true"), llmEdt), LLM_EDT, 0),
                new Row("- frozen domain threads (positions train, blocks drop out)", RunSpec.llmEdt("trained-threads")
                        .withFlags(List.of("--freeze-domain-positions", "false", "--eval-mode-backbone", "false"), llmEdt), LLM_EDT, 0),
                new Row("- item text (id items)", RunSpec.llmEdt("id-items").withFlags(List.of("--item-representation", "id"), null),
                        LLM_EDT, 1),
                new Row("- ID dropout (--id-dropout 0)", RunSpec.llmEdt("no-id-dropout").withFlags(List.of("--id-dropout", "0"), null),
                        LLM_EDT, 1),
                new Row("+ augmenter", RunSpec.llmEdt("augmenter").withFlags(List.of("--augmenter"), null), LLM_EDT, 2),
                new Row("+ profiles (alignment 0.5)", RunSpec.llmEdt("profiles").withFlags(List.of("--profiles"), llmEdt), LLM_EDT, 2),
                new Row("- learning-rate schedule (the reference's constant rate, 40 epochs)", RunSpec.llmEdt("reference-schedule")
                        .withFlags(REFERENCE_SCHEDULE, null), LLM_EDT, 1),
                new Row(SASREC_SCHEDULE, RunSpec.sasrec("sasrec-schedule").withSchedule(LLM_EDT_SCHEDULE), SASREC, 0),
                new Row("LLM-EDT (against SASRec on the same schedule)", llmEdt, SASREC_SCHEDULE, 0, SASREC_SCHEDULE));
    }

    @Override
    public String name() {
        return "headline";
    }

    @Override
    public StudyOutput run(StudyContext context) throws Exception {
        List<Row> rows = rows(context.flagRows(), context.embeddingRows());
        int tiers = rows.stream().mapToInt(Row::tier).max().orElse(0) + 1;
        Map<String, List<RunResult>> done = new LinkedHashMap<>(); // holdout/row label -> runs
        StudyOutput out = null;
        for (int tier = 0; tier < tiers; tier++) {
            for (Holdout h : context.holdouts()) {
                StudyRunner runner = context.runner(h);
                Map<Row, List<RunResult>> runs = new LinkedHashMap<>();
                for (long seed : context.seeds()) {
                    for (Row r : rows) {
                        if (r.tier() == tier) {
                            runs.computeIfAbsent(r, k -> new ArrayList<>()).add(runner.run(r.spec(), seed));
                        }
                    }
                }
                runs.forEach((r, list) -> done.put(h.label() + "/" + r.label(), list));
                out = table(context, rows, done);
            }
        }
        return out;
    }

    /** The table of the rows finished so far, holdout by holdout in row order. */
    private static StudyOutput table(StudyContext context, List<Row> rows, Map<String, List<RunResult>> done) throws IOException {
        CdsrDataset data = context.runner().data();
        List<Domain> domains = data.domains();
        List<String> columns = new ArrayList<>(List.of("holdout", "row", "n test", "valid NDCG@10", "test HR@10", StudyPage.CHART_COLUMN));
        for (Domain d : domains) {
            columns.add(d.name() + " HR@10");
            columns.add(d.name() + " NDCG@10");
        }
        columns.add("vs");
        String dataset = context.runner(Holdout.PUBLISHED).data().name(); // the data's own name, whatever the holdouts
        StudyOutput out = context.open("Headline: LLM-EDT against SASRec, and what each component adds (" + dataset + ", "
                + context.seeds().size() + " seeds)", StudyContext.PROTOCOL_HEADLINE, columns);
        for (Holdout h : context.holdouts()) {
            for (Row r : rows) {
                List<RunResult> runs = done.get(h.label() + "/" + r.label());
                List<RunResult> sasrec = done.get(h.label() + "/" + r.baseline());
                if (runs == null || sasrec == null) {
                    continue;
                }
                List<RunResult> versus = r.versus() == null ? null : done.get(h.label() + "/" + r.versus());
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("holdout", h.label());
                record.put("row", r.label());
                record.put("run", r.spec().name());
                record.put("flags", String.join(" ", r.spec().flags()));
                record.put("versus", r.versus());
                record.put("ratio_to", r.baseline());
                List<String> cells = new ArrayList<>(List.of(h.label(), r.label()));
                int n = runs.get(0).test().size();
                record.put("n_test", n);
                cells.add(Integer.toString(n));
                double valid = 0;
                for (RunResult run : runs) {
                    valid += run.valid().stream().mapToDouble(PerUserFile.Row::ndcg10).average().orElse(Double.NaN) / runs.size();
                }
                record.put("valid_ndcg10", valid);
                cells.add(String.format(Locale.ROOT, "%.4f", valid));
                List<String> groups = new ArrayList<>();
                groups.add(null);
                domains.forEach(d -> groups.add(d.name()));
                for (String group : groups) {
                    for (String metric : List.of("hr10", "ndcg10")) {
                        ToDoubleFunction<PerUserFile.Row> value = metric.equals("hr10") ? row -> row.hit10() : PerUserFile.Row::ndcg10;
                        Cell c = cell(runs, sasrec, versus, group, value);
                        String key = (group == null ? "all" : group.toLowerCase(Locale.ROOT)) + "_" + metric;
                        record.put(key, c.toMap());
                        cells.add(c.text());
                    }
                }
                cells.add(r.versus() == null ? "-" : r.versus());
                out.add(record, cells);
            }
        }
        for (Holdout h : context.holdouts()) {
            CdsrDataset d = context.runner(h).data();
            out.note(String.format(Locale.ROOT, "%s: %d validation and %d test cases. %s", h.label(), d.valid().size(), d.test().size(),
                    h == Holdout.PUBLISHED ? "The dataset's own held-out users (comparable with published figures)."
                            : "Leave-one-out over every user with a mixed-domain history (decisions are taken on its validation cases)."));
        }
        out.note("LLM-EDT: the library's defaults. A '-' row removes a component that is on by default, a '+' row adds one that is "
                + "off; phase-2-only rows reuse LLM-EDT's phase 1 (same seed). The flags of each row are in the JSON ('flags'): "
                + "`train --method llm-edt` takes the same.");
        out.note("Ratios are to SASRec (reference settings: a constant learning rate, at most 40 epochs), except in the last row, "
                + "LLM-EDT's runs again with ratios and p-values to '" + SASREC_SCHEDULE + "' (" + String.join(" ", LLM_EDT_SCHEDULE)
                + ": LLM-EDT's phase-1 schedule given to SASRec).");
        Map<String, Object> build = build();
        out.detail("build", build);
        out.note("Built from " + (build.get("commit") == null ? "an unknown commit (no git)" : "commit " + build.get("commit")) + (Boolean.TRUE.equals(build.get("uncommitted_changes"))
                ? " with uncommitted changes" : "") + ", Java " + build.get("java") + ".");
        return out;
    }

    /** One cell: a metric's mean over seeds on a group of test cases, with its ratio to SASRec's and its paired p-value. */
    record Cell(int users, double mean, double[] perSeed, double ratio, Double p) {

        String text() {
            String base = String.format(Locale.ROOT, "%.4f", mean);
            if (p == null) {
                return base;
            }
            return base + String.format(Locale.ROOT, " (%.2fx, p %s)", ratio, pText(p));
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("users", users);
            m.put("mean", mean);
            m.put("per_seed", perSeed);
            m.put("ratio_to_sasrec", ratio);
            m.put("p_vs", p);
            return m;
        }
    }

    static String pText(double p) {
        if (Double.isNaN(p)) {
            return "n/a";
        }
        return p < 1e-4 ? String.format(Locale.ROOT, "%.0e", p) : String.format(Locale.ROOT, "%.3g", p);
    }

    /** The metric of {@code runs} over the test cases of {@code domain} (null: all). */
    static Cell cell(List<RunResult> runs, List<RunResult> sasrec, List<RunResult> versus, String domain, ToDoubleFunction<PerUserFile.Row> value) {
        List<Integer> members = new ArrayList<>();
        List<PerUserFile.Row> first = runs.get(0).test();
        for (int i = 0; i < first.size(); i++) {
            if (domain == null || first.get(i).domain().equals(domain)) {
                members.add(i);
            }
        }
        double[] mine = perUser(runs, members, value);
        double[] perSeed = new double[runs.size()];
        for (int r = 0; r < runs.size(); r++) {
            for (int i : members) {
                perSeed[r] += value.applyAsDouble(runs.get(r).test().get(i)) / Math.max(1, members.size());
            }
        }
        double mean = mean(mine);
        double reference = mean(perUser(sasrec, members, value));
        Double p = versus == null ? null : PairedTests.pairedT(perUser(versus, members, value), mine);
        return new Cell(members.size(), mean, perSeed, mean / reference, p);
    }

    /** Each member's metric averaged over the runs (seeds); the runs must list the same cases. */
    private static double[] perUser(List<RunResult> runs, List<Integer> members, ToDoubleFunction<PerUserFile.Row> value) {
        double[] v = new double[members.size()];
        String firstKey = null;
        for (RunResult run : runs) {
            for (int k = 0; k < members.size(); k++) {
                PerUserFile.Row row = run.test().get(members.get(k));
                if (k == 0) {
                    if (firstKey == null) {
                        firstKey = row.key();
                    } else if (!firstKey.equals(row.key())) {
                        throw new IllegalStateException(run.directory() + ": its test cases are not those of the other runs (" + row.key()
                                + " vs " + firstKey + ")");
                    }
                }
                v[k] += value.applyAsDouble(row) / runs.size();
            }
        }
        return v;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    /**
     * The build that made the table: the commit the CLI was built from (recorded in the jar by the
     * build), or, when the build did not know it, the commit of the working directory's repository.
     */
    static Map<String, Object> build() {
        Map<String, Object> m = new LinkedHashMap<>();
        Optional<String> commit = Provenance.libraryCommit();
        if (commit.isPresent()) {
            m.put("commit", commit.get());
            m.put("uncommitted_changes", Provenance.libraryHasUncommittedChanges());
            m.put("commit_source", "jar");
        } else {
            m.put("commit", git("rev-parse", "HEAD"));
            String status = git("status", "--porcelain", "--untracked-files=no");
            m.put("uncommitted_changes", status == null ? null : !status.isBlank());
            m.put("commit_source", "working directory");
        }
        m.put("java", System.getProperty("java.version"));
        return m;
    }

    private static String git(String... args) {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return text;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
