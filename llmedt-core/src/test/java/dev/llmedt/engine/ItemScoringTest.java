package dev.llmedt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * One user's items split over two threads ({@link ItemScoring}) and any item range of
 * {@link Kernels#scoreUsers} give exactly the scores of the whole-table kernel, for tables whose
 * sizes are not multiples of the item block (2,048), of the group of four features or of a
 * vector's 16 floats.
 */
class ItemScoringTest {

    private final SplittableRandom random = new SplittableRandom(23);

    @Test
    void splitScoringIsBitIdenticalToTheWholeTableKernel() {
        int[][] shapes = {{64, 27_637}, {64, 4_099}, {63, 8_661}, {5, 70_001}, {64, 1}, {17, 2_049}};
        for (int[] shape : shapes) {
            int width = shape[0];
            int items = shape[1];
            float[][] table = gaussian(width, items + 7); // longer rows than the items scored, as a domain's table may be
            float[][] user = gaussian(1, width);
            float[][] expected = new float[1][items];
            Kernels.scoreUsers(user, 1, width, table, items, expected, 0);

            float[][] split = new float[1][items];
            ItemScoring.scoreOneUserSplit(user, width, table, items, split, 0);
            assertArrayEquals(expected[0], split[0], width + " x " + items + ": split over two threads");

            float[][] viaEntry = new float[2][items];
            ItemScoring.scoreUsers(user, 1, width, table, items, viaEntry, 1);
            assertArrayEquals(expected[0], viaEntry[1], width + " x " + items + ": ItemScoring.scoreUsers");

            int from = random.nextInt(items);
            int to = from + random.nextInt(items - from + 1);
            float[][] range = new float[1][items];
            Kernels.scoreUsers(user, 1, width, table, from, to, range, 0);
            for (int i = 0; i < items; i++) {
                assertEquals(i >= from && i < to ? expected[0][i] : 0, range[0][i], width + " x " + items + ": item " + i
                        + " of range [" + from + ", " + to + ")");
            }
        }
    }

    @Test
    void aBatchOfUsersGetsTheScoresOfEachUserAlone() {
        int width = 64;
        int items = 9_001;
        float[][] table = gaussian(width, items);
        float[][] users = gaussian(3, width);
        float[][] batch = new float[3][items];
        ItemScoring.scoreUsers(users, 3, width, table, items, batch, 0);
        for (int b = 0; b < 3; b++) {
            float[][] alone = new float[1][items];
            ItemScoring.scoreUsers(new float[][] {users[b]}, 1, width, table, items, alone, 0);
            assertArrayEquals(batch[b], alone[0], "user " + b);
        }
    }

    private float[][] gaussian(int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int c = 0; c < cols; c++) {
                row[c] = (float) random.nextGaussian();
            }
        }
        return m;
    }
}
