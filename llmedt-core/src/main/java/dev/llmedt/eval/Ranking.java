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

    /**
     * {@link #full} for many users at once, from scores streamed block by block
     * ({@link dev.llmedt.engine.BlockScorer}): each user's target score first, then every item in
     * ascending blocks. The same counts, the same checks: a NaN target score, then a NaN anywhere
     * in the domain; {@link #rank} throws them for the user.
     */
    static final class Streamed implements dev.llmedt.engine.TopKScoring.Sink {
        private final int[] targets;
        private final int[][] excluded;
        private final float[] targetScore;
        private final int[] ahead;
        private final int[] excludedAt;
        private final boolean[] nan;

        /**
         * @param targets each user's target (local index)
         * @param excluded each user's sorted, distinct excluded local indices (not the target), or an empty array
         */
        Streamed(int[] targets, int[][] excluded) {
            this.targets = targets;
            this.excluded = excluded;
            this.targetScore = new float[targets.length];
            this.ahead = new int[targets.length];
            this.excludedAt = new int[targets.length];
            this.nan = new boolean[targets.length];
        }

        @Override
        public void pinned(int user, float score) {
            targetScore[user] = score;
        }

        @Override
        public void block(int user, float[] scores, int from, int to) {
            float t = targetScore[user];
            int target = targets[user];
            // Local indices: [0, before) precede the target, [after, len) follow it (the loops of full, per block).
            int len = to - from;
            int before = Math.min(Math.max(target - from, 0), len);
            int after = target >= from && target < to ? target - from + 1 : before;
            int count = 0;
            boolean anyNan = false;
            for (int j = 0; j < before; j++) {
                float s = scores[j];
                anyNan |= s != s;
                count += s >= t ? 1 : 0;
            }
            for (int j = after; j < len; j++) {
                float s = scores[j];
                anyNan |= s != s;
                count += s > t ? 1 : 0;
            }
            int[] skip = excluded[user];
            int e = excludedAt[user];
            for (; e < skip.length && skip[e] < to; e++) {
                int i = skip[e];
                float s = scores[i - from];
                if (i < target ? s >= t : s > t) {
                    count--;
                }
            }
            excludedAt[user] = e;
            ahead[user] += count;
            nan[user] |= anyNan;
        }

        /** The user's rank, as {@link #full} gives it from the user's full score row. */
        int rank(int user) {
            checkFinite(targetScore[user], targets[user]);
            if (nan[user]) {
                throw new IllegalStateException("the recommender returned NaN scores");
            }
            return ahead[user];
        }
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
