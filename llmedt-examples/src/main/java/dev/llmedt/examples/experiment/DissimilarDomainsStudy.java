package dev.llmedt.examples.experiment;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.text.ItemEmbeddings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code dissimilar-domains}: a pair whose bridges are weak (meant for movie-book-partial, whose
 * Books carry no text): SASRec (reference), LLM-EDT without and with the augmenter, and how many
 * bridges the augmenter finds.
 */
final class DissimilarDomainsStudy implements Study {

    @Override
    public String name() {
        return "dissimilar-domains";
    }

    @Override
    public StudyOutput run(StudyContext context) throws Exception {
        CdsrDataset data = context.runner().data();
        List<Domain> domains = data.domains();
        List<String> columns = new ArrayList<>(List.of("method", "insertions", "users augmented / imbalanced"));
        columns.addAll(MetricRow.headers(domains));
        StudyOutput out = context.open("Dissimilar domains: " + data.name(), StudyContext.PROTOCOL, columns);
        List<RunResult> sasrec = context.runAll(RunSpec.sasrec("sasrec"));
        add(out, domains, "SASRec", sasrec, null);
        add(out, domains, "LLM-EDT", context.runAll(RunSpec.llmEdt("llm-edt")), sasrec);
        add(out, domains, "LLM-EDT + augmenter", context.runAll(InsertionStudy.augmenterDefaults()), sasrec);
        ItemEmbeddings embeddings = context.runner().embeddings();
        Map<String, Object> withoutText = new LinkedHashMap<>();
        StringBuilder text = new StringBuilder();
        for (Domain d : domains) {
            int n = 0;
            for (int item = d.firstItem(); item < d.endItem(); item++) {
                if (!embeddings.hasText(item)) {
                    n++;
                }
            }
            withoutText.put(d.name(), n);
            text.append(text.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %d of %d", d.name(), n, d.size()));
        }
        out.detail("items_without_text", withoutText);
        out.note("Items without text: " + text + ". Items without text are never bridge sources or candidates, so the augmenter can "
                + "only bridge between items that have titles.");
        out.note("LLM-EDT: library defaults (hybrid items: a text-less item keeps its learned ID vector). Augmenter: offline defaults "
                + "(tau 0.5, K 64, at most 5 insertions per user, after-source). ref: SASRec.");
        return out;
    }

    private static void add(StudyOutput out, List<Domain> domains, String method, List<RunResult> runs, List<RunResult> reference)
            throws java.io.IOException {
        Map<String, Object> metrics = MetricRow.metrics(runs, reference, i -> true, domains);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("method", method);
        record.put("run", runs.get(0).spec().name());
        boolean augmented = runs.get(0).summary().path("augmentation").isObject();
        record.put("insertions", augmented ? InsertionStudy.mean(runs, "/augmentation/insertions") : null);
        record.put("users_augmented", augmented ? InsertionStudy.mean(runs, "/augmentation/users_augmented") : null);
        record.put("imbalanced_users", augmented ? InsertionStudy.mean(runs, "/augmentation/imbalanced_users") : null);
        record.put("mean_bridge_similarity", augmented ? InsertionStudy.mean(runs, "/augmentation/mean_similarity") : null);
        record.putAll(metrics);
        List<String> cells = new ArrayList<>();
        cells.add(method);
        cells.add(augmented ? String.format(Locale.ROOT, "%.0f", record.get("insertions")) : "-");
        cells.add(augmented ? String.format(Locale.ROOT, "%.0f / %.0f", record.get("users_augmented"), record.get("imbalanced_users")) : "-");
        cells.addAll(MetricRow.cells(metrics, domains));
        out.add(record, cells);
    }
}
