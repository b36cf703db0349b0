package dev.llmedt.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.Recommender;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.dualphase.BackboneConfig;
import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.dualphase.DualPhaseInput;
import dev.llmedt.dualphase.FineTuningConfig;
import dev.llmedt.dualphase.ItemRepresentation;
import dev.llmedt.dualphase.LlmEdtTrainer;
import dev.llmedt.dualphase.PretrainingConfig;
import dev.llmedt.eval.ScoreAgreement;
import dev.llmedt.sasrec.SasRecConfig;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.sasrec.SasRecTrainer;
import dev.llmedt.testing.HashingEncoder;
import dev.llmedt.testing.SharedData;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acceptance check of the export on real data: small models trained here on food-kitchen (one
 * epoch per phase, the reference window of 50), exported, score all 937 test users in both
 * domains as the Java models do (max absolute difference at most 1e-4, the same top-10 ties
 * aside). The experiments' full-size models are checked the same way by {@code export-onnx --data}.
 */
class FoodKitchenParityTest {

    private static final Logger LOG = LoggerFactory.getLogger(FoodKitchenParityTest.class);
    private static final double TOLERANCE = 1e-4;

    private static void check(String name, Recommender java, Path onnxFile, CdsrDataset data) {
        List<History> histories = data.test().stream().map(EvaluationCase::input).toList();
        assertEquals(937, histories.size());
        try (OnnxRecommender onnx = OnnxRecommender.builder(onnxFile).threads(2).build()) {
            for (Domain d : data.domains()) {
                ScoreAgreement r = ScoreAgreement.compare(java, onnx, histories, d, TOLERANCE);
                LOG.info("parity of a food-kitchen {} model, domain {}: {}", name, d.name(), r);
                assertTrue(r.maxAbsDifference() <= TOLERANCE, name + " " + d + ": " + r);
                assertEquals(r.users(), r.sameTop10TiesAside(), name + " " + d + ": " + r);
            }
        }
    }

    @Test
    void sasrec(@TempDir Path dir) throws IOException {
        CdsrDataset data = CdsrDataset.read(SharedData.foodKitchen());
        SasRecModel model = new SasRecTrainer(SasRecConfig.builder().dim(32).blocks(2).heads(2).maxLength(50).batchSize(256).maxEpochs(1)
                .seed(42).threads(2).build(), TrainingListener.none()).train(data);
        Path onnx = dir.resolve("sasrec.onnx");
        OnnxExporter.export(model, onnx);
        check("SASRec", model, onnx, data);
    }

    @Test
    void llmEdt(@TempDir Path dir) throws IOException {
        CdsrDataset data = CdsrDataset.read(SharedData.foodKitchen());
        ItemEmbeddings embeddings = ItemEmbeddings.encode(data.items(), new HashingEncoder(64), ItemTextTemplate.titles(),
                ProgressListener.none());
        BackboneConfig backbone = BackboneConfig.builder().dim(32).blocks(2).heads(1).maxLength(50).dropout(0.2)
                .itemRepresentation(ItemRepresentation.HYBRID).pcaDimension(32).build();
        PretrainingConfig one = PretrainingConfig.builder().batchSize(256).maxEpochs(1).patience(1).build();
        FineTuningConfig two = FineTuningConfig.builder().enabled(true).batchSize(256).maxEpochs(1).patience(1).learningRate(0.01)
                .adapterSize(16).build();
        LlmEdtModel model = new LlmEdtTrainer(new DualPhaseConfig(backbone, one, two, 42, 2, false))
                .train(DualPhaseInput.of(data).withItemEmbeddings(embeddings), TrainingListener.none());
        Path onnx = dir.resolve("llm-edt.onnx");
        OnnxExporter.export(model, onnx);
        check("LLM-EDT", model, onnx, data);
    }
}
