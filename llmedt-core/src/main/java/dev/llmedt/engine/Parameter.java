package dev.llmedt.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named trainable tensor stored as rows ({@code value[row][col]}); a vector is one row. Values
 * are shared by every worker; each worker accumulates into its own {@link Gradients}.
 */
public final class Parameter {

    private final String name;
    private final int[] shape;
    private final float[][] value;
    private final boolean sparse;
    private boolean frozen;

    private Parameter(String name, int[] shape, int rows, int cols, boolean sparse) {
        this.name = Objects.requireNonNull(name, "name");
        this.shape = shape.clone();
        this.value = new float[rows][cols];
        this.sparse = sparse;
    }

    /** A matrix parameter {@code [rows x cols]}, such as a linear layer's weight in PyTorch layout. */
    public static Parameter matrix(String name, int rows, int cols) {
        check(name, rows, cols);
        return new Parameter(name, new int[] {rows, cols}, rows, cols, false);
    }

    /**
     * A lookup table {@code [rows x cols]} whose gradient touches few rows per step; its gradients
     * are zeroed and reduced row by row, only where touched.
     */
    public static Parameter table(String name, int rows, int cols) {
        check(name, rows, cols);
        return new Parameter(name, new int[] {rows, cols}, rows, cols, true);
    }

    /** A vector parameter of length {@code n} (one row). */
    public static Parameter vector(String name, int n) {
        check(name, 1, n);
        return new Parameter(name, new int[] {n}, 1, n, false);
    }

    private static void check(String name, int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("parameter " + name + " needs a positive shape, got " + rows + " x " + cols);
        }
    }

    /** Returns the name. */
    public String name() {
        return name;
    }

    /** Returns the logical shape ({@code [rows, cols]} or {@code [n]}). */
    public int[] shape() {
        return shape.clone();
    }

    /** Returns the number of rows (1 for a vector). */
    public int rows() {
        return value.length;
    }

    /** Returns the number of columns. */
    public int cols() {
        return value[0].length;
    }

    /** Returns the number of elements. */
    public long size() {
        return (long) rows() * cols();
    }

    /** Returns the live value rows. */
    public float[][] value() {
        return value;
    }

    /** Returns the vector of a one-row parameter. */
    public float[] vectorValue() {
        return value[0];
    }

    /** Returns whether the gradient is tracked by touched rows. */
    public boolean sparse() {
        return sparse;
    }

    /** Returns whether the parameter is frozen (no gradient accumulated, no update). */
    public boolean frozen() {
        return frozen;
    }

    /** Freezes or unfreezes the parameter; gradients still flow through it to its inputs. */
    public void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    /** Copies values from a flat row-major array of exactly {@link #size()} elements. */
    public void setFlat(float[] flat) {
        if (flat.length != size()) {
            throw new IllegalArgumentException("parameter " + name + " has " + size() + " elements, got " + flat.length);
        }
        int cols = cols();
        for (int r = 0; r < rows(); r++) {
            System.arraycopy(flat, r * cols, value[r], 0, cols);
        }
    }

    /** Returns the values as a flat row-major array. */
    public float[] toFlat() {
        int cols = cols();
        float[] flat = new float[Math.toIntExact(size())];
        for (int r = 0; r < rows(); r++) {
            System.arraycopy(value[r], 0, flat, r * cols, cols);
        }
        return flat;
    }

    /** Copies the values of another parameter of the same shape. */
    public void copyFrom(Parameter other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new IllegalArgumentException("shape mismatch for " + name + ": " + Arrays.toString(shape) + " vs "
                    + Arrays.toString(other.shape));
        }
        for (int r = 0; r < rows(); r++) {
            System.arraycopy(other.value[r], 0, value[r], 0, cols());
        }
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + (frozen ? " (frozen)" : "");
    }
}
