package dev.llmedt.examples;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmedt.EpochSummary;
import dev.llmedt.dualphase.LlmEdt;
import dev.llmedt.augment.AugmentationReport;
import dev.llmedt.augment.AugmentedData;
import dev.llmedt.augment.AugmentedSequence;
import dev.llmedt.augment.Insertion;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.DatasetStatistics;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.data.UserSequence;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.GroupMetrics;
import dev.llmedt.examples.report.ReportCharts;
import dev.llmedt.examples.report.ReportPage;
import dev.llmedt.examples.report.Table;
import dev.llmedt.profile.UserProfiles;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.text.ItemEmbeddings;
import java.awt.Color;
import dev.llmedt.output.WriteOption;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;

/** The quickstart's HTML report: what each model scored, how training went, what the augmenter and profiler made. */
final class QuickstartReport {

    /** The protocol named on the metric tables of the report, for the users evaluated ({@code test} or {@code valid}). */
    static String protocol(String users) {
        return "full ranking: each " + users + " user's target is ranked among all items of its domain, the user's input items "
                + "excluded; " + users + " users, metrics at K = 10";
    }
    private static final int MAX_MAP_ITEMS = 3000;
    private static final int MAX_BRIDGES_DRAWN = 40;

    /** Everything a quickstart run made. */
    record Run(CdsrDataset data, boolean synthetic, long seed, ItemEmbeddings embeddings, SasRecModel sasrec, TrainingCurves sasrecCurves,
            LlmEdt.Result llmEdt, TrainingCurves llmEdtCurves, Map<String, EvaluationReport> test, boolean augmenter, boolean profiles,
            AugmentedData bridges, UserProfiles userProfiles, Map<String, Double> seconds, Path cache) {
    }

    private QuickstartReport() {
    }

    static Path write(Run run, Path folder, WriteOption... options) throws IOException {
        CdsrDataset data = run.data();
        EvaluationReport sasrec = run.test().get("sasrec");
        String users = sasrec.cases();
        ReportPage page = ReportPage.titled("LLM-EDT quickstart: " + data.name()).protocol(protocol(users));
        EvaluationReport llmEdt = run.test().get("llm-edt");
        page.paragraph(String.format(Locale.ROOT, "SASRec and LLM-EDT (hybrid item representation%s%s) trained on the same data with "
                + "seed %d, early stopping on validation NDCG@10; %s NDCG@10 %.4f (SASRec) and %.4f (LLM-EDT) over %d %s users.",
                run.augmenter() ? ", transferable-item augmenter" : "", run.profiles() ? ", domain-aware profiles" : "", run.seed(),
                users, sasrec.overall().ndcg(10), llmEdt.overall().ndcg(10), sasrec.overall().n(), users));
        if (run.synthetic()) {
            page.paragraph("The data is the themed synthetic dataset: Food and Kitchen items of eight themes whose titles a language "
                    + "model can read (spaghetti and a pasta maker, espresso beans and an espresso machine); most users are Food-only "
                    + "or food-heavy, so Kitchen is the sparse domain.");
        }
        page.paragraph("Training used the augmenter: " + (run.augmenter() ? "yes" : "no") + "; profile alignment: "
                + (run.profiles() ? "yes" : "no") + ". The quickstart's defaults (both off, as for real data) were chosen on the "
                + "validation users, never on the test users; --augmenter and --profiles turn them on. The bridge and profile "
                + "sections below show what the two make either way.");
        if (run.synthetic()) {
            page.paragraph("Both models are capped at the same number of epochs to keep the quickstart short; see the training "
                    + "curves for how far each got.");
        }
        metrics(page, run);
        curves(page, run);
        augmentation(page, run);
        itemMap(page, run);
        profiles(page, run);
        page.provenance(provenance(run));
        return page.write(folder, options);
    }

