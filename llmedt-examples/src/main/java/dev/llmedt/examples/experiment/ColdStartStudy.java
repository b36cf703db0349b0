package dev.llmedt.examples.experiment;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * {@code cold-start}: test users with fewer than {@value #COLD} input items in the target's domain,
 * and the rest, LLM-EDT (defaults) against SASRec (the reference of each group).
 */
final class ColdStartStudy implements Study {

    /** Users with fewer input items than this in the target's domain are cold. */
    static final int COLD = 5;

    @Override
    public String name() {
        return "cold-start";
    }

    @Override
    public StudyOutput run(StudyContext context) throws Exception {
        CdsrDataset data = context.runner().data();
        List<Domain> domains = data.domains();
        List<String> columns = new ArrayList<>(List.of("users", "method"));
        columns.addAll(MetricRow.headers(domains));
        StudyOutput out = context.open("Cold-start users (< " + COLD + " input items in the target domain), LLM-EDT vs SASRec ("
                + data.name() + ")", StudyContext.PROTOCOL, columns);
        List<EvaluationCase> cases = data.test();
        int[] inTarget = new int[cases.size()];
        for (int i = 0; i < cases.size(); i++) {
            EvaluationCase c = cases.get(i);
            inTarget[i] = c.input().countIn(domains.get(data.items().item(c.target()).domain()));
        }
        List<RunResult> sasrec = context.runAll(RunSpec.sasrec("sasrec"));
        List<RunResult> llmEdt = context.runAll(RunSpec.llmEdt("llm-edt"));
        Map<String, IntPredicate> groups = new LinkedHashMap<>();
        groups.put("cold (< " + COLD + " in target)", i -> inTarget[i] < COLD);
        groups.put("rest (>= " + COLD + " in target)", i -> inTarget[i] >= COLD);
        groups.put("all", i -> true);
        for (Map.Entry<String, IntPredicate> g : groups.entrySet()) {
            for (boolean isLlmEdt : new boolean[] {false, true}) {
                Map<String, Object> metrics = MetricRow.metrics(isLlmEdt ? llmEdt : sasrec, isLlmEdt ? sasrec : null, g.getValue(), domains);
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("users", g.getKey());
                record.put("method", isLlmEdt ? "llm-edt" : "sasrec");
                record.putAll(metrics);
                List<String> cells = new ArrayList<>(List.of(g.getKey(), isLlmEdt ? "LLM-EDT" : "SASRec"));
                cells.addAll(MetricRow.cells(metrics, domains));
                out.add(record, cells);
            }
        }
        long cold = java.util.Arrays.stream(inTarget).filter(n -> n < COLD).count();
        out.note(cold + " of " + cases.size() + " test users have fewer than " + COLD + " input items in their target's domain.");
        out.note("LLM-EDT: library defaults (hybrid items, phase 2 on, no augmenter, no profiles); SASRec: reference settings. The "
                + "reference (ref) of each LLM-EDT row is SASRec on the same users. valid NDCG@10 is over all validation users.");
        return out;
    }
}
