package dev.llmedt.eval;

import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import java.util.List;

/**
 * Scores the items of a target domain for a user's history: what evaluation and serving consume.
 *
 * <p>Implementations are thread-safe. Scores are compared within one call only; higher is
 * better; they must be finite (evaluation rejects NaN).
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
        requireScoreRows(histories, target, scores);
        for (int i = 0; i < histories.size(); i++) {
            score(histories.get(i), target, scores[i]);
        }
    }

    /**
     * Checks that {@code scores} has a row of at least {@code target.size()} entries for each
     * history (for implementations of {@link #scoreBatch}).
     *
     * @throws IllegalArgumentException naming the short row
     */
    static void requireScoreRows(List<History> histories, Domain target, float[][] scores) {
        if (scores.length < histories.size()) {
            throw new IllegalArgumentException("scores has " + scores.length + " rows for " + histories.size() + " histories");
        }
        for (int b = 0; b < histories.size(); b++) {
            if (scores[b].length < target.size()) {
                throw new IllegalArgumentException("scores row " + b + " has " + scores[b].length + " entries for " + target.size()
                        + " items of " + target.name());
            }
        }
    }

    /**
     * Checks that every item id of the histories is one of {@code 0..itemCount-1}, the items a
     * model knows (for implementations).
     *
     * @throws IllegalArgumentException naming the first unknown id, its position and its history
     */
    static void requireKnownItems(List<History> histories, int itemCount) {
        for (int b = 0; b < histories.size(); b++) {
            History h = histories.get(b);
            for (int i = 0; i < h.length(); i++) {
                int item = h.item(i);
                if (item < 0 || item >= itemCount) {
                    throw new IllegalArgumentException("unknown item id " + item + " at position " + i + " of history " + b
                            + "; the model knows items 0.." + (itemCount - 1));
                }
            }
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
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
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
