package dev.llmedt.engine;

import dev.llmedt.check.Require;
import java.util.Arrays;
import java.util.List;

/**
 * Adam and AdamW with PyTorch's update rule: {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2},
 * {@code p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}. Adam adds {@code weightDecay * p}
 * to the gradient (L2); AdamW instead multiplies {@code p} by {@code 1 - lr * weightDecay} before the
 * step (decoupled). Frozen parameters are skipped.
 *
 * <p>Every row moves at every step, touched or not, as in PyTorch with dense gradients. For sparse
 * (table) parameters that would stream the whole table through memory at each step, so a row
 * without gradient is left behind and its missed zero-gradient steps are replayed, with the same
 * floating-point operations in the same order, when it is next updated or read
 * ({@link #catchUp}, {@link #flush}): the values are those of the dense update, bit for bit.
 * Updates of disjoint row ranges may run concurrently.
 */
public final class Adam {

    private final ParameterSet parameters;
    private final float[][][] m;
    private final float[][][] v;
    private final int[][] lastStep;
    private final float b1;
    private final float b2;
    private final float c1;
    private final float c2;
    private final float eps;
    private final double beta1;
    private final double beta2;
    private final double weightDecay;
    private final boolean decoupled;
    private double learningRate;
    private int step;
    private boolean stepOpen;
    private float[] stepSizeAt = new float[64];
    private float[] invSqrtBc2At = new float[64];
    private float[] shrinkAt = new float[64];
    private float[] l2At = new float[64];

    /**
     * Creates the optimizer with zero moments.
     *
     * @param decoupled true for AdamW
     */
    public Adam(ParameterSet parameters, double learningRate, double beta1, double beta2, double eps, double weightDecay,
            boolean decoupled) {
        Require.inOpen("learningRate", learningRate, 0, 10);
        Require.inClosedOpen("beta1", beta1, 0, 1);
        Require.inClosedOpen("beta2", beta2, 0, 1);
        Require.inOpen("eps", eps, 0, 1);
        Require.inClosedOpen("weightDecay", weightDecay, 0, 1);
        this.parameters = parameters;
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.b1 = (float) beta1;
        this.b2 = (float) beta2;
        this.c1 = (float) (1 - beta1);
        this.c2 = (float) (1 - beta2);
        this.eps = (float) eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        List<Parameter> list = parameters.list();
        m = new float[list.size()][][];
        v = new float[list.size()][][];
        lastStep = new int[list.size()][];
        for (int i = 0; i < list.size(); i++) {
            Parameter p = list.get(i);
            m[i] = new float[p.rows()][p.cols()];
            v[i] = new float[p.rows()][p.cols()];
            if (p.sparse()) {
                lastStep[i] = new int[p.rows()];
            }
        }
    }

    /**
     * Starts a new step with the current learning rate: call once, then {@link #update} every row
     * range, then {@link #endStep}.
     */
    public void beginStep() {
        if (stepOpen) {
            throw new IllegalStateException("step " + step + " was not ended");
        }
        stepOpen = true;
        step++;
        if (step == stepSizeAt.length) {
            int n = stepSizeAt.length * 2;
            stepSizeAt = Arrays.copyOf(stepSizeAt, n);
            invSqrtBc2At = Arrays.copyOf(invSqrtBc2At, n);
            shrinkAt = Arrays.copyOf(shrinkAt, n);
            l2At = Arrays.copyOf(l2At, n);
        }
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        stepSizeAt[step] = (float) (learningRate / bc1);
        invSqrtBc2At[step] = (float) (1 / Math.sqrt(bc2));
        shrinkAt[step] = decoupled ? (float) (1 - learningRate * weightDecay) : 1;
        l2At[step] = decoupled ? 0 : (float) weightDecay;
    }

    /** Ends the current step: every row range has been updated. */
    public void endStep() {
        if (!stepOpen) {
            throw new IllegalStateException("no step is open");
        }
        stepOpen = false;
    }

    /** Returns the number of steps begun. */
    public int step() {
        return step;
    }

    /**
     * The optimizer's whole state between steps, for checkpoints: continuing from an imported state
     * gives the same values, bit for bit, as never having stopped.
     *
     * @param step the number of steps begun
     * @param learningRate the learning rate of the next step (after any schedule changes)
     * @param stepSizes per step {@code t} in {@code [0, step]}: {@code lr_t / (1 - beta1^t)} as applied (index 0 unused)
     * @param inverseBiasCorrections per step: {@code 1 / sqrt(1 - beta2^t)}
     * @param shrinks per step: AdamW's {@code 1 - lr_t * weightDecay} (1 for Adam)
     * @param l2s per step: Adam's L2 weight decay (0 for AdamW)
     * @param m per parameter (in set order): the first moments, or null for a frozen parameter
     * @param v per parameter: the second moments, or null for a frozen parameter
     * @param lastStep per parameter: for a sparse (table) parameter, the last step each row was
     *     brought up to date by (rows behind it replay the missed steps when next read); null otherwise
     */
    public record State(int step, double learningRate, float[] stepSizes, float[] inverseBiasCorrections, float[] shrinks, float[] l2s,
            float[][][] m, float[][][] v, int[][] lastStep) {
    }

