package dev.llmedt.engine;

import dev.llmedt.check.Require;

/**
 * Inverted dropout over feature-major activations: in training each element is kept with
 * probability {@code 1 - p} and scaled by {@code 1/(1 - p)}; masks are drawn from the row's
 * sequence stream ({@link Rng}). Holds its last mask (one instance per worker and use).
 */
public final class Dropout {

    private final float p;
    private final float[][] mask;
    private final int width;
    private boolean active;

    /** Creates a dropout of rate {@code p} in [0, 1) for {@code width x capacity} activations. */
    public Dropout(float p, int width, int capacity) {
        Require.inClosedOpen("dropout rate", p, 0, 1);
        this.p = p;
        this.width = width;
        this.mask = p > 0 ? new float[width][capacity] : null;
    }

    /**
     * Applies dropout in place when {@code training} and p > 0.
     *
     * @param sequenceOfRow the sequence (stream) of each row
     * @param streams the per-sequence random streams
     */
    public void forward(float[][] x, int rows, boolean training, int[] sequenceOfRow, long[] streams) {
        active = training && p > 0;
        if (!active) {
            return;
        }
        float scale = (float) 1.0 / (1 - p);
        // One 64-bit draw gives the masks of two features of a row.
        for (int f = 0; f < width; f += 2) {
            float[] m0 = mask[f];
            float[] m1 = mask[Math.min(f + 1, width - 1)];
            for (int r = 0; r < rows; r++) {
                long bits = Rng.nextLong(streams, sequenceOfRow[r]);
                m0[r] = Rng.highUniform(bits) >= p ? scale : 0;
                m1[r] = Rng.lowUniform(bits) >= p ? scale : 0;
            }
            for (int g = f; g < Math.min(f + 2, width); g++) {
                float[] m = mask[g];
                float[] xf = x[g];
                for (int r = 0; r < rows; r++) {
                    xf[r] *= m[r];
                }
            }
        }
    }

    /** Applies the last mask to a gradient in place. */
    public void backward(float[][] dx, int rows) {
        if (!active) {
            return;
        }
        for (int f = 0; f < width; f++) {
            float[] m = mask[f];
            float[] d = dx[f];
            for (int r = 0; r < rows; r++) {
                d[r] *= m[r];
            }
        }
    }
}
