package dev.llmedt.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.eval.ScoreAgreement;
import dev.llmedt.ScoredItem;
import dev.llmedt.testing.HashingEncoder;
import dev.llmedt.testing.SyntheticModels;
import dev.llmedt.text.ItemTextTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model grown by new items, re-exported: ONNX Runtime serves the new items as the Java model does. */
class NewItemsExportTest {

    @Test
    void aReExportedModelRecommendsTheCopyOfAnItemNextToIt(@TempDir Path dir) throws IOException {
        LlmEdtModel model = SyntheticModels.llmEdtTextItems();
        Domain kitchen = SyntheticModels.DATA.domain("Kitchen");
        EvaluationCase c = SyntheticModels.DATA.test().stream().filter(e -> kitchen.contains(e.target())).findFirst().orElseThrow();
        int best = model.recommend(c.input(), kitchen, 1).get(0).item();
        String text = ItemTextTemplate.titles().render(SyntheticModels.DATA.items(), best);
        LlmEdtModel grown = model.withNewItems(kitchen, List.of(text), new HashingEncoder(48));
        Path file = dir.resolve("grown.onnx");
        OnnxExporter.export(grown, file);
        int copy = kitchen.endItem();
        try (OnnxRecommender onnx = OnnxRecommender.open(file)) {
            Domain served = onnx.domains().get(kitchen.index());
            assertEquals(grown.domains().get(kitchen.index()), served);
            List<ScoredItem> top = onnx.recommend(c.input(), served, 10);
            assertEquals(List.of(best, copy), List.of(top.get(0).item(), top.get(1).item()));
            assertEquals(top.get(0).score(), top.get(1).score(), 1e-6f);
            List<History> histories = SyntheticModels.DATA.test().stream().map(EvaluationCase::input).toList();
            ScoreAgreement a = ScoreAgreement.compare(grown, onnx, histories, served, 1e-4);
            assertTrue(a.withinTolerance(), a.toString());
        }
    }
}
