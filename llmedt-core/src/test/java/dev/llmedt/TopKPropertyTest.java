package dev.llmedt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** {@link TopK#select} returns what sorting every unskipped item would: best score first, ties by smaller id. */
class TopKPropertyTest {

    /** Fixed, so that every run (and CI) checks the same examples. */
    private static final long SEED = 0x70B_0010L;

    /** Scores drawn from {@code distinct} values (few: many ties), with a fraction of items skipped. */
    record Case(long seed, int items, int k, int distinct) {
    }

    @Test
    void selectionEqualsTheHeadOfAFullSort() {
        Gen<Case> cases = longs().all().zip(integers().between(0, 300), integers().between(1, 20), integers().between(1, 50), Case::new);
        qt().withFixedSeed(SEED).withExamples(500).forAll(cases).checkAssert(TopKPropertyTest::sameAsSort);
    }

    private static void sameAsSort(Case c) {
        SplittableRandom r = new SplittableRandom(c.seed());
        float[] scores = new float[c.items()];
        boolean[] skip = new boolean[c.items()];
        for (int i = 0; i < c.items(); i++) {
            scores[i] = r.nextInt(c.distinct()) - c.distinct() / 2 + (r.nextInt(8) == 0 ? Float.NEGATIVE_INFINITY : 0);
            skip[i] = r.nextInt(5) == 0;
        }
        int first = 1000;
        List<ScoredItem> expected = IntStream.range(0, c.items()).filter(i -> !skip[i]).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i)).limit(c.k())
                .map(i -> new ScoredItem(first + i, scores[i])).toList();
        assertEquals(expected, TopK.select(scores, skip, first, c.k()), c::toString);
    }

    @Test
    void aNaNScoreIsReportedWithItsItem() {
        float[] scores = {3, 2, 1, 0, Float.NaN, 5};
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TopK.select(scores, null, 10, 2));
        assertEquals("score of item 14 is NaN", e.getMessage());
    }
}
