package dev.llmedt.dualphase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.llmedt.Recommender;
import dev.llmedt.ScoredItem;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.engine.BlockScorers;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.Protocol;
import dev.llmedt.testing.SyntheticModels;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LLM-EDT models stream their scores block by block for full-ranking evaluation and top-k, as
 * SASRec does: the ranks, metrics and top-k equal those computed from full score rows (the same
 * model behind a plain {@link Recommender}), for every kind of model (gated and plain threads,
 * text items, a dropped thread, phase 1 alone, the profile in the score).
 */
class LlmEdtStreamedEvaluationTest {

    private static List<Recommender> models() {
        return List.of(SyntheticModels.llmEdt(), SyntheticModels.llmEdtUngated(), SyntheticModels.llmEdtTextItems(),
                SyntheticModels.llmEdtWithoutFoodThread(), SyntheticModels.llmEdtPhaseOne(), SyntheticModels.llmEdtProfileInScore());
    }

    @Test
    void everyModelStreams() {
        for (Recommender m : models()) {
            assertTrue(BlockScorers.of(m) != null, m + " streams its scores");
        }
        assertTrue(SyntheticModels.llmEdt() instanceof LlmEdtModel);
    }

    @Test
    void streamedRanksEqualFullRowRanks() {
        List<EvaluationCase> cases = SyntheticModels.DATA.test();
        for (Recommender model : models()) {
            Recommender fullRows = model::score;
            for (Protocol protocol : new Protocol[] {Protocol.full(), Protocol.full().includingInputItems()}) {
                EvaluationReport expected = Evaluator.of(protocol).withBatchSize(7).evaluate(fullRows, SyntheticModels.DATA.items(), cases, "t");
                EvaluationReport actual = Evaluator.of(protocol).withBatchSize(7).evaluate(model, SyntheticModels.DATA.items(), cases, "t");
                assertArrayEquals(expected.ranks(), actual.ranks(), model + ", " + protocol);
                Map<String, Object> e = new HashMap<>(expected.toMap());
                Map<String, Object> a = new HashMap<>(actual.toMap());
                e.remove("seconds");
                a.remove("seconds");
                assertEquals(e, a);
            }
        }
    }

    @Test
    void streamedTopKEqualsFullRowTopK() {
        List<History> histories = SyntheticModels.DATA.test().stream().map(EvaluationCase::input).toList();
        for (Recommender model : models()) {
            Recommender fullRows = model::score;
            for (Domain d : SyntheticModels.DATA.domains()) {
                for (int k : new int[] {1, 10, d.size() + 3}) {
                    List<List<ScoredItem>> expected = fullRows.recommendBatch(histories, d, k);
                    List<List<ScoredItem>> actual = model.recommendBatch(histories, d, k);
                    assertEquals(expected, actual, model + ", " + d + ", k " + k);
                    for (int u = 0; u < histories.size(); u++) {
                        assertEquals(expected.get(u), model.recommend(histories.get(u), d, k), model + ", " + d + ", k " + k + ", user " + u);
                    }
                }
            }
        }
    }
}
