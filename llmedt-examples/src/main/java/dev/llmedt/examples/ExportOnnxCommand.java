package dev.llmedt.examples;

import dev.llmedt.data.Domain;
import dev.llmedt.onnx.OnnxExporter;
import dev.llmedt.onnx.OnnxRecommender;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llmedt export-onnx}: export a trained model file to ONNX. */
@Command(name = "export-onnx", mixinStandardHelpOptions = true,
        description = "Export a trained SASRec or LLM-EDT model file to ONNX (opset 17) for ONNX Runtime, then open it with ONNX "
                + "Runtime as a check. Inputs: history int64 [batch, length] (padded), lengths int64 [batch], domain and k int64 "
                + "scalars; outputs: scores [batch, items of the domain], top_scores and top_items [batch, k] (items not in the "
                + "history). The model's configuration and provenance go into metadata_props.")
final class ExportOnnxCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file written by train.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "MODEL.onnx", description = "ONNX file to write.")
    Path out;

    @Option(names = "--json", description = "Print a machine-readable JSON summary.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        long start = System.nanoTime();
        OnnxExporter.export(model, out);
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
        }
        summary.put("model", model.toString());
        summary.put("out", out.toString());
        summary.put("bytes", Files.size(out));
        summary.put("opset", OnnxExporter.OPSET);
        summary.put("seconds", Math.round(seconds * 100) / 100.0);
        if (json) {
            stdout.println(Json.write(summary));
        } else {
            stdout.printf("exported the %s model %s to %s (%.1f MB, opset %d) in %.1f s; ONNX Runtime opens it%n", summary.get("kind"), model,
                    out, Files.size(out) / 1e6, OnnxExporter.OPSET, seconds);
        }
        return 0;
    }
}
