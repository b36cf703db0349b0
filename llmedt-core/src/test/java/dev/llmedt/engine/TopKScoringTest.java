package dev.llmedt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Block-wise top-k equals scoring every item with {@link Kernels#scoreUsers} and sorting: same items, same score bits. */
class TopKScoringTest {

    /** The reference: full score rows by Kernels.scoreUsers, then a full sort by (score desc, index asc), skipped items out. */
    private static TopKScoring.Selection reference(float[] scores, int[] skip, int k) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (skip == null || Arrays.binarySearch(skip, i) < 0) {
                order.add(i);
            }
        }
        order.sort(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));
        int n = Math.min(Math.min(k, scores.length), order.size());
        int[] items = new int[n];
        float[] s = new float[n];
        for (int j = 0; j < n; j++) {
            items[j] = order.get(j);
            s[j] = scores[items[j]];
        }
        return new TopKScoring.Selection(items, s);
    }

    private static float[][] gaussian(SplittableRandom r, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int c = 0; c < cols; c++) {
                row[c] = (float) r.nextGaussian();
            }
        }
        return m;
    }

    private static void check(long seed, int users, int width, int items, int k, boolean ties) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] u = gaussian(r, users, width);
        float[][] table = new float[width][items];
        for (int i = 0; i < items; i++) {
            // With ties, items repeat a few earlier items' vectors exactly, so their scores are equal.
            int like = ties && i > 0 && r.nextInt(4) == 0 ? r.nextInt(i) : -1;
            for (int f = 0; f < width; f++) {
                table[f][i] = like >= 0 ? table[f][like] : (float) r.nextGaussian();
            }
        }
        int[][] skip = new int[users][];
        for (int b = 0; b < users; b++) {
            skip[b] = r.ints(r.nextInt(6), 0, items).sorted().toArray();
        }
        float[][] scores = new float[users][items];
        Kernels.scoreUsers(u, users, width, table, items, scores, 0);
        TopKScoring.Selection[] actual = TopKScoring.select(u, users, width, table, items, skip, k, 100);
        for (int b = 0; b < users; b++) {
            TopKScoring.Selection e = reference(scores[b], skip[b], k);
            assertArrayEquals(e.items(), actual[b].items(), "user " + b);
            for (int j = 0; j < e.scores().length; j++) {
                assertEquals(0, Float.compare(e.scores()[j], actual[b].scores()[j]), "user " + b + " rank " + j);
            }
        }
    }

    @Test
    void equalsScoringEveryItemThenSorting() {
        qt().withExamples(40).forAll(longs().all(), integers().between(1, 9), integers().between(1, 70), integers().between(1, 5000))
                .checkAssert((seed, users, width, items) -> check(seed, users, width, items, (int) Math.floorMod(seed, 40L) + 1, seed % 2 == 0));
    }

    /**
     * Every streamed score (not only the top k) is the float of {@link Kernels#scoreUsers}: users in
     * groups of four and alone, items across block boundaries and past the last full vector. The tests
     * run with the Vector API module, so this checks its scoring path against the scalar kernel.
     */
    @Test
    void everyStreamedScoreIsTheBitsOfScoreUsers() {
        assertTrue(Kernels.VECTOR, "the tests run with --add-modules jdk.incubator.vector (see llmedt-core/pom.xml)");
        qt().withExamples(40).forAll(longs().all(), integers().between(1, 9), integers().between(1, 70), integers().between(1, 5000))
                .checkAssert((seed, users, width, items) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    float[][] u = gaussian(r, users, width);
                    float[][] table = gaussian(r, width, items);
                    float[][] expected = new float[users][items];
                    Kernels.scoreUsers(u, users, width, table, items, expected, 0);
                    float[][] actual = new float[users][items];
                    for (float[] row : actual) {
                        Arrays.fill(row, Float.NaN);
                    }
                    TopKScoring.scoreBlocks(u, users, width, table, items, null, 0, new TopKScoring.Sink() {
                        @Override
                        public void pinned(int user, float score) {
                        }

                        @Override
                        public void block(int user, float[] scores, int from, int to) {
                            System.arraycopy(scores, 0, actual[user], from, to - from);
                        }
                    });
                    for (int b = 0; b < users; b++) {
                        for (int i = 0; i < items; i++) {
                            if (Float.compare(expected[b][i], actual[b][i]) != 0) { // -0 differs from 0 here
                                fail("user " + b + " of " + users + ", item " + i + " of " + items + ", width " + width + ": "
                                        + actual[b][i] + " streamed, " + expected[b][i] + " by scoreUsers");
                            }
                        }
                    }
                });
    }

    @Test
    void tiesGoToTheSmallerIndexAcrossBlocks() {
        // Every item the same vector: all scores tie, so the k smallest unskipped indices win, across block boundaries.
        int items = 3 * TopKScoring.ITEM_BLOCK + 5;
        float[][] table = new float[3][items];
        for (float[] f : table) {
            Arrays.fill(f, 0.5f);
        }
        TopKScoring.Selection[] s = TopKScoring.select(new float[][] {{1, 2, 3}}, 1, 3, table, items, new int[][] {{0, 2, 2}}, 4, 0);
        assertArrayEquals(new int[] {1, 3, 4, 5}, s[0].items());
        check(11, 3, 8, 3 * TopKScoring.ITEM_BLOCK + 17, 25, true);
        TopKScoring.Selection[] all = TopKScoring.select(new float[][] {{1, 2, 3}}, 1, 3, table, 5, null, 50, 0);
        assertEquals(5, all[0].items().length, "k beyond the domain gives every item");
    }

    @Test
    void aNaNScoreThatCouldEnterIsNamed() {
        float[][] table = {{1, Float.NaN, 2}};
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TopKScoring.select(new float[][] {{1}}, 1, 1, table, 3, null, 2, 40));
        assertTrue(e.getMessage().contains("item 41 is NaN"), e.getMessage());
        // A skipped NaN item is not scored into the result.
        assertArrayEquals(new int[] {2, 0}, TopKScoring.select(new float[][] {{1}}, 1, 1, table, 3, new int[][] {{1}}, 2, 40)[0].items());
        assertThrows(IllegalArgumentException.class, () -> TopKScoring.select(new float[][] {{1}}, 1, 1, table, 3, null, 0, 0));
    }
}
