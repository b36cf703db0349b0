package dev.llmedt.engine;

/**
 * SplitMix64 streams kept in a {@code long[]} (one state per sequence), so that what a sequence
 * draws (dropout masks, negatives) does not depend on which worker processes it.
 */
public final class Rng {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Rng() {
    }

    /** Mixes a seed with two indices into a well-spread stream state. */
    public static long seed(long seed, long a, long b) {
        return mix(mix(seed + GOLDEN * (a + 1)) + GOLDEN * (b + 1));
    }

    /** Mixes a seed with three indices into a well-spread stream state (no allocation). */
    public static long seed(long seed, long a, long b, long c) {
        return mix(seed(seed, a, b) + GOLDEN * (c + 1));
    }

    /** Advances stream {@code s} and returns 64 random bits. */
    public static long nextLong(long[] state, int s) {
        long z = state[s] += GOLDEN;
        return mix(z);
    }

    /** Returns a uniform value in [0, 1) from stream {@code s} (24 random bits). */
    public static float nextUniform(long[] state, int s) {
        return highUniform(nextLong(state, s));
    }

    /** The first of two 24-bit uniforms in [0, 1) packed in 64 random bits. */
    public static float highUniform(long bits) {
        return (float) (bits >>> 40) / 16777216;
    }

    /** The second of two 24-bit uniforms in [0, 1) packed in 64 random bits. */
    public static float lowUniform(long bits) {
        return (float) ((bits >>> 16) & 0xFFFFFF) / 16777216;
    }

    /** Returns a uniform int in [0, bound) from stream {@code s}. */
    public static int nextInt(long[] state, int s, int bound) {
        return (int) (((nextLong(state, s) >>> 33) * bound) >>> 31);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
