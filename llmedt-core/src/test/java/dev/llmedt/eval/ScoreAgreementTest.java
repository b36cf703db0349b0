package dev.llmedt.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.Recommender;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Agreement of two recommenders: score differences, identical top-10 lists and near-ties. */
class ScoreAgreementTest {

    private static final Domain DOMAIN = new Domain(0, "Food", 0, 30);
    private static final List<History> HISTORIES = List.of(History.empty(), History.of(3), History.of(5, 7, 29));

    /** Item i scores 30 - i (plus the history's length), shifted by {@code shift} for one item. */
    private static Recommender scores(int shiftedItem, float shift) {
        return (history, target, scores) -> {
            for (int i = 0; i < target.size(); i++) {
                scores[i] = 30 - i + history.length() + (target.firstItem() + i == shiftedItem ? shift : 0);
            }
        };
    }

    @Test
    void aRecommenderAgreesWithItself() {
        ScoreAgreement a = ScoreAgreement.compare(scores(-1, 0), scores(-1, 0), HISTORIES, DOMAIN, 1e-4);
        assertEquals(new ScoreAgreement(3, 0, 3, 3, 1e-4), a);
        assertTrue(a.withinTolerance());
    }

    @Test
    void aLargeDifferenceThatReordersTheTop10IsFound() {
        // Item 12 jumps to the top: every top-10 changes and the difference is 20.
        ScoreAgreement a = ScoreAgreement.compare(scores(-1, 0), scores(12, 20f), HISTORIES, DOMAIN, 1e-4);
        assertEquals(20, a.maxAbsDifference(), 1e-6);
        assertEquals(0, a.sameTop10());
        assertEquals(0, a.sameTop10TiesAside());
        assertFalse(a.withinTolerance());
    }

    @Test
    void aSwapOfNearTiesCountsAsTheSameTop10TiesAside() {
        Recommender tied = (history, target, scores) -> {
            for (int i = 0; i < target.size(); i++) {
                scores[i] = 30 - i;
            }
            scores[1] = scores[2];
        };
        Recommender swapped = (history, target, scores) -> {
            tied.score(history, target, scores);
            scores[1] -= 1e-5f; // item 2 now comes before item 1
        };
        ScoreAgreement a = ScoreAgreement.compare(tied, swapped, List.of(History.empty()), DOMAIN, 1e-4);
        assertEquals(0, a.sameTop10());
        assertEquals(1, a.sameTop10TiesAside());
        assertTrue(a.withinTolerance(), a.toString());
    }

    @Test
    void aNegativeToleranceIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScoreAgreement.compare(scores(-1, 0), scores(-1, 0), HISTORIES, DOMAIN, -1));
        assertTrue(e.getMessage().contains("tolerance"), e.getMessage());
    }
}
