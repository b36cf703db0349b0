package dev.llmedt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Attention is causal: a position never sees later items (runs in float32 and float64). */
class CausalityTest {

    private final SplittableRandom random = new SplittableRandom(11);

    @Test
    void changingItemTPlusOneLeavesEarlierOutputsUnchanged() {
        GradientCheckTest.SmallSasRec m = new GradientCheckTest.SmallSasRec(random);
        m.loss(false);
        int s = 2;
        int first = m.batch.start[s];
        int n = m.batch.length[s];
        List<float[]> before = new ArrayList<>();
        for (int r = first; r < first + n; r++) {
            before.add(column(m.network.hidden(), r, m.shape.dim()));
        }
        for (int t = 0; t + 1 < n; t++) {
            int saved = m.batch.input[first + t + 1];
            m.batch.input[first + t + 1] = 1 + (saved + 5) % 12;
            m.loss(false);
            for (int r = 0; r <= t; r++) {
                assertArrayEquals(before.get(r), column(m.network.hidden(), first + r, m.shape.dim()),
                        "position " + r + " changed when item " + (t + 1) + " changed");
            }
            float[] later = column(m.network.hidden(), first + t + 1, m.shape.dim());
            assertTrue(!java.util.Arrays.equals(before.get(t + 1), later), "the changed position itself must change");
            m.batch.input[first + t + 1] = saved;
        }
    }

    private static float[] column(float[][] m, int r, int width) {
        float[] c = new float[width];
        for (int f = 0; f < width; f++) {
            c[f] = m[f][r];
        }
        return c;
    }

}
