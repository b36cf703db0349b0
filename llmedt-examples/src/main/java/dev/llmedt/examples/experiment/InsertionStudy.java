package dev.llmedt.examples.experiment;

import dev.llmedt.augment.InsertionStrategy;
import dev.llmedt.data.Domain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code insertion}: where the augmenter puts a bridge item, right after its source item (the
 * paper's rule, the reference row), at the end of the sequence, or at a random position; LLM-EDT
 * defaults otherwise.
 */
final class InsertionStudy implements Study {

    /** The augmenter with its defaults (after-source insertion); the reference of the tau and K rows too. */
    static RunSpec augmenterDefaults() {
        return RunSpec.llmEdt("llm-edt-augmenter").withAugmenter(RunSpec.AugmenterSettings.defaults());
    }

    @Override
    public String name() {
        return "insertion";
    }

    @Override
    public StudyOutput run(StudyContext context) throws Exception {
        List<Domain> domains = context.runner().data().domains();
        List<String> columns = new ArrayList<>(List.of("insertion", "insertions", "users augmented"));
        columns.addAll(MetricRow.headers(domains));
        StudyOutput out = context.open("Insertion position of the augmenter's bridge items (" + context.runner().data().name() + ")",
                StudyContext.PROTOCOL, columns);
        List<RunResult> reference = null;
        for (InsertionStrategy s : List.of(InsertionStrategy.AFTER_SOURCE, InsertionStrategy.APPEND, InsertionStrategy.RANDOM)) {
            RunSpec spec = s == InsertionStrategy.AFTER_SOURCE ? augmenterDefaults()
                    : RunSpec.llmEdt("llm-edt-augmenter-" + s.label()).withAugmenter(RunSpec.AugmenterSettings.defaults().withInsertion(s));
            List<RunResult> runs = context.runAll(spec);
            if (reference == null) {
                reference = runs;
            }
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("insertion", s.label());
            record.put("run", spec.name());
            record.put("insertions", mean(runs, "/augmentation/insertions"));
            record.put("users_augmented", mean(runs, "/augmentation/users_augmented"));
            Map<String, Object> metrics = MetricRow.metrics(runs, runs == reference ? null : reference, i -> true, domains);
            record.putAll(metrics);
            List<String> cells = new ArrayList<>(List.of(s.label(), String.format(Locale.ROOT, "%.0f", record.get("insertions")),
                    String.format(Locale.ROOT, "%.0f", record.get("users_augmented"))));
            cells.addAll(MetricRow.cells(metrics, domains));
            out.add(record, cells);
        }
        out.note("LLM-EDT defaults (hybrid items, phase 2 on, no profiles) with the offline augmenter (nearest other-domain item, tau 0.5, "
                + "K 64 clusters, at most 5 insertions per user, inserted items as context); only the placement differs.");
        out.note("insertions and users augmented: means over seeds.");
        return out;
    }

    /** The mean over runs of a number in their result.json. */
    static double mean(List<RunResult> runs, String pointer) {
        double s = 0;
        for (RunResult r : runs) {
            s += r.summary().at(pointer).asDouble() / runs.size();
        }
        return s;
    }
}
