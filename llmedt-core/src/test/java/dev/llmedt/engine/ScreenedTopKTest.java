package dev.llmedt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Screened top-k ({@link ScreenedTopK}) selects exactly what scoring every item does: the same
 * items in the same order with the same score bits, whatever the data, including exact ties,
 * near-ties closer than the compact copy can tell apart, tiny and huge magnitudes, zero vectors and
 * skipped items; and the bound it rests on holds for every item.
 */
class ScreenedTopKTest {

    /** Table kinds: 0 gaussian, 1 exact ties, 2 near-ties (one-ulp perturbations of a few items), 3 clustered, 4 one hub item. */
    private static float[][] table(SplittableRandom r, int width, int items, int kind, float magnitude) {
        float[][] t = new float[width][items];
        for (int i = 0; i < items; i++) {
            int like = i > 0 && (kind == 1 || kind == 2) && r.nextInt(3) == 0 ? r.nextInt(Math.min(i, 8)) : -1;
            for (int f = 0; f < width; f++) {
                float v;
                if (like >= 0) {
                    v = kind == 2 && r.nextBoolean() ? Math.nextUp(t[f][like]) : t[f][like];
                } else if (kind == 3) {
                    v = (float) (Math.sin(f + i % 5) + 0.01 * r.nextGaussian());
                } else if (kind == 4 && i % 7 == 3) {
                    v = 0; // zero vectors score exactly 0
                } else {
                    v = (float) r.nextGaussian();
                }
                t[f][i] = v * magnitude;
            }
        }
        return t;
    }

    private static float[][] users(SplittableRandom r, int n, int width, float magnitude) {
        float[][] u = new float[n][width];
        for (int b = 0; b < n; b++) {
            for (int f = 0; f < width; f++) {
                u[b][f] = b % 5 == 4 ? 0 : (float) r.nextGaussian() * magnitude; // every fifth user all zero: every score ties
            }
        }
        return u;
    }

    private static void assertSame(TopKScoring.Selection expected, TopKScoring.Selection actual, String what) {
        assertArrayEquals(expected.items(), actual.items(), what);
        for (int j = 0; j < expected.scores().length; j++) {
            assertEquals(0, Float.compare(expected.scores()[j], actual.scores()[j]), what + " rank " + j + ": " + expected.scores()[j] + " vs " + actual.scores()[j]);
        }
    }

    private static void check(long seed, int n, int width, int items, int k, int kind) {
        SplittableRandom r = new SplittableRandom(seed);
        float magnitude = (float) Math.pow(10, r.nextInt(7) - 3);
        float[][] table = table(r, width, items, kind, magnitude);
        float[][] u = users(r, n, width, (float) Math.pow(10, r.nextInt(5) - 2));
        int[][] skip = new int[n][];
        for (int b = 0; b < n; b++) {
            skip[b] = r.ints(r.nextInt(12), 0, items).sorted().toArray();
        }
        ScreeningTable screen = ScreeningTable.of(table, items, width);
        TopKScoring.Selection[] expected = TopKScoring.selectExact(u, n, width, table, items, skip, k, 7);
        for (boolean vector : new boolean[] {true, false}) {
            TopKScoring.Selection[] actual = ScreenedTopK.select(u, n, width, table, screen, items, skip, k, 7, vector);
            for (int b = 0; b < n; b++) {
                assertSame(expected[b], actual[b], "seed " + seed + " kind " + kind + " user " + b + " of " + n + ", width " + width
                        + ", items " + items + ", k " + k + (vector ? " (vector)" : " (scalar)"));
            }
        }
    }

    @Test
    void selectsWhatScoringEveryItemSelects() {
        assertTrue(Kernels.VECTOR && ScreenKernels.USABLE, "the tests run with --add-modules jdk.incubator.vector (see llmedt-core/pom.xml)");
        qt().withExamples(60).forAll(longs().all(), integers().between(1, 21), integers().between(1, 80), integers().between(1, 6000))
                .checkAssert((seed, n, width, items) -> check(seed, n, width, items, (int) Math.floorMod(seed, 30L) + 1,
                        (int) Math.floorMod(seed >> 8, 5L)));
    }

    @Test
    void acrossChunksAndWithEveryTableKind() {
        int items = 2 * ScreenedTopK.CHUNK_BLOCKS * ScreeningTable.BLOCK + 37;
        for (int kind = 0; kind < 5; kind++) {
            check(100 + kind, 6, 64, items, 10, kind);
            check(200 + kind, 1, 64, items, 1, kind);
        }
    }

