package dev.llmedt.examples.experiment;

import dev.llmedt.data.Domain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sensitivity}: one setting changed at a time around the defaults. Phase 2 (beta, the
 * profile alignment weight, and the domain adapters' size) on the phase 1 of the LLM-EDT defaults,
 * which are those rows' reference; the augmenter (tau, the similarity threshold, and K, its
 * k-means clusters) around the augmenter's defaults, those rows' reference.
 */
final class SensitivityStudy implements Study {

    /** Values below and above the defaults (adapter 32, tau 0.5, K 64) and the reference's betas. */
    static final List<Integer> ADAPTER_SIZES = List.of(16, 64);
    static final List<Double> BETAS = List.of(0.1, 0.5, 1.0);
    static final List<Double> TAUS = List.of(0.4, 0.6);
    static final List<Integer> CLUSTERS = List.of(32, 128);

    @Override
    public String name() {
        return "sensitivity";
    }

    @Override
    public StudyOutput run(StudyContext context) throws Exception {
        List<Domain> domains = context.runner().data().domains();
        List<String> columns = new ArrayList<>(List.of("parameter", "value", "phase 1"));
        columns.addAll(MetricRow.headers(domains));
        StudyOutput out = context.open("Sensitivity to tau and K (augmenter), beta and adapter size (fine-tuning) ("
                + context.runner().data().name() + ")", StudyContext.PROTOCOL, columns);
        RunSpec defaults = RunSpec.llmEdt("llm-edt");
        List<RunResult> reference = context.runAll(defaults);
        add(out, domains, "defaults", "adapter 32, beta 0 (no profiles)", "trained", defaults, reference, null);
        for (int size : ADAPTER_SIZES) {
            RunSpec spec = RunSpec.llmEdt("llm-edt-adapter" + size).withAdapterSize(size, defaults);
            add(out, domains, "adapter size", Integer.toString(size), "of llm-edt", spec, context.runAll(spec), reference);
        }
        for (double beta : BETAS) {
            RunSpec spec = RunSpec.llmEdt("llm-edt-beta" + beta).withAlignmentWeight(beta, defaults);
            add(out, domains, "beta", Double.toString(beta), "of llm-edt", spec, context.runAll(spec), reference);
        }
        RunSpec augmenter = InsertionStudy.augmenterDefaults();
        List<RunResult> augmenterReference = context.runAll(augmenter);
        add(out, domains, "augmenter defaults", "tau 0.5, K 64", "trained", augmenter, augmenterReference, null);
        for (double tau : TAUS) {
            RunSpec spec = RunSpec.llmEdt("llm-edt-augmenter-tau" + tau).withAugmenter(RunSpec.AugmenterSettings.defaults().withTau(tau));
            add(out, domains, "tau", Double.toString(tau), "trained", spec, context.runAll(spec), augmenterReference);
        }
        for (int k : CLUSTERS) {
            RunSpec spec = RunSpec.llmEdt("llm-edt-augmenter-k" + k).withAugmenter(RunSpec.AugmenterSettings.defaults().withClusters(k));
            add(out, domains, "K", Integer.toString(k), "trained", spec, context.runAll(spec), augmenterReference);
        }
        out.note("Rows adapter size and beta train phase 2 only, on the phase 1 of the 'defaults' row (their ref); beta > 0 aligns the "
                + "domain threads with extractive user profiles (no generator). Rows tau and K train both phases with the augmenter "
                + "(their ref: 'augmenter defaults'). K is the augmenter's k-means clusters per domain; offline it only decides which "
                + "bridges survive the per-user cap of 5.");
        return out;
    }

    private static void add(StudyOutput out, List<Domain> domains, String parameter, String value, String phaseOne, RunSpec spec,
            List<RunResult> runs, List<RunResult> reference) throws java.io.IOException {
        Map<String, Object> metrics = MetricRow.metrics(runs, reference, i -> true, domains);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("parameter", parameter);
        record.put("value", value);
        record.put("run", spec.name());
        record.put("phase_one", phaseOne);
        record.put("settings", spec.describe());
        record.putAll(metrics);
        List<String> cells = new ArrayList<>(List.of(parameter, value, phaseOne));
        cells.addAll(MetricRow.cells(metrics, domains));
        out.add(record, cells);
    }
}
