package dev.llmedt.engine;

/**
 * Element-wise activations with their derivatives. GELU uses the erf form of PyTorch's default,
 * with erf from Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7, under float32
 * resolution) and the exact derivative of that approximation, so that gradients match it.
 */
public enum Activation {
    /** max(0, x). */
    RELU,
    /** x * Phi(x). */
    GELU;

    private static final double P = 0.3275911;
    private static final double A1 = 0.254829592;
    private static final double A2 = -0.284496736;
    private static final double A3 = 1.421413741;
    private static final double A4 = -1.453152027;
    private static final double A5 = 1.061405429;
    private static final double INV_SQRT2 = 0.7071067811865476;

    /** Applies the activation: {@code y[f][r] = act(x[f][r])} (y may be x only for RELU). */
    public void forward(float[][] x, int width, int rows, float[][] y) {
        for (int f = 0; f < width; f++) {
            float[] xf = x[f];
            float[] yf = y[f];
            if (this == RELU) {
                for (int r = 0; r < rows; r++) {
                    yf[r] = Math.max(xf[r], 0);
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    yf[r] = (float) gelu(xf[r]);
                }
            }
        }
    }

    /** Multiplies dy by the derivative at the forward input x, in place in dy. */
    public void backward(float[][] x, int width, int rows, float[][] dy) {
        for (int f = 0; f < width; f++) {
            float[] xf = x[f];
            float[] d = dy[f];
            if (this == RELU) {
                for (int r = 0; r < rows; r++) {
                    d[r] = xf[r] > 0 ? d[r] : 0;
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    d[r] *= (float) geluDerivative(xf[r]);
                }
            }
        }
    }

    static double gelu(double x) {
        return 0.5 * x * (1 + erf(x * INV_SQRT2));
    }

    static double geluDerivative(double x) {
        double z = x * INV_SQRT2;
        return 0.5 * (1 + erf(z)) + 0.5 * x * erfDerivative(z) * INV_SQRT2;
    }

    static double erf(double x) {
        double ax = Math.abs(x);
        double t = 1 / (1 + P * ax);
        double poly = t * (A1 + t * (A2 + t * (A3 + t * (A4 + t * A5))));
        double y = 1 - poly * Math.exp(-ax * ax);
        return x < 0 ? -y : y;
    }

    /** The derivative of {@link #erf} as implemented (not of the true erf). */
    static double erfDerivative(double x) {
        double ax = Math.abs(x);
        double t = 1 / (1 + P * ax);
        double poly = t * (A1 + t * (A2 + t * (A3 + t * (A4 + t * A5))));
        double dPolyDt = A1 + t * (2 * A2 + t * (3 * A3 + t * (4 * A4 + t * 5 * A5)));
        double dtDax = -P * t * t;
        double e = Math.exp(-ax * ax);
        // y = 1 - poly(t(ax)) * e(ax); dy/dax = -(poly' t' e + poly * (-2 ax) e); erf is odd, so erf' is even.
        return -(dPolyDt * dtDax * e - 2 * ax * poly * e);
    }
}
