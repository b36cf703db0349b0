package dev.llmedt.eval;

import dev.llmedt.Recommender;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.UserSequence;
import dev.llmedt.engine.ScoreArguments;
import java.util.List;

/**
 * Scores an item by its number of occurrences in all training sequences, whatever the history:
 * the baseline that proves the evaluation harness end to end. Ties rank the smaller id first (the
 * evaluation's tie rule).
 */
public final class MostPopularRecommender implements Recommender {

    private final float[] popularity;

    private MostPopularRecommender(float[] popularity) {
        this.popularity = popularity;
    }

    /** Counts every occurrence of every item in the training sequences. */
    public static MostPopularRecommender fit(ItemCatalog catalog, List<UserSequence> train) {
        long[] counts = new long[catalog.size()];
        for (UserSequence s : train) {
            History h = s.items();
            for (int i = 0; i < h.length(); i++) {
                counts[h.item(i)]++;
            }
        }
        float[] popularity = new float[counts.length];
        for (int i = 0; i < counts.length; i++) {
            popularity[i] = counts[i];
        }
        return new MostPopularRecommender(popularity);
    }

    /** Returns the number of training occurrences of an item. */
    public long popularity(int item) {
        return (long) popularity[item];
    }

    /**
     * Scores by popularity; the history only has to hold known items.
     *
     * @throws IllegalArgumentException when the history holds an unknown item id or the domain lies
     *     outside the catalog
     */
    @Override
    public void score(History history, Domain target, float[] scores) {
        ScoreArguments.requireKnownItems(List.of(history), popularity.length);
        if (target.endItem() > popularity.length) {
            throw new IllegalArgumentException("domain " + target + " (items " + target.firstItem() + ".." + (target.endItem() - 1)
                    + ") lies outside the catalog of items 0.." + (popularity.length - 1));
        }
        System.arraycopy(popularity, target.firstItem(), scores, 0, target.size());
    }
}
