package dev.llmedt.engine;

/** Two reusable row-major scratch matrices of one worker, grown on demand (never per step once warm). */
public final class RowScratch {

    private float[][] a = new float[0][0];
    private float[][] b = new float[0][0];

    /** Returns scratch A with at least {@code rows x cols}. */
    public float[][] a(int rows, int cols) {
        if (a.length < rows || a.length == 0 || a[0].length < cols) {
            a = new float[Math.max(rows, a.length)][Math.max(cols, a.length == 0 ? 0 : a[0].length)];
        }
        return a;
    }

    /** Returns scratch B with at least {@code rows x cols}. */
    public float[][] b(int rows, int cols) {
        if (b.length < rows || b.length == 0 || b[0].length < cols) {
            b = new float[Math.max(rows, b.length)][Math.max(cols, b.length == 0 ? 0 : b[0].length)];
        }
        return b;
    }
}
