package dev.llmedt.engine;

import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import java.util.List;

/** Argument checks shared by the {@code Recommender} implementations (not API). */
public final class ScoreArguments {

    private ScoreArguments() {
    }

    /**
     * Checks that {@code scores} has a row of at least {@code target.size()} entries for each
     * history (for implementations of {@code Recommender.scoreBatch}).
     *
     * @throws IllegalArgumentException naming the short row
     */
    public static void requireScoreRows(List<History> histories, Domain target, float[][] scores) {
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
    public static void requireKnownItems(List<History> histories, int itemCount) {
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
     * The history's items of the target domain as ascending local indices (they may repeat): what
     * recommendations leave out.
     */
    public static int[] localItemsIn(History history, Domain target) {
        int[] local = new int[history.length()];
        int n = 0;
        for (int i = 0; i < history.length(); i++) {
            if (target.contains(history.item(i))) {
                local[n++] = history.item(i) - target.firstItem();
            }
        }
        int[] out = java.util.Arrays.copyOf(local, n);
        java.util.Arrays.sort(out);
        return out;
    }
}