    /**
     * Returns a copy of the state (between steps). Rows of sparse parameters that are behind stay
     * behind: their pending steps are replayed after {@link #importState}, as they would have been.
     *
     * @throws IllegalStateException inside a step
     */
    public State exportState() {
        if (stepOpen) {
            throw new IllegalStateException("export the state between steps, not inside step " + step);
        }
        List<Parameter> list = parameters.list();
        float[][][] mc = new float[list.size()][][];
        float[][][] vc = new float[list.size()][][];
        int[][] lc = new int[list.size()][];
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).frozen()) {
                continue;
            }
            mc[i] = deepCopy(m[i]);
            vc[i] = deepCopy(v[i]);
            lc[i] = lastStep[i] == null ? null : lastStep[i].clone();
        }
        int n = step + 1;
        return new State(step, learningRate, Arrays.copyOf(stepSizeAt, n), Arrays.copyOf(invSqrtBc2At, n), Arrays.copyOf(shrinkAt, n),
                Arrays.copyOf(l2At, n), mc, vc, lc);
    }

    private static float[][] deepCopy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int r = 0; r < a.length; r++) {
            c[r] = a[r].clone();
        }
        return c;
    }

    /**
     * Replaces the state with an exported one (between steps) of an optimizer over the same
     * parameters (names, shapes, frozen ones) with the same settings.
     *
     * @throws IllegalArgumentException when the state does not fit these parameters (the message says where)
     * @throws IllegalStateException inside a step
     */
    public void importState(State s) {
        if (stepOpen) {
            throw new IllegalStateException("import a state between steps, not inside step " + step);
        }
        List<Parameter> list = parameters.list();
        if (s.step() < 0 || s.stepSizes().length != s.step() + 1 || s.inverseBiasCorrections().length != s.step() + 1
                || s.shrinks().length != s.step() + 1 || s.l2s().length != s.step() + 1) {
            throw new IllegalArgumentException("the optimizer state of step " + s.step() + " needs " + (s.step() + 1)
                    + " entries per step table");
        }
        if (s.m().length != list.size() || s.v().length != list.size() || s.lastStep().length != list.size()) {
            throw new IllegalArgumentException("the optimizer state holds " + s.m().length + " parameters, this optimizer " + list.size());
        }
        for (int i = 0; i < list.size(); i++) {
            Parameter p = list.get(i);
            if (p.frozen()) {
                continue;
            }
            checkRows(p, "first moments", s.m()[i]);
            checkRows(p, "second moments", s.v()[i]);
            if ((lastStep[i] == null) != (s.lastStep()[i] == null)
                    || (lastStep[i] != null && s.lastStep()[i].length != lastStep[i].length)) {
                throw new IllegalArgumentException("the optimizer state's row steps of " + p.name() + " do not fit it");
            }
        }
        Require.inOpen("learningRate", s.learningRate(), 0, 10);
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).frozen()) {
                continue;
            }
            for (int r = 0; r < m[i].length; r++) {
                System.arraycopy(s.m()[i][r], 0, m[i][r], 0, m[i][r].length);
                System.arraycopy(s.v()[i][r], 0, v[i][r], 0, v[i][r].length);
            }
            if (lastStep[i] != null) {
                System.arraycopy(s.lastStep()[i], 0, lastStep[i], 0, lastStep[i].length);
            }
        }
        int capacity = 64;
        while (capacity <= s.step()) {
            capacity *= 2;
        }
        stepSizeAt = Arrays.copyOf(s.stepSizes(), capacity);
        invSqrtBc2At = Arrays.copyOf(s.inverseBiasCorrections(), capacity);
        shrinkAt = Arrays.copyOf(s.shrinks(), capacity);
        l2At = Arrays.copyOf(s.l2s(), capacity);
        step = s.step();
        learningRate = s.learningRate();
    }

    private static void checkRows(Parameter p, String what, float[][] rows) {
        if (rows == null || rows.length != p.rows() || (rows.length > 0 && rows[0].length != p.cols())) {
            throw new IllegalArgumentException("the optimizer state's " + what + " of " + p.name() + " do not have its shape "
                    + Arrays.toString(p.shape()));
        }
    }

    /** Returns the learning rate. */
    public double learningRate() {
        return learningRate;
    }

    /** Sets the learning rate of the following steps (for schedules such as halving on plateau). */
    public void setLearningRate(double learningRate) {
        Require.inOpen("learningRate", learningRate, 0, 10);
        this.learningRate = learningRate;
    }

    /**
     * Applies the current step to the rows {@code [rowFrom, rowTo)} of the parameter at {@code index}
     * with its gradient in {@code grads}. Rows of a sparse parameter without gradient are deferred.
     */
    public void update(int index, Gradients grads, int rowFrom, int rowTo) {
        if (!stepOpen) {
            throw new IllegalStateException("update outside a step: call beginStep first");
        }
        Parameter p = parameters.list().get(index);
        if (p.frozen()) {
            return;
        }
        float[][] grad = grads.at(index);
        int[] last = lastStep[index];
        for (int row = rowFrom; row < rowTo; row++) {
            if (last != null) {
                if (!grads.touched(index, row)) {
                    continue;
                }
                replay(index, row, step - 1);
                last[row] = step;
            }
            apply(p.value()[row], grad[row], m[index][row], v[index][row], step);
        }
    }

    /**
     * Brings one row of a sparse parameter up to date with every completed step (call between
     * steps, before reading the row).
     */
    public void catchUp(int index, int row) {
        if (stepOpen) {
            throw new IllegalStateException("catch up between steps, not inside step " + step);
        }
        if (lastStep[index] != null && lastStep[index][row] < step) {
            replay(index, row, step);
            lastStep[index][row] = step;
        }
    }

    /** Brings the rows {@code [rowFrom, rowTo)} of every sparse parameter up to date (before reading them all). */
    public void flush(int rowFrom, int rowTo) {
        for (int i = 0; i < lastStep.length; i++) {
            if (lastStep[i] == null || parameters.list().get(i).frozen()) {
                continue;
            }
            int to = Math.min(rowTo, lastStep[i].length);
            for (int row = rowFrom; row < to; row++) {
                catchUp(i, row);
            }
        }
    }

    /** Brings every row of every parameter up to date. */
    public void flushAll() {
        flush(0, Integer.MAX_VALUE);
    }

    /** Replays the zero-gradient steps {@code lastStep+1 .. upTo} of a row. */
    private void replay(int index, int row, int upTo) {
        float[] w = parameters.list().get(index).value()[row];
        float[] mr = m[index][row];
        float[] vr = v[index][row];
        for (int t = lastStep[index][row] + 1; t <= upTo; t++) {
            float l2 = l2At[t];
            step(w, null, mr, vr, t);
            if ((t & 63) == 0 && l2 == 0 && isZero(mr) && isZero(vr)) {
                // Both moments are zero and stay zero without gradient: the remaining steps only shrink w.
                for (int rest = t + 1; rest <= upTo; rest++) {
                    float sh = shrinkAt[rest];
                    if (sh != 1) {
                        for (int c = 0; c < w.length; c++) {
                            w[c] = w[c] * sh - stepSizeAt[rest] * 0 / ((float) Math.sqrt(0) * invSqrtBc2At[rest] + eps);
                        }
                    }
                }
                return;
            }
        }
    }

    private static boolean isZero(float[] a) {
        for (float x : a) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private void apply(float[] w, float[] g, float[] mr, float[] vr, int t) {
        step(w, g, mr, vr, t);
    }

    /**
     * Step {@code t} of one row, with gradient {@code g} or none ({@code null}, a replayed step): on
     * the Vector API when it is on ({@code VectorKernels#adamStep}, bit-identical), the columns past
     * its last full vector here.
     */
    private void step(float[] w, float[] g, float[] mr, float[] vr, int t) {
        float stepSize = stepSizeAt[t];
        float invSqrtBc2 = invSqrtBc2At[t];
        float shrink = shrinkAt[t];
        float l2 = l2At[t];
        int c = 0;
        if (Kernels.VECTOR) {
            c = w.length - w.length % VectorKernels.LANES;
            VectorKernels.adamStep(w, g, mr, vr, c, stepSize, invSqrtBc2, shrink, l2, b1, c1, b2, c2, eps);
        }
        if (g == null) {
            for (; c < w.length; c++) {
                float gc = 0 + l2 * w[c];
                float mc = b1 * mr[c] + c1 * gc;
                float vc = b2 * vr[c] + c2 * gc * gc;
                mr[c] = mc;
                vr[c] = vc;
                w[c] = w[c] * shrink - stepSize * mc / ((float) Math.sqrt(vc) * invSqrtBc2 + eps);
            }
        } else {
            for (; c < w.length; c++) {
                float gc = g[c] + l2 * w[c];
                float mc = b1 * mr[c] + c1 * gc;
                float vc = b2 * vr[c] + c2 * gc * gc;
                mr[c] = mc;
                vr[c] = vc;
                w[c] = w[c] * shrink - stepSize * mc / ((float) Math.sqrt(vc) * invSqrtBc2 + eps);
            }
        }
    }
}
