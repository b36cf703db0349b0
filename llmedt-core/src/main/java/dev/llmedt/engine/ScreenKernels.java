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
 * when {@link Kernels#VECTOR}. The running sums stay in registers across the feature loop (through
 * the output arrays, as the training kernels keep theirs, a batch of 256 users ran at 21 instead of
 * 34 batches per second and one user 10% slower); a warm-up at class initialisation compiles the
 * kernel from a single-threaded profile. Eight users at a time, tried, compiled in some JVM runs into
 * a kernel that made a batch of 256 a third slower (22 against 34 batches per second).
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
     * Runs every path of the kernel (one to four users, the unrolled features and the remaining
     * ones) on a small table on one thread before any caller does, so that C2 compiles them from
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
            case 1, 2, 3 -> {
                // Fewer than four (the end of a batch): one by one; a user of zeros would cost as much as a real one.
                for (int j = 0; j < n; j++) {
                    one(t, users, userFrom, j, blockFrom, blockTo, out, norms, taus, hot);
                }
            }
            default -> throw new IllegalArgumentException("users per call: " + n + ", expected 1 to 4");
        }
    }

    private static FloatVector widen(byte[] codes, int at) {
        return (FloatVector) ByteVector.fromArray(BYTES, codes, at).castShape(FLOATS, 0);
    }

    /** Stores user j's approximate scores {@code sum * scale} of one vector of items and marks the block when one can reach tau. */
    private static void finish(ScreeningTable t, FloatVector sum, FloatVector scale, int item, float[][] out, int at, float[] norms,
            float[] taus, boolean[][] hot, int j, int blockAt) {
        FloatVector a = sum.mul(scale);
        a.intoArray(out[j], at);
        FloatVector upper = a.add(FloatVector.fromArray(FLOATS, t.slack, item).mul(norms[j]));
        if (upper.compare(VectorOperators.GE, taus[j]).anyTrue()) {
            hot[j][blockAt] = true;
        }
    }

    private static void one(ScreeningTable t, float[][] users, int userFrom, int j, int blockFrom, int blockTo, float[][] out,
            float[] norms, float[] taus, boolean[][] hot) {
        float[] u = users[userFrom + j];
        int width = t.width;
        int block = ScreeningTable.BLOCK;
        byte[] codes = t.codes;
        for (int b = blockFrom; b < blockTo; b++) {
            int base = b * width * block;
            int at = (b - blockFrom) * block;
            for (int s = 0; s < block; s += LANES) {
                // Four running sums, so that consecutive multiply-adds do not wait for each other.
                FloatVector a = FloatVector.zero(FLOATS);
                FloatVector c = FloatVector.zero(FLOATS);
                FloatVector d = FloatVector.zero(FLOATS);
                FloatVector e = FloatVector.zero(FLOATS);
                int f = 0;
                for (; f + 3 < width; f += 4) {
                    a = widen(codes, base + f * block + s).fma(FloatVector.broadcast(FLOATS, u[f]), a);
                    c = widen(codes, base + (f + 1) * block + s).fma(FloatVector.broadcast(FLOATS, u[f + 1]), c);
                    d = widen(codes, base + (f + 2) * block + s).fma(FloatVector.broadcast(FLOATS, u[f + 2]), d);
                    e = widen(codes, base + (f + 3) * block + s).fma(FloatVector.broadcast(FLOATS, u[f + 3]), e);
                }
                for (; f < width; f++) {
                    a = widen(codes, base + f * block + s).fma(FloatVector.broadcast(FLOATS, u[f]), a);
                }
                FloatVector scale = FloatVector.fromArray(FLOATS, t.scales, b * block + s);
                finish(t, a.add(c).add(d.add(e)), scale, b * block + s, out, at + s, norms, taus, hot, j, b - blockFrom);
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
                FloatVector a0 = FloatVector.zero(FLOATS);
                FloatVector a1 = FloatVector.zero(FLOATS);
                FloatVector a2 = FloatVector.zero(FLOATS);
                FloatVector a3 = FloatVector.zero(FLOATS);
                for (int f = 0; f < width; f++) {
                    FloatVector v = widen(codes, base + f * block + s);
                    a0 = v.fma(FloatVector.broadcast(FLOATS, u0[f]), a0);
                    a1 = v.fma(FloatVector.broadcast(FLOATS, u1[f]), a1);
                    a2 = v.fma(FloatVector.broadcast(FLOATS, u2[f]), a2);
                    a3 = v.fma(FloatVector.broadcast(FLOATS, u3[f]), a3);
                }
                FloatVector scale = FloatVector.fromArray(FLOATS, t.scales, b * block + s);
                int item = b * block + s;
                finish(t, a0, scale, item, out, at + s, norms, taus, hot, 0, b - blockFrom);
                finish(t, a1, scale, item, out, at + s, norms, taus, hot, 1, b - blockFrom);
                finish(t, a2, scale, item, out, at + s, norms, taus, hot, 2, b - blockFrom);
                finish(t, a3, scale, item, out, at + s, norms, taus, hot, 3, b - blockFrom);
            }
        }
    }
}