    private static void metrics(ReportPage page, Run run) {
        EvaluationReport first = run.test().values().iterator().next();
        List<String> groups = new ArrayList<>();
        groups.add("all");
        groups.addAll(first.byDomain().keySet());
        first.bySlice().keySet().forEach(s -> groups.add("slice " + s));
        List<String> columns = new ArrayList<>(List.of("group", "users"));
        for (String model : run.test().keySet()) {
            columns.add(model + " HR@10");
            columns.add(model + " NDCG@10");
        }
        Table table = Table.withColumns(columns.toArray(String[]::new))
                .caption("Metrics per target domain and per slice (the user's number of input items in the target domain).");
        Map<String, double[]> ndcg = new LinkedHashMap<>();
        run.test().keySet().forEach(m -> ndcg.put(m, new double[groups.size()]));
        for (int g = 0; g < groups.size(); g++) {
            List<Object> row = new ArrayList<>();
            row.add(groups.get(g));
            row.add(QuickstartCommand.group(first, groups.get(g)).n());
            for (Map.Entry<String, EvaluationReport> e : run.test().entrySet()) {
                GroupMetrics m = QuickstartCommand.group(e.getValue(), groups.get(g));
                row.add(m.hitRate(10));
                row.add(m.ndcg(10));
                ndcg.get(e.getKey())[g] = m.ndcg(10);
            }
            table.row(row.toArray());
        }
        Table all = Table.withColumns("model", "HR@1", "HR@5", "HR@10", "NDCG@5", "NDCG@10", "MRR")
                .caption("Metrics of all evaluated users.");
        run.test().forEach((name, r) -> all.row(name, r.overall().hitRate(1), r.overall().hitRate(5), r.overall().hitRate(10),
                r.overall().ndcg(5), r.overall().ndcg(10), r.overall().mrr()));
        page.section("Results")
                .paragraph("Most-popular is a reference: the most frequent training items of the target's domain.")
                .table(all)
                .table(table)
                .chart("ndcg-by-group", ReportCharts.bars("NDCG@10 (" + first.cases() + " users) by target domain and slice", "NDCG@10", groups, ndcg), 1000, 420);
    }

    private static void curves(ReportPage page, Run run) {
        Map<String, List<EpochSummary>> phases = new LinkedHashMap<>();
        run.sasrecCurves().epochs().forEach((phase, e) -> phases.put("SASRec", e));
        run.llmEdtCurves().epochs().forEach((phase, e) -> phases.put("LLM-EDT " + phase, e));
        Map<String, double[]> loss = new LinkedHashMap<>();
        Map<String, double[]> ndcg = new LinkedHashMap<>();
        Table table = Table.withColumns("model and phase", "epochs", "best epoch (kept)", "its valid NDCG@10", "its valid HR@10", "last loss",
                "train s/epoch (median)").caption("Training of each phase (validation users, the selection criterion).");
        phases.forEach((name, epochs) -> {
            loss.put(name, epochs.stream().mapToDouble(EpochSummary::loss).toArray());
            ndcg.put(name, epochs.stream().mapToDouble(EpochSummary::validNdcg10).toArray());
            // The weights kept: those of the last epoch that was best so far; none when no epoch beat the start (phase 2).
            EpochSummary best = epochs.stream().filter(EpochSummary::best).reduce((a, b) -> b).orElse(null);
            table.row(name, epochs.size(), best == null ? "none: the start was kept" : best.epoch(),
                    best == null ? Double.NaN : best.validNdcg10(), best == null ? Double.NaN : best.validHr10(), epochs.get(epochs.size() - 1).loss(),
                    median(epochs.stream().mapToDouble(EpochSummary::trainSeconds).toArray()));
        });
        page.section("Training")
                .paragraph("Each phase stops early when validation NDCG@10 (full ranking, validation users) has not improved for its "
                        + "patience; the best epoch's weights are kept. LLM-EDT phase 2 trains domain adapters on a frozen phase 1.")
                .table(table.protocol("full ranking on the validation users (training selection); test users are not used"))
                .chart("training-loss", ReportCharts.lines("Training loss per epoch", "epoch", "loss (BCE)", loss), 1000, 380)
                .chart("training-ndcg", ReportCharts.lines("Validation NDCG@10 per epoch", "epoch", "valid NDCG@10", ndcg), 1000, 380);
    }

