package dev.llmedt.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Ranks from scores streamed block by block equal {@link Ranking#full} on the full rows: counts, ties, exclusions and NaN checks. */
class RankingStreamedTest {

    /** Feeds the row to a one-user Streamed in blocks of {@code block} items, target score first. */
    private static int streamed(float[] scores, int target, int[] excluded, int block) {
        Ranking.Streamed s = new Ranking.Streamed(new int[] {target}, new int[][] {excluded});
        s.pinned(0, scores[target]);
        for (int from = 0; from < scores.length; from += block) {
            int to = Math.min(scores.length, from + block);
            float[] b = new float[to - from];
            System.arraycopy(scores, from, b, 0, b.length);
            s.block(0, b, from, to);
        }
        return s.rank(0);
    }

    private static String outcome(java.util.function.IntSupplier rank) {
        try {
            return Integer.toString(rank.getAsInt());
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    @Test
    void equalsTheFullRowRank() {
        qt().withExamples(300).forAll(longs().all(), integers().between(1, 300), integers().between(1, 64)).checkAssert((seed, size, block) -> {
            SplittableRandom r = new SplittableRandom(seed);
            float[] scores = new float[size];
            for (int i = 0; i < size; i++) {
                scores[i] = r.nextInt(5) == 0 ? 1.0f : (float) r.nextInt(7) / 4; // many ties
            }
            int target = r.nextInt(size);
            if (r.nextInt(10) == 0) {
                scores[r.nextInt(size)] = Float.NaN; // sometimes a NaN, sometimes the target's
            }
            int[] excluded = IntStream.range(0, size).filter(i -> i != target && r.nextInt(6) == 0).toArray();
            for (int[] ex : new int[][] {excluded, new int[0]}) {
                assertEquals(outcome(() -> Ranking.full(scores, size, target, ex, ex.length)), outcome(() -> streamed(scores, target, ex, block)),
                        "seed " + seed);
            }
        });
    }

    @Test
    void aNaNTargetIsNamedBeforeOtherNaNs() {
        float[] scores = {0.5f, Float.NaN, Float.NaN};
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> streamed(scores, 2, new int[0], 2));
        assertEquals("the recommender returned a NaN score for the target (local index 2)", e.getMessage());
        assertEquals("the recommender returned NaN scores", assertThrows(IllegalStateException.class,
                () -> streamed(scores, 0, new int[] {1}, 2)).getMessage(), "an excluded item's NaN is still a NaN score");
    }
}
