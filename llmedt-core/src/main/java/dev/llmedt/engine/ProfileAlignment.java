package dev.llmedt.engine;

import dev.llmedt.check.Require;

/**
 * LLM-EDT's profile alignment: a frozen profile embedding passes through a trainable two-layer
 * adapter {@code p = W2 relu(W1 x + b1) + b2}, the users' behavioural vectors {@code u} through a
 * trainable linear projection head {@code q = U u + c} (when the parameters hold one; otherwise
 * {@code q = u}), and each user's {@code q} is aligned with the user's own {@code p} against the
 * other users of the batch by a symmetric in-batch contrastive loss (InfoNCE) on cosine
 * similarities divided by a temperature. The head lets the loss shape {@code u} without forcing it
 * into the profile space. One instance per thread; buffers are allocated for a capacity of users
 * once.
 */
public final class ProfileAlignment {

    private final int profileWidth;
    private final int width;
    private final double temperature;
    private final Linear first;
    private final Linear second;
    private final Linear head;
    private final float[][] headIn;
    private final float[][] headOut;
    private final float[][] headGrad;
    private final float[][] headInGrad;
    private final int capacity;
    private final float[][] x;
    private final float[][] hidden;
    private final float[][] pre;
    private final float[][] projected;
    private final float[][] userUnit;
    private final float[][] profileUnit;
    private final float[][] gradUserUnit;
    private final float[][] gradProfileUnit;
    private final float[][] gradProjected;
    private final float[][] gradHidden;
    private final float[] userNorm;
    private final float[] profileNorm;
    private final double[][] work;
    private final RowScratch scratch = new RowScratch();

    /**
     * Creates the alignment over the adapter parameters {@code prefix + "0.weight"} ({@code [hidden x profileWidth]}),
     * {@code "0.bias"}, {@code "1.weight"} ({@code [width x hidden]}) and {@code "1.bias"}.
     *
     * @param temperature the InfoNCE temperature, > 0
     * @param capacity most users per call
     */
    public ProfileAlignment(ParameterSet set, String prefix, double temperature, int capacity) {
        Require.greaterThan("temperature", temperature, 0);
        this.first = new Linear(set, set.get(prefix + "0.weight"), set.get(prefix + "0.bias"));
        this.second = new Linear(set, set.get(prefix + "1.weight"), set.get(prefix + "1.bias"));
        this.profileWidth = first.in();
        this.width = second.out();
        this.head = set.contains(prefix + "user.weight") ? new Linear(set, set.get(prefix + "user.weight"), set.get(prefix + "user.bias"))
                : null;
        this.headIn = head == null ? null : new float[width][capacity];
        this.headOut = head == null ? null : new float[width][capacity];
        this.headGrad = head == null ? null : new float[width][capacity];
        this.headInGrad = head == null ? null : new float[width][capacity];
        this.temperature = temperature;
        this.capacity = capacity;
        int hid = first.out();
        x = new float[profileWidth][capacity];
        pre = new float[hid][capacity];
        hidden = new float[hid][capacity];
        projected = new float[width][capacity];
        userUnit = new float[capacity][width];
        profileUnit = new float[capacity][width];
        gradUserUnit = new float[capacity][width];
        gradProfileUnit = new float[capacity][width];
        gradProjected = new float[width][capacity];
        gradHidden = new float[hid][capacity];
        userNorm = new float[capacity];
        profileNorm = new float[capacity];
        work = new double[capacity + 2][capacity];
    }

    /**
     * Adds the adapter parameters {@code profileWidth -> hidden -> width} named by {@code prefix}
     * to a set, all zero, and the user projection head {@code width -> width} when asked.
     */
    public static void addParameters(ParameterSet set, String prefix, int profileWidth, int hidden, int width, boolean userHead) {
        set.add(Parameter.matrix(prefix + "0.weight", hidden, profileWidth));
        set.add(Parameter.vector(prefix + "0.bias", hidden));
        set.add(Parameter.matrix(prefix + "1.weight", width, hidden));
        set.add(Parameter.vector(prefix + "1.bias", width));
        if (userHead) {
            set.add(Parameter.matrix(prefix + "user.weight", width, width));
            set.add(Parameter.vector(prefix + "user.bias", width));
        }
    }

    /**
     * Projects {@code n} profile vectors: {@code out[i]} (row-major, model width) = adapter(profiles[i]).
     * Keeps the activations for a following backward pass.
     */
    public void project(float[][] profiles, int n, float[][] out) {
        check(n);
        for (int f = 0; f < profileWidth; f++) {
            float[] xf = x[f];
            for (int i = 0; i < n; i++) {
                xf[i] = profiles[i][f];
            }
        }
        first.forward(x, n, pre);
        Activation.RELU.forward(pre, first.out(), n, hidden);
        second.forward(hidden, n, projected);
        if (out != null) {
            Kernels.transpose(projected, width, n, out);
        }
    }

