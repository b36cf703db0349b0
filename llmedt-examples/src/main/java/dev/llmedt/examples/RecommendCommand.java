package dev.llmedt.examples;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.Split;
import dev.llmedt.ScoredItem;
import dev.llmedt.io.AtomicFiles;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llmedt recommend}: the top-k items of a domain for one history, or for every user of a split into a TSV. */
@Command(name = "recommend", mixinStandardHelpOptions = true,
        description = "Recommend with a trained model file or its ONNX export (.onnx). Either one history (--history ID,ID,... "
                + "--domain NAME: the best --k items of the domain not in the history, with their titles), or every user of a "
                + "split (--split valid|test --out FILE: a TSV 'uid domain rank item score', the user's input scored in the "
                + "domain of their target item, rank 1..k, global item ids, scores with 4 decimals).")
final class RecommendCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RecommendCommand.class);
    /** The header of the batch file. */
    static final String HEADER = "uid\tdomain\trank\titem\tscore";
    private static final int BATCH = 256;
    private static final String OUT = "the recommendations file (--out)";

    @Option(names = "--model", required = true, paramLabel = "FILE|MODEL.onnx", description = "Model file written by train, or its ONNX export.")
    Path model;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--history", split = ",", paramLabel = "ID", description = "Global item ids, oldest first (may be empty: --history '').")
    List<String> history;

    @Option(names = "--domain", paramLabel = "NAME", description = "With --history: the domain to recommend from.")
    String domain;

    @Option(names = "--split", description = "Batch mode: valid or test.")
    String split;

    @Option(names = "--out", paramLabel = "FILE", description = "Batch mode: the TSV to write.")
    Path out;

    @Mixin
    OutputOptions output;

    @Option(names = "--k", defaultValue = "10", description = "Items per list (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--threads", defaultValue = "1", description = "ONNX Runtime threads for a .onnx model (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--json", description = "Print machine-readable JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (k < 1) {
            throw new IllegalArgumentException("--k must be >= 1, got " + k);
        }
        boolean single = history != null || domain != null;
        boolean batch = split != null || out != null;
        if (single == batch) {
            throw new IllegalArgumentException("give either --history and --domain (one history) or --split and --out (batch), "
                    + (single ? "not both" : "one of them"));
        }
        if (single && (history == null || domain == null)) {
            throw new IllegalArgumentException("one history needs both --history ID,ID,... and --domain NAME");
        }
        if (batch && (split == null || out == null)) {
            throw new IllegalArgumentException("batch mode needs both --split valid|test and --out FILE");
        }
        if (batch) {
            output.checkFile(out, OUT);
        }
        CdsrDataset data = dataOptions.read();
        try (TrainedModels m = TrainedModels.open(model, threads)) {
            m.requireDomains(data);
            return single ? one(m, data) : batch(m, data);
        }
    }

    private int one(TrainedModels m, CdsrDataset data) {
        Domain target = m.domain(domain);
        History h = parseHistory(data.items());
        List<ScoredItem> top = m.recommender.recommend(h, target, k);
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (int r = 0; r < top.size(); r++) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("rank", r + 1);
                o.put("item", top.get(r).item());
                o.put("score", top.get(r).score());
                o.put("title", data.items().item(top.get(r).item()).title());
                items.add(o);
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("model", model.toString());
            summary.put("kind", m.kind);
            summary.put("domain", target.name());
            summary.put("history", h.toArray());
            summary.put("recommendations", items);
            stdout.println(Json.write(summary));
            return 0;
        }
        stdout.printf("top %d of %s (%s) for a history of %d items:%n", k, target.name(), m.kind, h.length());
        for (int r = 0; r < top.size(); r++) {
            ScoredItem s = top.get(r);
            stdout.printf(Locale.ROOT, "%3d  %8d  %9.4f  %s%n", r + 1, s.item(), s.score(), data.items().item(s.item()).title());
        }
        return 0;
    }

    /** Parses --history, failing with the position and value of an id that is not a number or not an item of the data. */
    private History parseHistory(ItemCatalog items) {
        List<String> ids = history.size() == 1 && history.get(0).isBlank() ? List.of() : history;
        int[] h = new int[ids.size()];
        for (int i = 0; i < h.length; i++) {
            String v = ids.get(i).trim();
            try {
                h[i] = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--history: '" + v + "' at position " + (i + 1) + " is not an item id");
            }
            if (!items.isItem(h[i])) {
                throw new IllegalArgumentException("--history: item " + h[i] + " at position " + (i + 1) + " is not an item of the data "
                        + "(global ids 0.." + (items.size() - 1) + ")");
            }
        }
        return History.of(h);
    }

    private int batch(TrainedModels m, CdsrDataset data) throws Exception {
        Split s = Split.parse(split);
        List<EvaluationCase> cases = data.cases(s);
        Map<Domain, List<EvaluationCase>> byDomain = new LinkedHashMap<>();
        for (Domain d : data.domains()) {
            byDomain.put(d, new ArrayList<>());
        }
        for (EvaluationCase c : cases) {
            byDomain.get(data.items().domainOf(c.target())).add(c);
        }
        Map<EvaluationCase, List<ScoredItem>> lists = new LinkedHashMap<>();
        int skipped = 0;
        for (Map.Entry<Domain, List<EvaluationCase>> e : byDomain.entrySet()) {
            if (!m.scores(e.getKey())) {
                skipped += e.getValue().size();
                continue;
            }
            List<EvaluationCase> group = e.getValue();
            for (int from = 0; from < group.size(); from += BATCH) {
                List<EvaluationCase> part = group.subList(from, Math.min(group.size(), from + BATCH));
                List<List<ScoredItem>> top = m.recommender.recommendBatch(part.stream().map(EvaluationCase::input).toList(), e.getKey(), k);
                for (int i = 0; i < part.size(); i++) {
                    lists.put(part.get(i), top.get(i));
                }
            }
        }
        if (skipped > 0) {
            LOG.info("{} of {} {} users have a target in a domain the model does not score: left out", skipped, cases.size(), s.label());
        }
        AtomicFiles.write(out, o -> {
            Writer w = new OutputStreamWriter(o, StandardCharsets.UTF_8);
            w.write(HEADER);
            w.write('\n');
            for (EvaluationCase c : cases) {
                List<ScoredItem> top = lists.get(c);
                if (top == null) {
                    continue;
                }
                String d = data.items().domainOf(c.target()).name();
                for (int r = 0; r < top.size(); r++) {
                    w.write(String.format(Locale.ROOT, "%s\t%s\t%d\t%d\t%.4f%n", c.user(), d, r + 1, top.get(r).item(), top.get(r).score()));
                }
            }
            w.flush();
        }, output.writeOptions());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", model.toString());
        summary.put("kind", m.kind);
        summary.put("split", s.label());
        summary.put("users", lists.size());
        summary.put("skipped_users", skipped);
        summary.put("out", out.toString());
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            stdout.println(Json.write(summary));
        } else {
            stdout.printf("wrote the top %d of %d %s users to %s%n", k, lists.size(), s.label(), out);
        }
        return 0;
    }
}
