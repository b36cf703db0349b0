package dev.llmedt;

import dev.llmedt.check.Require;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.engine.ScoreArguments;
import java.util.List;

/**
 * Scores the items of a target domain for a user's history: what evaluation and serving consume.
 *
 * <p>Implementations are thread-safe. Scores are compared within one call only; higher is
 * better; they must be finite (evaluation rejects NaN). To measure one, pass it to
 * {@code Evaluator.of(protocol).evaluate(recommender, data, split)} (package {@code dev.llmedt.eval}).
 */
public interface Recommender {

    /**
     * Scores every item of the target domain.
     *
     * @param history the user's items, oldest first (may be empty)
     * @param target the domain whose items are scored
     * @param scores output, length at least {@code target.size()}: {@code scores[i]} is the score of
     *     item {@code target.firstItem() + i}
     */
    void score(History history, Domain target, float[] scores);

    /**
     * Scores the target domain for several histories at once; implementations that batch work
     * (a neural forward pass) override this. The default calls {@link #score} for each.
     *
     * @param histories the users' histories
     * @param target the domain whose items are scored
     * @param scores one output row per history, as in {@link #score}
     */
    default void scoreBatch(List<History> histories, Domain target, float[][] scores) {
        ScoreArguments.requireScoreRows(histories, target, scores);
        for (int i = 0; i < histories.size(); i++) {
            score(histories.get(i), target, scores[i]);
        }
    }

    /**
     * Returns the {@code k} best items of the target domain that are not in the history, best first;
     * equal scores are ordered by smaller item id.
     *
     * @throws IllegalArgumentException when {@code k < 1}
     */
    default List<ScoredItem> recommend(History history, Domain target, int k) {
        requirePositiveK(k);
        float[] scores = new float[target.size()];
        score(history, target, scores);
        return TopK.select(scores, seenIn(history, target), target.firstItem(), k);
    }

    /**
     * Returns {@link #recommend} for several histories at once, in their order, scored by one
     * {@link #scoreBatch} call.
     *
     * @throws IllegalArgumentException when {@code k < 1}
     */
    default List<List<ScoredItem>> recommendBatch(List<History> histories, Domain target, int k) {
        requirePositiveK(k);
        float[][] scores = new float[histories.size()][target.size()];
        scoreBatch(histories, target, scores);
        List<List<ScoredItem>> out = new java.util.ArrayList<>(histories.size());
        for (int u = 0; u < histories.size(); u++) {
            out.add(TopK.select(scores[u], seenIn(histories.get(u), target), target.firstItem(), k));
        }
        return out;
    }

    private static void requirePositiveK(int k) {
        Require.atLeast("k", k, 1);
    }

    /** Marks the history's items of the target domain (by local index): recommendations leave them out. */
    private static boolean[] seenIn(History history, Domain target) {
        boolean[] seen = new boolean[target.size()];
        for (int i = 0; i < history.length(); i++) {
            if (target.contains(history.item(i))) {
                seen[history.item(i) - target.firstItem()] = true;
            }
        }
        return seen;
    }
}
