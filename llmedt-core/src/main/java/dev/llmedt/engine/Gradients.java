package dev.llmedt.engine;

import java.util.Arrays;
import java.util.List;

/**
 * One worker's gradient accumulators for a {@link ParameterSet}, aligned by parameter index.
 * Sparse (table) parameters flag the rows they touch, so that zeroing and reducing copy only those
 * rows (scanning a flag per row is cheap next to a row of floats).
 */
public final class Gradients {

    private final ParameterSet parameters;
    private final float[][][] grad;
    private final boolean[][] touched;

    /** Allocates zero gradients for every parameter. */
    public Gradients(ParameterSet parameters) {
        this.parameters = parameters;
        List<Parameter> list = parameters.list();
        grad = new float[list.size()][][];
        touched = new boolean[list.size()][];
        for (int i = 0; i < list.size(); i++) {
            Parameter p = list.get(i);
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

    /** Returns the gradient rows of the parameter at an index. */
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
            zero(i, 0, grad[i].length);
        }
    }

    /** Sets the rows {@code [rowFrom, rowTo)} of one parameter's gradient to zero. */
    public void zero(int index, int rowFrom, int rowTo) {
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
     * Adds the gradients of other workers into this one for the rows {@code [rowFrom, rowTo)} of
     * one parameter, in worker order, so the sum is the same for a given worker count. Threads may
     * reduce disjoint row ranges of the same parameter concurrently.
     */
    public void accumulate(Gradients[] workers, int index, int rowFrom, int rowTo) {
        float[][] mine = grad[index];
        boolean[] myTouched = touched[index];
        for (Gradients other : workers) {
            if (other == this) {
                continue;
            }
            float[][] theirs = other.grad[index];
            boolean[] theirTouched = other.touched[index];
            for (int row = rowFrom; row < rowTo; row++) {
                if (theirTouched != null && !theirTouched[row]) {
                    continue;
                }
                if (myTouched != null) {
                    myTouched[row] = true;
                }
                float[] a = theirs[row];
                float[] b = mine[row];
                for (int c = 0; c < b.length; c++) {
                    b[c] += a[c];
                }
            }
        }
    }
}
