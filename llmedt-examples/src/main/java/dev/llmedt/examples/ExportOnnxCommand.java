package dev.llmedt.examples;

import dev.llmedt.Recommender;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.Split;
import dev.llmedt.eval.ScoreAgreement;
import dev.llmedt.onnx.OnnxExporter;
import dev.llmedt.onnx.OnnxRecommender;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llmedt export-onnx}: export a trained model file to ONNX. */
@Command(name = "export-onnx", mixinStandardHelpOptions = true,
        description = "Export a trained SASRec or LLM-EDT model file to ONNX (opset 17) for ONNX Runtime, then open it with ONNX "
                + "Runtime as a check. Inputs: history int64 [batch, length] (padded), lengths int64 [batch], domain and k int64 "
                + "scalars; outputs: scores [batch, items of the domain], top_scores and top_items [batch, k] (items not in the "
                + "history). The model's configuration and provenance go into metadata_props. With --data, also checks that the "
                + "export scores every user of --split as the model file does (max |score difference| <= --tolerance, same top-10 "
                + "ties aside) and exits with 1 when it does not.")
final class ExportOnnxCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file written by train.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "MODEL.onnx", description = "ONNX file to write.")
    Path out;

    @Mixin
    OutputOptions output;

    @Option(names = "--json", description = "Print a machine-readable JSON summary.")
    boolean json;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--split", defaultValue = "test", description = "With --data: the users checked, valid or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--tolerance", defaultValue = "1e-4",
            description = "With --data: the largest absolute score difference allowed (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        output.checkFile(out, "the ONNX file (--out)");
        long start = System.nanoTime();
        OnnxExporter.export(model, out, output.writeOptions());
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> summary = new LinkedHashMap<>();
        try (OnnxRecommender check = OnnxRecommender.builder(out).threads(1).build()) {
            summary.put("kind", check.metadata().get(OnnxExporter.META_KIND));
            List<Map<String, Object>> domains = new ArrayList<>();
            for (Domain d : check.domains()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", d.name());
                m.put("items", d.size());
                m.put("scored", check.scores(d));
                domains.add(m);
            }
            summary.put("domains", domains);
            if (dataOptions.data != null || !dataOptions.amazon.isEmpty()) {
                summary.put("parity", parity(check, summary));
            }
        }
        summary.put("model", model.toString());
        summary.put("out", out.toString());
        summary.put("bytes", Files.size(out));
        summary.put("opset", OnnxExporter.OPSET);
        summary.put("seconds", Math.round(seconds * 100) / 100.0);
        boolean agrees = !summary.containsKey("parity") || ((List<?>) summary.get("parity")).stream()
                .allMatch(p -> Boolean.TRUE.equals(((Map<?, ?>) p).get("within_tolerance")));
        if (json) {
            stdout.println(Json.write(summary));
        } else {
            stdout.printf("exported the %s model %s to %s (%.1f MB, opset %d) in %.1f s; ONNX Runtime opens it%n", summary.get("kind"), model,
                    out, Files.size(out) / 1e6, OnnxExporter.OPSET, seconds);
            if (summary.containsKey("parity")) {
                for (Object p : (List<?>) summary.get("parity")) {
                    Map<?, ?> m = (Map<?, ?>) p;
                    stdout.printf("parity, domain %s: %s%n", m.get("domain"), m.get("summary"));
                }
            }
        }
        return agrees ? 0 : 1;
    }

    /** Scores the split's users with the model file and with the export, per scored domain. */
    private List<Map<String, Object>> parity(OnnxRecommender onnx, Map<String, Object> summary) throws IOException {
        CdsrDataset data = dataOptions.read();
        Recommender java = TrainedModels.load(model, data);
        List<History> histories = data.cases(Split.parse(split)).stream().map(EvaluationCase::input).toList();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Domain d : onnx.domains()) {
            if (!onnx.scores(d)) {
                continue;
            }
            ScoreAgreement a = ScoreAgreement.compare(java, onnx, histories, d, tolerance);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("domain", d.name());
            m.put("split", split);
            m.put("users", a.users());
            m.put("max_abs_difference", a.maxAbsDifference());
            m.put("same_top10", a.sameTop10());
            m.put("same_top10_ties_aside", a.sameTop10TiesAside());
            m.put("within_tolerance", a.withinTolerance());
            m.put("summary", a.toString());
            out.add(m);
        }
        return out;
    }
}
