package dev.llmedt.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Draws distinct uniform negatives from a domain, avoiding the target and the user's items. */
final class NegativeSampler {

    private NegativeSampler() {
    }

    /**
     * Fills {@code out} with {@code min(n, available)} distinct local indices drawn uniformly from
     * {@code [0, size)} minus the target and the excluded indices, and returns the count. When
     * {@code n} covers every available item, all of them are returned (in index order).
     *
     * @param excluded sorted distinct local indices to avoid (the target not among them)
     * @param taken scratch flags of length {@code size}, all false on entry and on return
     */
    static int sample(int size, int target, int[] excluded, int n, SplittableRandom random, int[] out, boolean[] taken) {
        int available = size - 1 - excluded.length;
        if (n >= available) {
            int k = 0;
            for (int i = 0; i < size; i++) {
                if (i != target && Arrays.binarySearch(excluded, i) < 0) {
                    out[k++] = i;
                }
            }
            return k;
        }
        taken[target] = true;
        for (int e : excluded) {
            taken[e] = true;
        }
        if (2L * n <= available) {
            // Rejection: at most half the pool is ever blocked, so each draw succeeds with p >= 1/2.
            for (int k = 0; k < n; ) {
                int i = random.nextInt(size);
                if (!taken[i]) {
                    taken[i] = true;
                    out[k++] = i;
                }
            }
        } else {
            // Dense case: a partial Fisher-Yates shuffle of the available pool.
            int[] pool = new int[available];
            int m = 0;
            for (int i = 0; i < size; i++) {
                if (!taken[i]) {
                    pool[m++] = i;
                }
            }
            for (int k = 0; k < n; k++) {
                int j = k + random.nextInt(available - k);
                int t = pool[k];
                pool[k] = pool[j];
                pool[j] = t;
                out[k] = pool[k];
                taken[out[k]] = true;
            }
        }
        taken[target] = false;
        for (int e : excluded) {
            taken[e] = false;
        }
        for (int k = 0; k < n; k++) {
            taken[out[k]] = false;
        }
        return n;
    }
}