    /**
     * The bound of {@link ScreeningTable}: every approximate score, by the scalar kernel and by the
     * vector kernel for one to four users at once, is within {@code ||u|| x slack} of the
     * exact one; and a block is marked hot exactly when one of its items' upper bound reaches tau.
     */
    @Test
    void theBoundHoldsForEveryItem() {
        qt().withExamples(40).forAll(longs().all(), integers().between(1, 80), integers().between(1, 3000)).checkAssert((seed, width, items) -> {
            SplittableRandom r = new SplittableRandom(seed);
            float[][] table = table(r, width, items, (int) Math.floorMod(seed, 5L), (float) Math.pow(10, r.nextInt(7) - 3));
            ScreeningTable screen = ScreeningTable.of(table, items, width);
            int padded = screen.blocks * ScreeningTable.BLOCK;
            for (int n : new int[] {1, 2, 3, 4}) {
                float[][] u = users(r, n, width, (float) Math.pow(10, r.nextInt(5) - 2));
                float[][] exact = new float[n][items];
                Kernels.scoreUsers(u, n, width, table, items, exact, 0);
                float[][] vector = new float[n][padded];
                boolean[][] hot = new boolean[n][screen.blocks];
                float[] norms = new float[n];
                float[] taus = new float[n];
                for (int b = 0; b < n; b++) {
                    norms[b] = ScreenedTopK.norm(u[b], width);
                    taus[b] = b % 3 == 0 ? Float.NEGATIVE_INFINITY : b % 3 == 1 ? Float.POSITIVE_INFINITY : 0;
                }
                ScreenKernels.approximate(screen, u, 0, n, 0, screen.blocks, vector, norms, taus, hot);
                float[] scalar = new float[padded];
                for (int b = 0; b < n; b++) {
                    for (int blk = 0; blk < screen.blocks; blk++) {
                        // -infinity: every block; +infinity: none; 0: those with an upper bound of at least 0.
                        boolean reaches = false;
                        for (int i = blk * ScreeningTable.BLOCK; i < (blk + 1) * ScreeningTable.BLOCK; i++) {
                            reaches |= vector[b][i] + norms[b] * screen.slack[i] >= taus[b];
                        }
                        assertEquals(reaches, hot[b][blk], n + " users: user " + b + " block " + blk);
                    }
                    screen.approximate(u[b], 0, padded, scalar);
                    for (int i = 0; i < items; i++) {
                        double bound = (double) norms[b] * screen.slack[i];
                        for (float a : new float[] {vector[b][i], scalar[i]}) {
                            if (Math.abs((double) exact[b][i] - a) > bound) {
                                fail(n + " users: item " + i + ": exact " + exact[b][i] + ", approximate " + a + ", bound " + bound);
                            }
                        }
                    }
                }
            }
        });
    }

    @Test
    void aNaNOrHugeUserAndANaNTableTakeTheExactPath() {
        SplittableRandom r = new SplittableRandom(5);
        int items = 4000;
        float[][] table = table(r, 8, items, 0, 1);
        ScreeningTable screen = ScreeningTable.of(table, items, 8);
        float[][] u = users(r, 3, 8, 1);
        u[0][3] = Float.NaN;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ScreenedTopK.select(u, 3, 8, table, screen, items, null, 5, 40, true));
        assertTrue(e.getMessage().contains("is NaN"), e.getMessage());
        u[0][3] = 1e37f; // finite, but a score could overflow: scored exactly
        TopKScoring.Selection[] expected = TopKScoring.selectExact(u, 3, 8, table, items, null, 5, 40);
        TopKScoring.Selection[] actual = ScreenedTopK.select(u, 3, 8, table, screen, items, null, 5, 40, true);
        for (int b = 0; b < 3; b++) {
            assertSame(expected[b], actual[b], "user " + b);
        }
        table[2][17] = Float.NaN;
        ScreeningTable broken = ScreeningTable.of(table, items, 8);
        assertFalse(broken.usable());
        u[0][3] = 0.5f;
        IllegalStateException named = assertThrows(IllegalStateException.class,
                () -> ScreenedTopK.select(u, 3, 8, table, broken, items, null, items / 10, 40, true));
        assertEquals("score of item 57 is NaN", named.getMessage());
    }

    @Test
    void aCopyOfAnotherTableIsNotUsed() {
        SplittableRandom r = new SplittableRandom(9);
        float[][] table = table(r, 16, 3000, 0, 1);
        float[][] other = table(r, 16, 3000, 0, 1);
        float[][] u = users(r, 2, 16, 1);
        TopKScoring.Selection[] expected = TopKScoring.selectExact(u, 2, 16, table, 3000, null, 10, 0);
        TopKScoring.Selection[] actual = ScreenedTopK.select(u, 2, 16, table, ScreeningTable.of(other, 3000, 16), 3000, null, 10, 0, true);
        for (int b = 0; b < 2; b++) {
            assertSame(expected[b], actual[b], "user " + b);
        }
        assertEquals(Arrays.toString(expected[0].items()), Arrays.toString(actual[0].items()));
    }
}
