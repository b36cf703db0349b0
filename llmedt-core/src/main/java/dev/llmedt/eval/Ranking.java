package dev.llmedt.eval;

/**
 * The 0-based rank of a target among candidates, in one pass and without sorting.
 *
 * <p>A candidate ranks ahead of the target when its score is higher, or equal and its item id is
 * smaller. All indices are local to the target's domain.
 */
final class Ranking {

    private Ranking() {
    }

    /**
     * Rank among all items of the domain, ignoring the (sorted, distinct) excluded local indices,
     * which must not contain the target.
     */
    static int full(float[] scores, int size, int target, int[] excluded, int excludedCount) {
        float t = scores[target];
        checkFinite(t, target);
        int ahead = 0;
        boolean nan = false;
        for (int i = 0; i < target; i++) {
            float s = scores[i];
            nan |= s != s;
            ahead += s >= t ? 1 : 0;
        }
        for (int i = target + 1; i < size; i++) {
            float s = scores[i];
            nan |= s != s;
            ahead += s > t ? 1 : 0;
        }
        if (nan) {
            throw new IllegalStateException("the recommender returned NaN scores");
        }
        for (int e = 0; e < excludedCount; e++) {
            int i = excluded[e];
            if (i < target ? scores[i] >= t : scores[i] > t) {
                ahead--;
            }
        }
        return ahead;
    }

    /** Rank among the given negatives (local indices, distinct, none equal to the target). */
    static int sampled(float[] scores, int target, int[] negatives, int count) {
        float t = scores[target];
        checkFinite(t, target);
        int ahead = 0;
        for (int k = 0; k < count; k++) {
            int i = negatives[k];
            float s = scores[i];
            if (s != s) {
                throw new IllegalStateException("the recommender returned NaN scores");
            }
            if (s > t || (s == t && i < target)) {
                ahead++;
            }
        }
        return ahead;
    }

    private static void checkFinite(float t, int target) {
        if (t != t) {
            throw new IllegalStateException("the recommender returned a NaN score for the target (local index " + target + ")");
        }
    }
}
