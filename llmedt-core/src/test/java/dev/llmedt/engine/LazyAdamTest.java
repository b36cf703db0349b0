package dev.llmedt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Deferring the zero-gradient updates of untouched table rows gives exactly (bit for bit) the
 * parameters of the dense update, for Adam and AdamW, with learning-rate changes on the way; for
 * row widths from 1 to 40 (the replay's inner loop vectorizes), and with a row that is never
 * touched (its replay takes the zero-moment shortcut after 64 steps).
 */
class LazyAdamTest {

    /** Fixed, so that every run (and CI) checks the same examples. */
    private static final long SEED = 0xADA4_0001L;

    @Test
    void deferredRowsEqualTheDenseUpdate() {
        qt().withFixedSeed(SEED)
                .withExamples(40)
                .forAll(longs().all(), booleans().all(), integers().between(1, 150), integers().between(0, 2))
                .checkAssert(LazyAdamTest::deferredRowsEqualTheDenseUpdate);
    }

    private static void deferredRowsEqualTheDenseUpdate(long seed, boolean decoupled, int steps, int decay) {
        int rows = 9;
        int cols = 1 + (int) Math.floorMod(seed >>> 5, 40L);
        ParameterSet sparseSet = new ParameterSet();
        Parameter sparse = sparseSet.add(Parameter.table("t", rows, cols));
        ParameterSet denseSet = new ParameterSet();
        Parameter dense = denseSet.add(Parameter.matrix("t", rows, cols));
        SplittableRandom random = new SplittableRandom(seed);
        for (float[] row : dense.value()) {
            for (int c = 0; c < cols; c++) {
                row[c] = (float) random.nextDouble(-1, 1);
            }
        }
        sparse.copyFrom(dense);
        double weightDecay = decay * 0.05;
        Adam lazy = new Adam(sparseSet, 0.01, 0.9, 0.98, 1e-8, weightDecay, decoupled);
        Adam eager = new Adam(denseSet, 0.01, 0.9, 0.98, 1e-8, weightDecay, decoupled);
        Gradients gs = new Gradients(sparseSet);
        Gradients gd = new Gradients(denseSet);
        for (int t = 0; t < steps; t++) {
            if (t == steps / 2) {
                lazy.setLearningRate(0.004);
                eager.setLearningRate(0.004);
            }
            for (int k = 0; k < 2; k++) {
                int row = random.nextInt(rows - 1); // the last row never gets a gradient
                for (int c = 0; c < cols; c++) {
                    float g = (float) random.nextDouble(-1, 1);
                    gs.touchRow(0, row)[c] += g;
                    gd.touchRow(0, row)[c] += g;
                }
            }
            int readRow = random.nextInt(rows);
            lazy.catchUp(0, readRow); // a forward pass reading a row between steps
            lazy.beginStep();
            eager.beginStep();
            lazy.update(0, gs, 0, rows);
            eager.update(0, gd, 0, rows);
            lazy.endStep();
            eager.endStep();
            gs.zero();
            gd.zero();
        }
        lazy.flushAll();
        for (int r = 0; r < rows; r++) {
            assertArrayEquals(dense.value()[r], sparse.value()[r], "row " + r);
        }
    }
}