    private static void augmentation(ReportPage page, Run run) {
        CdsrDataset data = run.data();
        ItemCatalog items = data.items();
        AugmentedData augmented = run.bridges();
        ReportPage.Section s = page.section("Augmentation: bridge items");
        List<String> bins = DatasetStatistics.binLabels();
        if (!run.augmenter()) {
            s.paragraph("LLM-EDT was trained WITHOUT the augmenter in this run (see the training section); what follows is what the "
                    + "augmenter makes of these training sequences, for a look at the mechanism.");
        }
        AugmentationReport r = augmented.report();
        s.paragraph(String.format(Locale.ROOT, "%d of %d training users are imbalanced (a domain below the minor-share threshold); %d "
                + "received %d bridge items of their minor domain (mean cosine to the source item %.3f). Each bridge is the minor-domain "
                + "item nearest to one of the user's items in the encoder's space, inserted right after it, as context (not a training "
                + "target). %d candidates were below tau, %d were duplicates, %d already in the sequence, %d beyond the cap per user.",
                r.imbalancedUsers(), r.users(), r.usersAugmented(), r.insertions(), r.meanSimilarity(), r.droppedBelowThreshold(),
                r.droppedDuplicates(), r.droppedInSequence(), r.droppedByInsertionCap()));
        Map<String, double[]> hist = new LinkedHashMap<>();
        hist.put("before augmentation", toDouble(r.histogramBefore()));
        hist.put("after augmentation", toDouble(r.histogramAfter()));
        s.chart("domain-share", ReportCharts.bars("Training users by the share of their majority domain", "users", bins, hist), 1000, 380);
        Table counts = Table.withColumns("domain", "interactions before", "interactions after").caption("Training interactions per domain.");
        r.interactionsBefore().forEach((d, n) -> counts.row(d, n, r.interactionsAfter().get(d)));
        s.table(counts.protocol("training data only (augmentation never reads validation or test targets)"));

        Map<Long, long[]> pairs = new LinkedHashMap<>();
        for (Insertion i : augmented.insertions()) {
            pairs.computeIfAbsent(((long) i.sourceItem() << 32) | i.insertedItem(), k -> new long[2])[0]++;
        }
        List<Map.Entry<Long, long[]>> top = pairs.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<Long, long[]> e) -> -e.getValue()[0]).thenComparingLong(Map.Entry::getKey))
                .limit(12).toList();
        Table bridges = Table.withColumns("user's item (source)", "bridge item inserted after it", "cosine", "times inserted")
                .caption("The most frequent bridges (source item, inserted item).");
        for (Map.Entry<Long, long[]> e : top) {
            int source = (int) (e.getKey() >>> 32);
            int inserted = (int) (e.getKey() & 0xffffffffL);
            bridges.row(label(items, source), label(items, inserted), (double) run.embeddings().cosine(source, inserted), e.getValue()[0]);
        }
        s.table(bridges.protocol("training data only"));
        List<String> examples = new ArrayList<>();
        int shown = 0;
        for (AugmentedSequence a : augmented.sequences()) {
            if (a.insertedCount() == 0 || shown >= 3) {
                continue;
            }
            shown++;
            StringBuilder b = new StringBuilder("user " + a.user() + " (" + a.source() + "): ");
            for (int p = 0; p < a.length(); p++) {
                b.append(p == 0 ? "" : " → ").append(a.isInserted(p) ? "[+ " + items.item(a.items().item(p)).title() + "]"
                        : items.item(a.items().item(p)).title());
            }
            examples.add(b.toString());
        }
        s.paragraph("Three augmented training sequences (bridges in [+ brackets]):").list(examples);
    }

    private static void itemMap(ReportPage page, Run run) {
        ItemCatalog items = run.data().items();
        ItemEmbeddings emb = run.embeddings();
        int n = items.size();
        int[] shown = sample(n, MAX_MAP_ITEMS, run.seed());
        double[][] xy = pca2(emb, shown);
        Map<Integer, double[]> position = new LinkedHashMap<>();
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (Domain d : items.domains()) {
            series.put(d.name() + " items", new ArrayList<>());
        }
        Map<String, double[]> themeSums = new LinkedHashMap<>();
        for (int i = 0; i < shown.length; i++) {
            int item = shown[i];
            position.put(item, xy[i]);
            series.get(items.domainOf(item).name() + " items").add(xy[i]);
            String theme = items.item(item).text().get(SyntheticDataset.THEME);
            if (theme != null) {
                theme = theme + " (" + items.domainOf(item).name() + ")";
                double[] sum = themeSums.computeIfAbsent(theme, t -> new double[3]);
                sum[0] += xy[i][0];
                sum[1] += xy[i][1];
                sum[2]++;
            }
        }
        var chart = ReportCharts.scatter("Item title embeddings (PCA, 2 components)", "PC 1", "PC 2", series);
        AugmentedData augmented = run.bridges();
        String note = "";
        if (augmented != null) {
            Map<Long, Integer> pairCounts = new LinkedHashMap<>();
            for (Insertion i : augmented.insertions()) {
                pairCounts.merge(((long) i.sourceItem() << 32) | i.insertedItem(), 1, Integer::sum);
            }
            List<double[]> segments = new ArrayList<>();
            pairCounts.entrySet().stream().sorted(Comparator.comparingInt((Map.Entry<Long, Integer> e) -> -e.getValue())
                    .thenComparingLong(Map.Entry::getKey)).limit(MAX_BRIDGES_DRAWN).forEach(e -> {
                        double[] a = position.get((int) (e.getKey() >>> 32));
                        double[] b = position.get((int) (e.getKey() & 0xffffffffL));
                        if (a != null && b != null) {
                            segments.add(new double[] {a[0], a[1], b[0], b[1]});
                        }
                    });
            ReportCharts.segments(chart, segments, new Color(120, 120, 120, 150));
            note = " Grey lines join the " + segments.size() + " most frequent bridges (source item to inserted item).";
        }
        Map<String, double[]> labels = new LinkedHashMap<>();
        themeSums.forEach((t, s) -> labels.put(t, new double[] {s[0] / s[2], s[1] / s[2]}));
        ReportCharts.labels(chart, labels);
        page.section("Item map")
                .paragraph("Each item's title vector (" + emb.modelId() + ", " + emb.dimension() + "-d) projected on its first two "
                        + "principal components" + (shown.length < n ? " (" + shown.length + " of " + n + " items, seeded sample)" : "")
                        + "." + (labels.isEmpty() ? "" : " Labels mark the centre of each theme's items in each domain.") + note)
                .chart("item-map", chart, 1000, 700);
    }

    private static void profiles(ReportPage page, Run run) {
        UserProfiles profiles = run.userProfiles();
        ReportPage.Section s = page.section("User profiles");
        if (!run.profiles()) {
            s.paragraph("LLM-EDT was trained WITHOUT profile alignment in this run; what follows is what the domain-aware profiler "
                    + "writes for these training users, for a look at the mechanism.");
        }
        ItemCatalog items = run.data().items();
        s.paragraph(String.format(Locale.ROOT, "%d of %d training users have a profile: a short text of their interests per domain, "
                + "built from their own training items only; with profiles on, it is embedded by the same encoder and aligned with "
                + "the user's phase-2 representation.", profiles.report().usersProfiled(), profiles.report().users()));
        Table table = Table.withColumns("user", "the user's items (training)", "profile").caption("Sample profiles with their users' items.");
        List<UserSequence> train = run.data().train();
        int shown = 0;
        for (int u = 0; u < train.size() && shown < 6; u++) {
            UserSequence seq = train.get(u);
            if (!profiles.hasProfile(u) || !seq.source().contains("overlap")) {
                continue;
            }
            shown++;
            table.row(seq.user() + " (" + seq.source() + ")", titles(items, seq.items(), 8), profiles.text(u));
        }
        s.table(table.protocol("training data only (profiles never read validation or test targets)"));
    }

    private static Map<String, Object> provenance(Run run) {
        Map<String, Object> p = new LinkedHashMap<>();
        CdsrDataset data = run.data();
        p.put("dataset", data.name());
        p.put("dataset_fingerprint", data.fingerprint());
        p.put("items", data.items().size());
        p.put("training_users", data.train().size());
        p.put("test_users", data.test().size());
        p.put("seed", run.seed());
        p.put("llmedt_version", String.valueOf(LlmEdtCli.class.getPackage().getImplementationVersion()));
        p.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        p.put("processors", Runtime.getRuntime().availableProcessors());
        p.put("encoder", run.embeddings().modelId() + " (" + run.embeddings().dimension() + "-d, template " + run.embeddings().template() + ")");
        p.put("embedding_cache", run.cache().toString());
        p.put("augmenter", run.augmenter());
        p.put("profiles", run.profiles());
        Map<String, String> secs = new LinkedHashMap<>();
        run.seconds().forEach((k, v) -> secs.put(k, String.format(Locale.ROOT, "%.1f", v)));
        run.llmEdt().seconds().forEach((k, v) -> secs.put("llm_edt_" + k, String.format(Locale.ROOT, "%.1f", v)));
        p.put("seconds", secs);
        ObjectMapper mapper = new ObjectMapper();
        p.put("sasrec", mapper.convertValue(run.sasrec().provenance().json(), new TypeReference<Map<String, Object>>() { }));
        p.put("llm-edt", mapper.convertValue(run.llmEdt().model().provenance().json(), new TypeReference<Map<String, Object>>() { }));
        return p;
    }

    private static String label(ItemCatalog items, int item) {
        return items.item(item).title() + " (" + items.domainOf(item).name() + ")";
    }

    private static String titles(ItemCatalog items, History h, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(max, h.length()); i++) {
            b.append(i == 0 ? "" : "; ").append(items.item(h.item(i)).title()).append(" [").append(items.domainOf(h.item(i)).name())
                    .append("]");
        }
        return h.length() > max ? b + "; ... (" + h.length() + " items)" : b.toString();
    }

    private static double median(double[] v) {
        double[] sorted = v.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double[] toDouble(long[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** All items when there are at most {@code max}, else a seeded sample of {@code max}, in id order. */
    private static int[] sample(int n, int max, long seed) {
        if (n <= max) {
            return java.util.stream.IntStream.range(0, n).toArray();
        }
        int[] ids = java.util.stream.IntStream.range(0, n).toArray();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < max; i++) {
            int j = i + r.nextInt(n - i);
            int t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
        }
        int[] chosen = java.util.Arrays.copyOf(ids, max);
        java.util.Arrays.sort(chosen);
        return chosen;
    }

    /** The first two principal components of the chosen items' vectors (Commons Math eigen-decomposition of the covariance). */
    static double[][] pca2(ItemEmbeddings emb, int[] items) {
        int d = emb.dimension();
        double[] mean = new double[d];
        for (int item : items) {
            float[] v = emb.vector(item);
            for (int j = 0; j < d; j++) {
                mean[j] += v[j] / items.length;
            }
        }
        double[][] centred = new double[items.length][d];
        for (int i = 0; i < items.length; i++) {
            float[] v = emb.vector(items[i]);
            for (int j = 0; j < d; j++) {
                centred[i][j] = v[j] - mean[j];
            }
        }
        RealMatrix x = MatrixUtils.createRealMatrix(centred);
        RealMatrix covariance = x.transpose().multiply(x).scalarMultiply(1.0 / Math.max(1, items.length - 1));
        EigenDecomposition eigen = new EigenDecomposition(covariance);
        double[] values = eigen.getRealEigenvalues();
        Integer[] order = java.util.stream.IntStream.range(0, d).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingDouble(i -> -values[i]));
        RealMatrix components = MatrixUtils.createRealMatrix(d, 2);
        for (int c = 0; c < 2; c++) {
            double[] vec = eigen.getEigenvector(order[c]).toArray();
            // A fixed sign (largest entry positive), so the same data always gives the same picture.
            int arg = 0;
            for (int j = 1; j < d; j++) {
                if (Math.abs(vec[j]) > Math.abs(vec[arg])) {
                    arg = j;
                }
            }
            double sign = vec[arg] < 0 ? -1 : 1;
            for (int j = 0; j < d; j++) {
                components.setEntry(j, c, sign * vec[j]);
            }
        }
        return x.multiply(components).getData();
    }
}
