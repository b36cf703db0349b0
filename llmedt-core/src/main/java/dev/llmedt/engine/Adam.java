package dev.llmedt.engine;

import java.util.List;

/**
 * Adam and AdamW with PyTorch's update rule: {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2},
 * {@code p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}. Adam adds {@code weightDecay * p}
 * to the gradient (L2); AdamW instead multiplies {@code p} by {@code 1 - lr * weightDecay} before the
 * step (decoupled). Every row is updated at every step, touched or not, as PyTorch does with dense
 * gradients. Frozen parameters are skipped. Updates of disjoint row ranges may run concurrently.
 */
public final class Adam {

    private final ParameterSet parameters;
    private final float[][][] m;
    private final float[][][] v;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;
    private double learningRate;
    private long step;

    /**
     * Creates the optimizer with zero moments.
     *
     * @param decoupled true for AdamW
     */
    public Adam(ParameterSet parameters, double learningRate, double beta1, double beta2, double eps, double weightDecay,
            boolean decoupled) {
        check("learningRate", learningRate, 0, 10, false);
        check("beta1", beta1, 0, 1, true);
        check("beta2", beta2, 0, 1, true);
        check("eps", eps, 0, 1, false);
        if (!(weightDecay >= 0 && weightDecay < 1)) {
            throw new IllegalArgumentException("weightDecay must be in [0, 1), got " + weightDecay);
        }
        this.parameters = parameters;
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        List<Parameter> list = parameters.list();
        m = new float[list.size()][][];
        v = new float[list.size()][][];
        for (int i = 0; i < list.size(); i++) {
            m[i] = new float[list.get(i).rows()][list.get(i).cols()];
            v[i] = new float[list.get(i).rows()][list.get(i).cols()];
        }
    }

    private static void check(String name, double value, double low, double high, boolean closedLow) {
        boolean ok = (closedLow ? value >= low : value > low) && value < high;
        if (!ok) {
            throw new IllegalArgumentException(name + " must be in " + (closedLow ? "[" : "(") + low + ", " + high + "), got " + value);
        }
    }

    /** Starts a new step: call once before updating the rows of that step. */
    public void beginStep() {
        step++;
    }

    /** Returns the number of steps begun. */
    public long step() {
        return step;
    }

    /** Returns the learning rate. */
    public double learningRate() {
        return learningRate;
    }

    /** Sets the learning rate (for schedules such as halving on plateau). */
    public void setLearningRate(double learningRate) {
        check("learningRate", learningRate, 0, 10, false);
        this.learningRate = learningRate;
    }

    /** Updates the rows {@code [rowFrom, rowTo)} of the parameter at {@code index} from its gradient. */
    public void update(int index, float[][] grad, int rowFrom, int rowTo) {
        Parameter p = parameters.list().get(index);
        if (p.frozen()) {
            return;
        }
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (learningRate / bc1);
        float invSqrtBc2 = (float) (1 / Math.sqrt(bc2));
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 - beta1);
        float c2 = (float) (1 - beta2);
        float e = (float) eps;
        float l2 = decoupled ? 0 : (float) weightDecay;
        float shrink = decoupled ? (float) (1 - learningRate * weightDecay) : 1;
        float[][] value = p.value();
        for (int row = rowFrom; row < rowTo; row++) {
            float[] w = value[row];
            float[] g = grad[row];
            float[] mr = m[index][row];
            float[] vr = v[index][row];
            for (int c = 0; c < w.length; c++) {
                float gc = g[c] + l2 * w[c];
                float mc = b1 * mr[c] + c1 * gc;
                float vc = b2 * vr[c] + c2 * gc * gc;
                mr[c] = mc;
                vr[c] = vc;
                w[c] = w[c] * shrink - stepSize * mc / ((float) Math.sqrt(vc) * invSqrtBc2 + e);
            }
        }
    }

    /** Returns the first-moment rows of a parameter (for checkpoints). */
    public float[][] firstMoment(int index) {
        return m[index];
    }

    /** Returns the second-moment rows of a parameter (for checkpoints). */
    public float[][] secondMoment(int index) {
        return v[index];
    }

    /** Restores the step counter (for checkpoints). */
    public void setStep(long step) {
        this.step = step;
    }
}
