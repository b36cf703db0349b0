package dev.llmedt.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each counter lands in its own report field; merging adds every counter. */
class AugmentationCountsTest {

    private static final long[] BINS = new long[10];

    private static AugmentationReport report(AugmentationCounts c) {
        return c.report(10, 7, 1, 0.5, Double.NaN, Map.of("A", 3), Map.of("A", 5L), Map.of("A", 6L), BINS, BINS);
    }

    /** A worker's counts: every counter a different, recognisable amount. */
    private static AugmentationCounts worker(int scale) {
        AugmentationCounts c = new AugmentationCounts();
        c.sourceItemsWithoutText(2L * scale);
        for (int k = 0; k < 3 * scale; k++) {
            c.generatorCall();
        }
        c.generatorFailure();
        for (int k = 0; k < 5 * scale; k++) {
            c.unparsableAnswer();
        }
        c.generatedTexts(7L * scale, 11L * scale);
        // 40 candidates: 13 below tau, 2 duplicates, 1 in the sequence, 4 beyond the cap, 20 inserted.
        for (int k = 0; k < 40 * scale; k++) {
            c.candidate();
        }
        for (int k = 0; k < 13 * scale; k++) {
            c.belowThreshold();
        }
        for (int k = 0; k < 2 * scale; k++) {
            c.duplicate();
        }
        for (int k = 0; k < scale; k++) {
            c.inSequence();
        }
        c.beyondInsertionCap(4L * scale);
        c.userInsertions(15L * scale);
        c.userInsertions(0);
        c.userInsertions(5L * scale);
        return c;
    }

    private static List<Long> counted(AugmentationReport r) {
        return List.of(r.usersAugmented(), r.insertions(), r.sourceItemsWithoutText(), r.generatorCalls(), r.generatorFailures(),
                r.unparsableAnswers(), r.generatedTexts(), r.generatedTextsBeyondLimit(), r.candidates(), r.droppedBelowThreshold(),
                r.droppedDuplicates(), r.droppedInSequence(), r.droppedByInsertionCap());
    }

    @Test
    void everyCounterLandsInItsReportField() {
        AugmentationReport r = report(worker(1));
        assertEquals(List.of(2L, 20L, 2L, 3L, 1L, 5L, 7L, 11L, 40L, 13L, 2L, 1L, 4L), counted(r),
                "a user with no insertion is not an augmented user");
        assertEquals(List.of(10L, 7L, 1L), List.of(r.users(), r.imbalancedUsers(), r.usersSkippedByCap()));
        assertEquals(0.5, r.meanSimilarity());
        assertTrue(Double.isNaN(r.meanMatchSimilarity()));
        assertEquals(Map.of("A", 3), r.clusters());
    }

    @Test
    void mergingAddsEveryCounterWhateverTheOrder() {
        AugmentationCounts total = new AugmentationCounts();
        for (int w = 1; w <= 3; w++) {
            total.merge(worker(w));
        }
        assertEquals(List.of(6L, 120L, 12L, 18L, 3L, 30L, 42L, 66L, 240L, 78L, 12L, 6L, 24L), counted(report(total)),
                "three workers' counters added, field by field");
        AugmentationCounts reversed = new AugmentationCounts();
        for (int w = 3; w >= 1; w--) {
            reversed.merge(worker(w));
        }
        assertEquals(report(total).toMap(), report(reversed).toMap());
        AugmentationCounts empty = new AugmentationCounts();
        empty.merge(new AugmentationCounts());
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L), counted(report(empty)));
    }

    @Test
    void aCandidateNotAccountedForIsAnError() {
        AugmentationCounts c = worker(1);
        c.candidate();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> report(c));
        assertTrue(e.getMessage().contains("41") && e.getMessage().contains("40"), e.getMessage());
    }
}
