package dev.llmedt.engine;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Gradient accumulators for a {@link ParameterSet} (one worker's, or one part of a batch's),
 * aligned by parameter index. Sparse (table) parameters flag the rows they touch, so that zeroing
 * and reducing copy only those rows (scanning a flag per row is cheap next to a row of floats).
 * Accumulators may be allocated for only some parameters ({@link #Gradients(ParameterSet, Predicate)}):
 * the others are absent, and reading them is an error.
 */
public final class Gradients {

    private final ParameterSet parameters;
    private final float[][][] grad;
    private final boolean[][] touched;

    /** Allocates zero gradients for every parameter. */
    public Gradients(ParameterSet parameters) {
        this(parameters, p -> true);
    }

    /**
     * Allocates zero gradients for the parameters {@code kept} accepts; the others are absent
     * ({@link #at} returns null for them; callers must not write them).
     */
    public Gradients(ParameterSet parameters, Predicate<Parameter> kept) {
        this.parameters = parameters;
        List<Parameter> list = parameters.list();
        grad = new float[list.size()][][];
        touched = new boolean[list.size()][];
        for (int i = 0; i < list.size(); i++) {
            Parameter p = list.get(i);
            if (!kept.test(p)) {
                continue;
            }
            grad[i] = new float[p.rows()][p.cols()];
            if (p.sparse()) {
                touched[i] = new boolean[p.rows()];
            }
        }
    }

    /** Returns the parameters. */
    public ParameterSet parameters() {
        return parameters;
    }

    /** Returns the gradient rows of a parameter. */
    public float[][] of(Parameter p) {
        return grad[parameters.indexOf(p)];
    }

    /** Returns whether the parameter at an index has accumulators here. */
    public boolean has(int index) {
        return grad[index] != null;
    }

    /** Returns the gradient rows of the parameter at an index (null when absent). */
    public float[][] at(int index) {
        return grad[index];
    }

    /** Returns the gradient row of a parameter, flagging it touched when the parameter is sparse. */
    public float[] touchRow(int index, int row) {
        if (touched[index] != null) {
            touched[index][row] = true;
        }
        return grad[index][row];
    }

    /** Returns whether a row may hold a non-zero gradient (always true for dense parameters). */
    public boolean touched(int index, int row) {
        return touched[index] == null || touched[index][row];
    }

    /** Sets every gradient to zero. */
    public void zero() {
        for (int i = 0; i < grad.length; i++) {
            if (grad[i] != null) {
                zero(i, 0, grad[i].length);
            }
        }
    }

    /** Sets the rows {@code [rowFrom, rowTo)} of one parameter's gradient to zero. */
    public void zero(int index, int rowFrom, int rowTo) {
        if (grad[index] == null) {
            return;
        }
        boolean[] t = touched[index];
        for (int row = rowFrom; row < rowTo; row++) {
            if (t == null || t[row]) {
                Arrays.fill(grad[index][row], 0);
                if (t != null) {
                    t[row] = false;
                }
            }
        }
    }

    /**
     * Adds the gradients of {@code parts[0..count)} into this one for the rows
     * {@code [rowFrom, rowTo)} of one parameter, in that order (each row is the same sum, float for
     * float, however the rows are split between threads); parts where the parameter is absent, and
     * this one itself, are skipped. Threads may reduce disjoint row ranges of the same parameter
     * concurrently.
     */
    public void accumulate(Gradients[] parts, int count, int index, int rowFrom, int rowTo) {
        reduce(parts, count, index, rowFrom, rowTo, false);
    }

    /**
     * Like {@link #accumulate(Gradients[], int, int, int, int)}, and sets each part's rows to zero
     * as it reads them (while they are in cache), ready for the next step.
     */
    public void accumulateAndZero(Gradients[] parts, int count, int index, int rowFrom, int rowTo) {
        reduce(parts, count, index, rowFrom, rowTo, true);
    }

    private void reduce(Gradients[] parts, int count, int index, int rowFrom, int rowTo, boolean zero) {
        float[][] mine = grad[index];
        boolean[] myTouched = touched[index];
        for (int i = 0; i < count; i++) {
            Gradients other = parts[i];
            if (other == this || other.grad[index] == null) {
                continue;
            }
            float[][] theirs = other.grad[index];
            boolean[] theirTouched = other.touched[index];
            for (int row = rowFrom; row < rowTo; row++) {
                if (theirTouched != null) {
                    if (!theirTouched[row]) {
                        continue;
                    }
                    if (zero) {
                        theirTouched[row] = false;
                    }
                }
                if (myTouched != null) {
                    myTouched[row] = true;
                }
                float[] a = theirs[row];
                float[] b = mine[row];
                for (int c = 0; c < b.length; c++) {
                    b[c] += a[c];
                }
                if (zero) {
                    Arrays.fill(a, 0);
                }
            }
        }
    }
}
