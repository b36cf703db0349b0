package dev.llmedt.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.eval.Recommender;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acceptance check of the export on real data: models trained on food-kitchen, exported, score
 * all 937 test users in both domains as the Java models do (max absolute difference at most 1e-4,
 * the same top-10 ties aside). Needs the shared data and the experiments' model files.
 */
class FoodKitchenParityTest {

    private static final Logger LOG = LoggerFactory.getLogger(FoodKitchenParityTest.class);
    private static final double TOLERANCE = 1e-4;

    private static void check(String name, Recommender java, Path onnxFile, CdsrDataset data) {
        List<History> histories = data.test().stream().map(EvaluationCase::input).toList();
        assertEquals(937, histories.size());
        try (OnnxRecommender onnx = OnnxRecommender.builder(onnxFile).threads(2).build()) {
            for (Domain d : data.domains()) {
                Parity.Result r = Parity.compare(java, onnx, histories, d, TOLERANCE);
                LOG.info("parity of the food-kitchen {} model, domain {}: {}", name, d.name(), r);
                assertTrue(r.maxAbsDifference() <= TOLERANCE, name + " " + d + ": " + r);
                assertEquals(r.users(), r.sameTop10TiesAside(), name + " " + d + ": " + r);
            }
        }
    }

    @Test
    void sasrec(@TempDir Path dir) throws IOException {
        Path file = TrainedModelFiles.require("runs/sasrec-42/model");
        CdsrDataset data = CdsrDataset.read(SharedData.foodKitchen());
        Path onnx = dir.resolve("sasrec.onnx");
        OnnxExporter.export(file, onnx);
        check("SASRec", SasRecModel.load(file), onnx, data);
    }

    @Test
    void llmEdt(@TempDir Path dir) throws IOException {
        Path file = TrainedModelFiles.require("runs/h-p2gh-42/model");
        CdsrDataset data = CdsrDataset.read(SharedData.foodKitchen());
        Path onnx = dir.resolve("llm-edt.onnx");
        OnnxExporter.export(file, onnx);
        LlmEdtModel model = LlmEdtModel.load(file);
        for (Domain d : data.domains()) {
            LOG.info("domain {} gate of the food-kitchen LLM-EDT model: {}", d.name(), model.tensor(LlmEdtModel.domainGate(d.index())).data()[0]);
        }
        check("LLM-EDT", model, onnx, data);
    }
}
