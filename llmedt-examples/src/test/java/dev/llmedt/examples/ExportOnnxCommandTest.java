package dev.llmedt.examples;

import static dev.llmedt.examples.CliRunner.json;
import static dev.llmedt.examples.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmedt.data.History;
import dev.llmedt.onnx.OnnxRecommender;
import dev.llmedt.sasrec.SasRecModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code llmedt export-onnx} on a SASRec model trained by the command line. */
class ExportOnnxCommandTest {

    @Test
    void exportsATrainedModelThatScoresAsTheJavaModel(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("syn");
        assertEquals(0, run("generate-synthetic", "--out", data.toString(), "--seed", "5").status());
        Path model = dir.resolve("sasrec.model");
        json(run("train", "--data", data.toString(), "--out", model.toString(), "--max-epochs", "1", "--dim", "16", "--threads", "2",
                "--json"));
        Path onnx = dir.resolve("sasrec.onnx");
        JsonNode summary = json(run("export-onnx", "--model", model.toString(), "--out", onnx.toString(), "--json"));
        assertEquals("sasrec", summary.path("kind").asText());
        assertEquals(17, summary.path("opset").asInt());
        assertEquals(Files.size(onnx), summary.path("bytes").asLong());
        assertEquals("Kitchen", summary.at("/domains/1/name").asText());
        SasRecModel java = SasRecModel.load(model);
        try (OnnxRecommender r = OnnxRecommender.open(onnx)) {
            History h = History.of(1, 200, 3);
            float[] expected = new float[java.domains().get(1).size()];
            float[] actual = new float[expected.length];
            java.score(h, java.domains().get(1), expected);
            r.score(h, r.domains().get(1), actual);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-4);
            }
        }
        CliRunner.Result human = run("export-onnx", "--model", model.toString(), "--out", dir.resolve("again.onnx").toString());
        assertEquals(0, human.status(), human.err());
        assertTrue(human.out().contains("exported the sasrec model") && human.out().contains("ONNX Runtime opens it"), human.out());

        JsonNode checked = json(run("export-onnx", "--model", model.toString(), "--out", dir.resolve("checked.onnx").toString(), "--data",
                data.toString(), "--split", "valid", "--json"));
        assertEquals(2, checked.path("parity").size());
        for (JsonNode p : checked.path("parity")) {
            int users = dev.llmedt.data.CdsrDataset.read(data).valid().size();
            assertEquals(users, p.path("users").asInt());
            assertTrue(p.path("max_abs_difference").asDouble() <= 1e-4, p.toString());
            assertEquals(users, p.path("same_top10_ties_aside").asInt());
            assertTrue(p.path("within_tolerance").asBoolean());
        }
    }

    @Test
    void aFileThatIsNoModelGivesAClearError(@TempDir Path dir) throws Exception {
        Path notModel = dir.resolve("notes.txt");
        Files.writeString(notModel, "hello");
        CliRunner.Result r = run("export-onnx", "--model", notModel.toString(), "--out", dir.resolve("x.onnx").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("notes.txt"), r.err());
        CliRunner.Result missing = run("export-onnx", "--model", dir.resolve("none.model").toString(), "--out", dir.resolve("x.onnx").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("none.model"), missing.err());
    }
}
