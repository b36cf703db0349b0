package dev.llmedt.sasrec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.Recommender;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.Protocol;
import dev.llmedt.testing.SyntheticModels;
import java.util.HashMap;
import java.util.Map;
import dev.llmedt.engine.BlockScorers;
import org.junit.jupiter.api.Test;

/**
 * Full-ranking evaluation of a SASRec model streams its scores block by block; the ranks and
 * metrics equal those from full score rows (the same model behind a plain {@link Recommender}).
 */
class SasRecStreamedEvaluationTest {

    @Test
    void streamedRanksEqualFullRowRanks() {
        for (SasRecModel model : new SasRecModel[] {SyntheticModels.sasrec(), SyntheticModels.sasrecKitchen()}) {
            assertTrue(BlockScorers.of(model) != null, "a SASRec model streams its scores (registered with BlockScorers)");
            Recommender fullRows = model::score;
            for (Protocol protocol : new Protocol[] {Protocol.full(), Protocol.full().includingInputItems()}) {
                var cases = model.trainedDomain().isPresent()
                        ? SyntheticModels.DATA.test().stream().filter(c -> model.trainedDomain().get().contains(c.target())).toList()
                        : SyntheticModels.DATA.test();
                assertTrue(cases.size() > 10, "cases: " + cases.size());
                EvaluationReport expected = Evaluator.of(protocol).withBatchSize(7).evaluate(fullRows, SyntheticModels.DATA.items(), cases, "t");
                EvaluationReport actual = Evaluator.of(protocol).withBatchSize(7).evaluate(model, SyntheticModels.DATA.items(), cases, "t");
                assertArrayEquals(expected.ranks(), actual.ranks());
                Map<String, Object> e = new HashMap<>(expected.toMap());
                Map<String, Object> a = new HashMap<>(actual.toMap());
                e.remove("seconds");
                a.remove("seconds");
                assertEquals(e, a);
            }
        }
    }
}
