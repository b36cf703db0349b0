package dev.llmedt.engine;

import dev.llmedt.check.Require;

/** Numerically stable loss functions with their gradients. */
public final class Losses {

    private Losses() {
    }

    /** {@code log(1 + exp(x))} without overflow. */
    public static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** The logistic function. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /**
     * Binary cross-entropy with logits: returns the loss {@code -[y log s(z) + (1-y) log(1-s(z))]}
     * and its derivative {@code s(z) - y} (times {@code weight}) into {@code gradOut[0]}.
     */
    public static double binaryCrossEntropy(double logit, boolean positive, double weight, double[] gradOut) {
        gradOut[0] = weight * (sigmoid(logit) - (positive ? 1 : 0));
        return positive ? softplus(-logit) : softplus(logit);
    }

    /**
     * In-batch contrastive loss (InfoNCE): row i of {@code a} should match row i of {@code b} among all
     * rows of {@code b}; logits {@code <a_i, b_j> / temperature}. Returns the mean over rows of the
     * cross-entropy; when {@code symmetric}, the mean of both directions (a to b, b to a). Gradients
     * (times {@code weight}) are ADDED into {@code gradA} and {@code gradB}.
     *
     * @param a {@code [n][width]} row-major
     * @param b {@code [n][width]} row-major
     * @param work at least {@code (n + 2) x n}
     */
    public static double infoNce(float[][] a, float[][] b, int n, int width, double temperature, boolean symmetric,
            double weight, float[][] gradA, float[][] gradB, double[][] work) {
        if (n < 1) {
            return 0;
        }
        Require.greaterThan("temperature", temperature, 0);
        double inv = 1 / temperature;
        double[] rowLogZ = work[n];
        double[] colLogZ = work[n + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                work[i][j] = Kernels.dot(a[i], b[j], width) * inv;
            }
        }
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, work[i][j]);
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += Math.exp(work[i][j] - max);
            }
            rowLogZ[i] = max + Math.log(sum);
            loss += rowLogZ[i] - work[i][i];
        }
        if (symmetric) {
            for (int j = 0; j < n; j++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    max = Math.max(max, work[i][j]);
                }
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += Math.exp(work[i][j] - max);
                }
                colLogZ[j] = max + Math.log(sum);
                loss += colLogZ[j] - work[j][j];
            }
        }
        double norm = n * (symmetric ? 2.0 : 1.0);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double delta = i == j ? 1 : 0;
                double g = Math.exp(work[i][j] - rowLogZ[i]) - delta;
                if (symmetric) {
                    g += Math.exp(work[i][j] - colLogZ[j]) - delta;
                }
                float c = (float) (g / norm * inv * weight);
                if (c == 0) {
                    continue;
                }
                float[] ga = gradA[i];
                float[] bj = b[j];
                for (int t = 0; t < width; t++) {
                    ga[t] += c * bj[t];
                }
                float[] gb = gradB[j];
                float[] ai = a[i];
                for (int t = 0; t < width; t++) {
                    gb[t] += c * ai[t];
                }
            }
        }
        return loss / norm;
    }
}
