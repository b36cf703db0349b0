package dev.llmedt.sasrec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.Recommender;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.ScoredItem;
import dev.llmedt.testing.SyntheticModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SasRecModel#recommendBatch} and {@link SasRecModel#recommend} (screened on the compact item
 * table, the survivors scored exactly) give what the default of {@link Recommender} gives from the
 * model's full score rows: the same items, the same score bits.
 */
class SasRecRecommendBatchTest {

    private static void assertSameAsFullRows(SasRecModel model, List<Domain> domains) {
        Recommender fullRows = model::score; // the interface's default recommendBatch: score every item, then select
        List<History> histories = new ArrayList<>();
        for (EvaluationCase c : SyntheticModels.DATA.test()) {
            histories.add(c.input());
        }
        histories.add(History.of());
        int repeated = domains.get(0).firstItem();
        histories.add(History.of(repeated, repeated, repeated + 1, repeated));
        int compared = 0;
        for (Domain d : domains) {
            for (int k : new int[] {1, 10, d.size() + 3}) {
                List<List<ScoredItem>> expected = fullRows.recommendBatch(histories, d, k);
                List<List<ScoredItem>> actual = model.recommendBatch(histories, d, k);
                for (int u = 0; u < histories.size(); u++) {
                    assertEquals(expected.get(u), model.recommend(histories.get(u), d, k), "one history: user " + u + " k " + k);
                }
                assertEquals(expected.size(), actual.size());
                for (int u = 0; u < expected.size(); u++) {
                    List<ScoredItem> e = expected.get(u);
                    List<ScoredItem> a = actual.get(u);
                    assertEquals(e.size(), a.size(), "user " + u + " k " + k);
                    for (int i = 0; i < e.size(); i++) {
                        assertEquals(e.get(i).item(), a.get(i).item(), "user " + u + " rank " + i + " k " + k);
                        assertEquals(Float.floatToIntBits(e.get(i).score()), Float.floatToIntBits(a.get(i).score()),
                                "user " + u + " rank " + i + " k " + k);
                        compared++;
                    }
                }
            }
        }
        assertTrue(compared > 1000, "compared " + compared);
    }

    @Test
    void mixedModelEqualsFullRows() {
        SasRecModel model = SyntheticModels.sasrec();
        assertSameAsFullRows(model, model.domains());
        assertThrows(IllegalArgumentException.class, () -> model.recommendBatch(List.of(History.of()), model.domains().get(0), 0));
    }

    @Test
    void singleDomainModelEqualsFullRows() {
        SasRecModel model = SyntheticModels.sasrecKitchen();
        assertSameAsFullRows(model, List.of(model.trainedDomain().orElseThrow()));
    }
}