    /**
     * Back-propagates the gradient of the last {@link #project}'s outputs ({@code gradOut[i]},
     * row-major, model width) into the adapter's parameters (unless frozen).
     */
    public void projectBackward(float[][] gradOut, int n, Gradients grads) {
        check(n);
        Kernels.untranspose(gradOut, width, n, gradProjected);
        second.backward(hidden, gradProjected, n, gradHidden, false, grads, scratch);
        Activation.RELU.backward(pre, first.out(), n, gradHidden);
        first.backward(x, gradHidden, n, null, false, grads, scratch);
    }

    /**
     * Computes {@code weight x InfoNCE} between {@code n} user vectors and their profiles, adds its
     * gradient with respect to the user vectors into {@code gradUsers} (row-major) and accumulates
     * the adapter's gradients (unless frozen).
     *
     * @param users behavioural user vectors {@code [n][width]}, row-major
     * @param profiles frozen profile embeddings {@code [n][profileWidth]}, row-major
     * @return the weighted loss
     */
    public double forwardBackward(float[][] users, float[][] profiles, int n, double weight, float[][] gradUsers, Gradients grads) {
        check(n);
        if (n < 2) {
            return 0; // one user has no in-batch negative: the loss is constant
        }
        project(profiles, n, null);
        float[][] q = users;
        if (head != null) {
            for (int f = 0; f < width; f++) {
                float[] in = headIn[f];
                for (int i = 0; i < n; i++) {
                    in[i] = users[i][f];
                }
            }
            head.forward(headIn, n, headOut);
            q = userUnit; // the head's rows, normalized in place below
            Kernels.transpose(headOut, width, n, q);
        }
        for (int i = 0; i < n; i++) {
            userNorm[i] = unit(q[i], userUnit[i]);
            float[] p = profileUnit[i];
            for (int f = 0; f < width; f++) {
                p[f] = projected[f][i];
            }
            profileNorm[i] = unit(p, p);
            java.util.Arrays.fill(gradUserUnit[i], 0);
            java.util.Arrays.fill(gradProfileUnit[i], 0);
        }
        double loss = Losses.infoNce(userUnit, profileUnit, n, width, temperature, true, weight, gradUserUnit, gradProfileUnit, work);
        for (int i = 0; i < n; i++) {
            unitBackward(userUnit[i], gradUserUnit[i], userNorm[i]);
            unitBackward(profileUnit[i], gradProfileUnit[i], profileNorm[i]);
            for (int f = 0; f < width; f++) {
                gradProjected[f][i] = gradProfileUnit[i][f];
            }
        }
        if (head == null) {
            for (int i = 0; i < n; i++) {
                float[] gu = gradUsers[i];
                float[] gUnit = gradUserUnit[i];
                for (int f = 0; f < width; f++) {
                    gu[f] += gUnit[f];
                }
            }
        } else {
            Kernels.untranspose(gradUserUnit, width, n, headGrad);
            head.backward(headIn, headGrad, n, headInGrad, false, grads, scratch);
            for (int f = 0; f < width; f++) {
                float[] g = headInGrad[f];
                for (int i = 0; i < n; i++) {
                    gradUsers[i][f] += g[i];
                }
            }
        }
        second.backward(hidden, gradProjected, n, gradHidden, false, grads, scratch);
        Activation.RELU.backward(pre, first.out(), n, gradHidden);
        first.backward(x, gradHidden, n, null, false, grads, scratch);
        return loss * weight;
    }

    private void check(int n) {
        if (n > capacity) {
            throw new IllegalArgumentException(n + " users exceed the alignment's capacity " + capacity);
        }
    }

    /** Writes v / |v| into out and returns |v| (a tiny floor keeps a zero vector finite). */
    private float unit(float[] v, float[] out) {
        double s = 0;
        for (int f = 0; f < width; f++) {
            s += (double) v[f] * v[f];
        }
        float norm = (float) Math.max(Math.sqrt(s), 1e-12);
        float inv = 1 / norm;
        for (int f = 0; f < width; f++) {
            out[f] = v[f] * inv;
        }
        return norm;
    }

    /** In place: g (gradient w.r.t. the unit vector u) becomes the gradient w.r.t. v = |v| u. */
    private void unitBackward(float[] u, float[] g, float norm) {
        float dot = Kernels.dot(g, u, width);
        float inv = 1 / norm;
        for (int f = 0; f < width; f++) {
            g[f] = (g[f] - dot * u[f]) * inv;
        }
    }
}
