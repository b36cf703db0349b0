package dev.llmedt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * An optimizer that exports its state, and another that imports it over a copy of the
 * parameters, continue bit for bit alike: moments, step, per-step tables after learning-rate
 * changes, and table rows left behind by the lazy update.
 */
class AdamStateTest {

    private static final long SEED = 0xADA4_0002L;

    @Test
    void anImportedStateContinuesLikeTheOriginal() {
        qt().withFixedSeed(SEED)
                .withExamples(30)
                .forAll(longs().all(), booleans().all(), integers().between(1, 90), integers().between(1, 60))
                .checkAssert(AdamStateTest::continuesAlike);
    }

    private static ParameterSet parameters() {
        ParameterSet set = new ParameterSet();
        set.add(Parameter.table("t", 9, 4));
        set.add(Parameter.matrix("w", 3, 2));
        set.add(Parameter.vector("frozen", 2)).setFrozen(true);
        return set;
    }

    private static void step(Adam adam, Gradients g, SplittableRandom random, ParameterSet set) {
        for (int k = 0; k < 2; k++) {
            int row = random.nextInt(9);
            float[] t = g.touchRow(0, row);
            for (int c = 0; c < t.length; c++) {
                t[c] += (float) random.nextDouble(-1, 1);
            }
        }
        for (float[] row : g.at(1)) {
            for (int c = 0; c < row.length; c++) {
                row[c] = (float) random.nextDouble(-1, 1);
            }
        }
        adam.beginStep();
        for (int i = 0; i < set.count(); i++) {
            adam.update(i, g, 0, set.list().get(i).rows());
        }
        adam.endStep();
        g.zero();
    }

    private static void continuesAlike(long seed, boolean decoupled, int before, int after) {
        ParameterSet a = parameters();
        SplittableRandom init = new SplittableRandom(seed);
        for (Parameter p : a.list()) {
            for (float[] row : p.value()) {
                for (int c = 0; c < row.length; c++) {
                    row[c] = (float) init.nextDouble(-1, 1);
                }
            }
        }
        Adam first = new Adam(a, 0.01, 0.9, 0.98, 1e-8, 0.05, decoupled);
        Gradients ga = new Gradients(a);
        SplittableRandom random = new SplittableRandom(seed ^ 1);
        for (int t = 0; t < before; t++) {
            if (t == before / 2) {
                first.setLearningRate(first.learningRate() / 2);
            }
            step(first, ga, random, a);
        }
        ParameterSet b = parameters();
        b.copyFrom(a); // rows behind stay behind
        Adam second = new Adam(b, 0.5, 0.9, 0.98, 1e-8, 0.05, decoupled);
        second.importState(first.exportState());
        Gradients gb = new Gradients(b);
        SplittableRandom randomB = new SplittableRandom(0);
        SplittableRandom randomA = new SplittableRandom(0);
        for (int t = 0; t < after; t++) {
            if (t == after / 3) {
                first.setLearningRate(first.learningRate() / 2);
                second.setLearningRate(second.learningRate() / 2);
            }
            step(first, ga, randomA, a);
            step(second, gb, randomB, b);
        }
        first.flushAll();
        second.flushAll();
        for (Parameter p : a.list()) {
            for (int r = 0; r < p.rows(); r++) {
                assertArrayEquals(p.value()[r], b.get(p.name()).value()[r], p.name() + " row " + r);
            }
        }
    }

    @Test
    void aStateOfOtherParametersIsRefused() {
        ParameterSet a = parameters();
        Adam.State state = new Adam(a, 0.01, 0.9, 0.98, 1e-8, 0, false).exportState();
        ParameterSet other = new ParameterSet();
        other.add(Parameter.matrix("w", 3, 2));
        assertThrows(IllegalArgumentException.class, () -> new Adam(other, 0.01, 0.9, 0.98, 1e-8, 0, false).importState(state));
        ParameterSet reshaped = new ParameterSet();
        reshaped.add(Parameter.table("t", 9, 4));
        reshaped.add(Parameter.matrix("w", 2, 3));
        reshaped.add(Parameter.vector("frozen", 2)).setFrozen(true);
        assertThrows(IllegalArgumentException.class, () -> new Adam(reshaped, 0.01, 0.9, 0.98, 1e-8, 0, false).importState(state));
    }
}
