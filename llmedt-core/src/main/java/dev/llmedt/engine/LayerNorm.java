package dev.llmedt.engine;

/**
 * Layer normalization over the features of each row: {@code y = (x - mean) / sqrt(var + eps) * gamma + beta}
 * with the biased variance, as in PyTorch. Holds the statistics of its last forward pass for the
 * backward pass (one instance per worker and use).
 */
public final class LayerNorm {

    private final Parameter gamma;
    private final Parameter beta;
    private final int gammaIndex;
    private final int betaIndex;
    private final int width;
    private final float eps;
    private final float[] mean;
    private final float[] rstd;
    private final float[][] xhat;
    private final float[] sumA;
    private final float[] sumB;

    /** Creates a layer norm for {@code capacity} rows. */
    public LayerNorm(ParameterSet set, Parameter gamma, Parameter beta, float eps, int capacity) {
        this.gamma = gamma;
        this.beta = beta;
        this.gammaIndex = set.indexOf(gamma);
        this.betaIndex = set.indexOf(beta);
        this.width = gamma.cols();
        this.eps = eps;
        this.mean = new float[capacity];
        this.rstd = new float[capacity];
        this.xhat = new float[width][capacity];
        this.sumA = new float[capacity];
        this.sumB = new float[capacity];
    }

    /** Normalizes {@code rows} rows of x into y (y may be x). */
    public void forward(float[][] x, int rows, float[][] y) {
        java.util.Arrays.fill(mean, 0, rows, 0);
        java.util.Arrays.fill(rstd, 0, rows, 0);
        for (int f = 0; f < width; f++) {
            float[] xf = x[f];
            for (int r = 0; r < rows; r++) {
                mean[r] += xf[r];
            }
        }
        float invWidth = (float) 1.0 / width;
        for (int r = 0; r < rows; r++) {
            mean[r] *= invWidth;
        }
        for (int f = 0; f < width; f++) {
            float[] xf = x[f];
            for (int r = 0; r < rows; r++) {
                float c = xf[r] - mean[r];
                rstd[r] += c * c;
            }
        }
        for (int r = 0; r < rows; r++) {
            rstd[r] = (float) (1.0 / Math.sqrt(rstd[r] * invWidth + eps));
        }
        float[] g = gamma.vectorValue();
        float[] b = beta.vectorValue();
        for (int f = 0; f < width; f++) {
            float[] xf = x[f];
            float[] hf = xhat[f];
            float[] yf = y[f];
            float gf = g[f];
            float bf = b[f];
            for (int r = 0; r < rows; r++) {
                float h = (xf[r] - mean[r]) * rstd[r];
                hf[r] = h;
                yf[r] = h * gf + bf;
            }
        }
    }

    /** Back-propagates dy of the last forward pass into dx (set, or added when accumulate). */
    public void backward(float[][] dy, int rows, float[][] dx, boolean accumulate, Gradients grads) {
        float[] g = gamma.vectorValue();
        if (!gamma.frozen() || !beta.frozen()) {
            float[] dg = grads.at(gammaIndex)[0];
            float[] db = grads.at(betaIndex)[0];
            for (int f = 0; f < width; f++) {
                float[] dyf = dy[f];
                float[] hf = xhat[f];
                float sg = 0;
                float sb = 0;
                for (int r = 0; r < rows; r++) {
                    sg += dyf[r] * hf[r];
                    sb += dyf[r];
                }
                if (!gamma.frozen()) {
                    dg[f] += sg;
                }
                if (!beta.frozen()) {
                    db[f] += sb;
                }
            }
        }
        java.util.Arrays.fill(sumA, 0, rows, 0);
        java.util.Arrays.fill(sumB, 0, rows, 0);
        for (int f = 0; f < width; f++) {
            float[] dyf = dy[f];
            float[] hf = xhat[f];
            float gf = g[f];
            for (int r = 0; r < rows; r++) {
                float d = dyf[r] * gf;
                sumA[r] += d;
                sumB[r] += d * hf[r];
            }
        }
        float invWidth = (float) 1.0 / width;
        for (int r = 0; r < rows; r++) {
            sumA[r] *= invWidth;
            sumB[r] *= invWidth;
        }
        for (int f = 0; f < width; f++) {
            float[] dyf = dy[f];
            float[] hf = xhat[f];
            float[] dxf = dx[f];
            float gf = g[f];
            if (accumulate) {
                for (int r = 0; r < rows; r++) {
                    dxf[r] += rstd[r] * (dyf[r] * gf - sumA[r] - hf[r] * sumB[r]);
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    dxf[r] = rstd[r] * (dyf[r] * gf - sumA[r] - hf[r] * sumB[r]);
                }
            }
        }
    }
}
