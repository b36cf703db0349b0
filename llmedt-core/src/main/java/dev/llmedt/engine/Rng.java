package dev.llmedt.engine;

/**
 * SplitMix64 streams kept in a {@code long[]} (one state per sequence), so that what a sequence
 * draws (dropout masks, negatives) does not depend on which worker processes it.
 */
public final class Rng {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Rng() {
    }

    /** Mixes a seed with any number of indices into a well-spread stream state. */
    public static long seed(long seed, long... indices) {
        long z = seed;
        for (long i : indices) {
            z = mix(z + GOLDEN * (i + 1));
        }
        return z;
    }

    /** Advances stream {@code s} and returns 64 random bits. */
    public static long nextLong(long[] state, int s) {
        long z = state[s] += GOLDEN;
        return mix(z);
    }

    /** Returns a uniform value in [0, 1) from stream {@code s} (24 random bits). */
    public static float nextUniform(long[] state, int s) {
        return (float) (nextLong(state, s) >>> 40) / 16777216;
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
