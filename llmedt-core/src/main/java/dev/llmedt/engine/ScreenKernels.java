package dev.llmedt.engine;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The screening kernel of {@link ScreeningTable} on the incubating Vector API: the approximate
 * scores of up to four users over a range of item blocks, each vector of codes loaded and widened
 * once for all of them, with fused multiply-adds (the approximate scores need not match any other
 * computation bit for bit: {@link ScreeningTable}'s bound covers any order and fusing). Loaded only
 * when {@link Kernels#VECTOR}. (Eight users at a time, tried, compiled in some JVM runs into a kernel
 * that made a batch of 256 a third slower: 22 against 34 batches per second.)
 */
final class ScreenKernels {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = FLOATS.length();
    private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8));

    /** Whether the preferred vectors divide a block (4, 8 or 16 lanes): otherwise the scalar kernel runs. */
    static final boolean USABLE = LANES >= 4 && ScreeningTable.BLOCK % LANES == 0;

    /** How long the warm-up runs at most. */
    private static final long WARM_UP_NANOS = 150_000_000L;

    static {
        if (USABLE) {
            warmUp();
        }
    }

    private ScreenKernels() {
    }

    /**
     * Runs every path of the kernel (one to four users, the eight-feature steps and the remaining
     * features) on a small table on one thread before any caller does, so that C2 compiles them from
     * these profiles (as {@code VectorKernels} does for the training kernels).
     */
    private static void warmUp() {
        int width = 13;
        int items = 3 * ScreeningTable.BLOCK;
        float[][] table = new float[width][items];
        float[][] users = new float[4][width];
        for (int f = 0; f < width; f++) {
            for (int i = 0; i < items; i++) {
                table[f][i] = (float) Math.sin(f * 31 + i);
            }
            for (int j = 0; j < 4; j++) {
                users[j][f] = (float) Math.cos(f + 7 * j);
            }
        }
        ScreeningTable t = ScreeningTable.of(table, items, width);
        float[][] out = new float[4][items];
        boolean[][] hot = new boolean[4][t.blocks];
        float[] norms = {1, 1, 1, 1};
        float[] taus = {0, 0, 0, 0};
        long end = System.nanoTime() + WARM_UP_NANOS;
        for (int i = 0; i < 20_000 && System.nanoTime() < end; i++) {
            approximate(t, users, 0, 1 + (i & 3), 0, t.blocks, out, norms, taus, hot);
        }
    }

    /**
     * {@code out_j[c] = scales[i] * sum_f users[j][f] * codes(f, i)} for {@code j < n} ({@code n} in
     * 1..4) and the items {@code i = from + c} of the blocks {@code [blockFrom, blockTo)}, {@code from
     * = blockFrom x BLOCK}; and {@code hot[j][b - blockFrom]} set to whether an item of block {@code b}
     * has an upper bound {@code out_j[c] + norms[j] * slack[i]} (the float operations of
     * {@link ScreenedTopK}, so the same value) of at least {@code taus[j]}: the blocks left false
     * hold no item that can enter user j's top k.
     */
    static void approximate(ScreeningTable t, float[][] users, int userFrom, int n, int blockFrom, int blockTo, float[][] out,
            float[] norms, float[] taus, boolean[][] hot) {
        for (int j = 0; j < n; j++) {
            java.util.Arrays.fill(hot[j], 0, blockTo - blockFrom, false);
        }
        switch (n) {
            case 4 -> four(t, users, userFrom, blockFrom, blockTo, out, norms, taus, hot);
            case 3 -> {
                // A fourth user of zeros would cost as much as a real one: two and one instead.
                two(t, users, userFrom, 0, blockFrom, blockTo, out, norms, taus, hot);
                one(t, users, userFrom, 2, blockFrom, blockTo, out, norms, taus, hot);
            }
            case 2 -> two(t, users, userFrom, 0, blockFrom, blockTo, out, norms, taus, hot);
            case 1 -> one(t, users, userFrom, 0, blockFrom, blockTo, out, norms, taus, hot);
            default -> throw new IllegalArgumentException("users per call: " + n + ", expected 1 to 4");
        }
    }

    private static FloatVector widen(byte[] codes, int at) {
        return (FloatVector) ByteVector.fromArray(BYTES, codes, at).castShape(FLOATS, 0);
    }

    private static FloatVector times(float x) {
        return FloatVector.broadcast(FLOATS, x);
    }

    /*
     * As in VectorKernels, no vector lives across a loop's back edge: the running sums of an item
     * vector go through the output array, and each step below is straight-line code over eight
     * features (or one) that loads them, adds its products and stores them. Sums held in registers
     * across the feature loop compiled, in some JVM runs, into code several times slower.
     */

    /** {@code o[oAt..] += sum over the eight features f..f+7 of u[f] * codes}: two running sums, so that the multiply-adds overlap. */
    private static void eightFeatures(byte[] codes, int at, int stride, float[] u, int f, float[] o, int oAt) {
        FloatVector a = FloatVector.fromArray(FLOATS, o, oAt);
        FloatVector c = widen(codes, at).mul(u[f]);
        a = widen(codes, at + stride).fma(times(u[f + 1]), a);
        c = widen(codes, at + 2 * stride).fma(times(u[f + 2]), c);
        a = widen(codes, at + 3 * stride).fma(times(u[f + 3]), a);
        c = widen(codes, at + 4 * stride).fma(times(u[f + 4]), c);
        a = widen(codes, at + 5 * stride).fma(times(u[f + 5]), a);
        c = widen(codes, at + 6 * stride).fma(times(u[f + 6]), c);
        a = widen(codes, at + 7 * stride).fma(times(u[f + 7]), a);
        a.add(c).intoArray(o, oAt);
    }

    /** {@code o[oAt..] += u[f] * codes}. */
    private static void oneFeature(byte[] codes, int at, float[] u, int f, float[] o, int oAt) {
        widen(codes, at).fma(times(u[f]), FloatVector.fromArray(FLOATS, o, oAt)).intoArray(o, oAt);
    }

    /** The four users' running sums {@code o_j[oAt..] += sum over features f..f+3 of u_j[f] * codes}, each vector of codes widened once. */
    private static void fourFeaturesFourUsers(byte[] codes, int at, int stride, float[] u0, float[] u1, float[] u2, float[] u3, int f,
            float[] o0, float[] o1, float[] o2, float[] o3, int oAt) {
        FloatVector a0 = FloatVector.fromArray(FLOATS, o0, oAt);
        FloatVector a1 = FloatVector.fromArray(FLOATS, o1, oAt);
        FloatVector a2 = FloatVector.fromArray(FLOATS, o2, oAt);
        FloatVector a3 = FloatVector.fromArray(FLOATS, o3, oAt);
        FloatVector v0 = widen(codes, at);
        a0 = v0.fma(times(u0[f]), a0);
        a1 = v0.fma(times(u1[f]), a1);
        a2 = v0.fma(times(u2[f]), a2);
        a3 = v0.fma(times(u3[f]), a3);
        FloatVector v1 = widen(codes, at + stride);
        a0 = v1.fma(times(u0[f + 1]), a0);
        a1 = v1.fma(times(u1[f + 1]), a1);
        a2 = v1.fma(times(u2[f + 1]), a2);
        a3 = v1.fma(times(u3[f + 1]), a3);
        FloatVector v2 = widen(codes, at + 2 * stride);
        a0 = v2.fma(times(u0[f + 2]), a0);
        a1 = v2.fma(times(u1[f + 2]), a1);
        a2 = v2.fma(times(u2[f + 2]), a2);
        a3 = v2.fma(times(u3[f + 2]), a3);
        FloatVector v3 = widen(codes, at + 3 * stride);
        a0 = v3.fma(times(u0[f + 3]), a0);
        a1 = v3.fma(times(u1[f + 3]), a1);
        a2 = v3.fma(times(u2[f + 3]), a2);
        a3 = v3.fma(times(u3[f + 3]), a3);
        a0.intoArray(o0, oAt);
        a1.intoArray(o1, oAt);
        a2.intoArray(o2, oAt);
        a3.intoArray(o3, oAt);
    }

    /** The two users' running sums over one feature. */
    private static void oneFeatureTwoUsers(byte[] codes, int at, float[] u0, float[] u1, int f, float[] o0, float[] o1, int oAt) {
        FloatVector v = widen(codes, at);
        v.fma(times(u0[f]), FloatVector.fromArray(FLOATS, o0, oAt)).intoArray(o0, oAt);
        v.fma(times(u1[f]), FloatVector.fromArray(FLOATS, o1, oAt)).intoArray(o1, oAt);
    }

    /**
     * Scales user j's sums {@code out[j][at..]} of one vector of items (first item {@code item}) into
     * approximate scores, in place, and marks the block when one can reach tau.
     */
    private static void finish(ScreeningTable t, int item, float[][] out, int at, float[] norms, float[] taus, boolean[][] hot, int j,
            int blockAt) {
        FloatVector a = FloatVector.fromArray(FLOATS, out[j], at).mul(FloatVector.fromArray(FLOATS, t.scales, item));
        a.intoArray(out[j], at);
        FloatVector upper = a.add(FloatVector.fromArray(FLOATS, t.slack, item).mul(norms[j]));
        if (upper.compare(VectorOperators.GE, taus[j]).anyTrue()) {
            hot[j][blockAt] = true;
        }
    }

    private static void zero(float[] o, int at) {
        FloatVector.zero(FLOATS).intoArray(o, at);
    }

    private static void one(ScreeningTable t, float[][] users, int userFrom, int j, int blockFrom, int blockTo, float[][] out,
            float[] norms, float[] taus, boolean[][] hot) {
        float[] u = users[userFrom + j];
        float[] o = out[j];
        int width = t.width;
        int block = ScreeningTable.BLOCK;
        byte[] codes = t.codes;
        for (int b = blockFrom; b < blockTo; b++) {
            int base = b * width * block;
            int at = (b - blockFrom) * block;
            for (int s = 0; s < block; s += LANES) {
                zero(o, at + s);
                int f = 0;
                for (; f + 7 < width; f += 8) {
                    eightFeatures(codes, base + f * block + s, block, u, f, o, at + s);
                }
                for (; f < width; f++) {
                    oneFeature(codes, base + f * block + s, u, f, o, at + s);
                }
                finish(t, b * block + s, out, at + s, norms, taus, hot, j, b - blockFrom);
            }
        }
    }

    private static void two(ScreeningTable t, float[][] users, int userFrom, int j, int blockFrom, int blockTo, float[][] out,
            float[] norms, float[] taus, boolean[][] hot) {
        float[] u0 = users[userFrom + j];
        float[] u1 = users[userFrom + j + 1];
        float[] o0 = out[j];
        float[] o1 = out[j + 1];
        int width = t.width;
        int block = ScreeningTable.BLOCK;
        byte[] codes = t.codes;
        for (int b = blockFrom; b < blockTo; b++) {
            int base = b * width * block;
            int at = (b - blockFrom) * block;
            for (int s = 0; s < block; s += LANES) {
                zero(o0, at + s);
                zero(o1, at + s);
                for (int f = 0; f < width; f++) {
                    oneFeatureTwoUsers(codes, base + f * block + s, u0, u1, f, o0, o1, at + s);
                }
                finish(t, b * block + s, out, at + s, norms, taus, hot, j, b - blockFrom);
                finish(t, b * block + s, out, at + s, norms, taus, hot, j + 1, b - blockFrom);
            }
        }
    }

    private static void four(ScreeningTable t, float[][] users, int userFrom, int blockFrom, int blockTo, float[][] out, float[] norms,
            float[] taus, boolean[][] hot) {
        float[] u0 = users[userFrom];
        float[] u1 = users[userFrom + 1];
        float[] u2 = users[userFrom + 2];
        float[] u3 = users[userFrom + 3];
        int width = t.width;
        int block = ScreeningTable.BLOCK;
        byte[] codes = t.codes;
        for (int b = blockFrom; b < blockTo; b++) {
            int base = b * width * block;
            int at = (b - blockFrom) * block;
            for (int s = 0; s < block; s += LANES) {
                for (int j = 0; j < 4; j++) {
                    zero(out[j], at + s);
                }
                int f = 0;
                for (; f + 3 < width; f += 4) {
                    fourFeaturesFourUsers(codes, base + f * block + s, block, u0, u1, u2, u3, f, out[0], out[1], out[2], out[3], at + s);
                }
                for (; f < width; f++) {
                    oneFeatureTwoUsers(codes, base + f * block + s, u0, u1, f, out[0], out[1], at + s);
                    oneFeatureTwoUsers(codes, base + f * block + s, u2, u3, f, out[2], out[3], at + s);
                }
                for (int j = 0; j < 4; j++) {
                    finish(t, b * block + s, out, at + s, norms, taus, hot, j, b - blockFrom);
                }
            }
        }
    }
}
