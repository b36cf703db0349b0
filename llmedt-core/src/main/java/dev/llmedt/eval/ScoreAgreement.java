package dev.llmedt.eval;

import dev.llmedt.Recommender;
import dev.llmedt.ScoredItem;
import dev.llmedt.check.Require;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import java.util.List;
import java.util.Objects;

/**
 * How closely two recommenders of the same model agree on a target domain (an exported model
 * against the model it was exported from, say): the largest absolute score difference over every
 * history and item, and how many histories get the same top-10.
 *
 * @param users histories compared
 * @param maxAbsDifference the largest absolute score difference over every history and item of the domain
 * @param sameTop10 histories whose top-10 lists are identical
 * @param sameTop10TiesAside histories whose top-10 lists are identical or differ only at ranks where
 *     the reference scores of the two items differ by at most the tolerance (near-ties that float
 *     rounding may order either way)
 * @param tolerance the tolerance used for ties
 */
public record ScoreAgreement(int users, double maxAbsDifference, int sameTop10, int sameTop10TiesAside, double tolerance) {

    private static final int TOP = 10;

    /**
     * Scores the histories with both recommenders and compares them.
     *
     * @param reference the recommender taken as right (its scores decide what a tie is)
     * @param candidate the recommender checked against it
     * @param tolerance the largest score difference counted as a tie, {@code >= 0}
     * @throws IllegalArgumentException when the tolerance is negative or not finite
     */
    public static ScoreAgreement compare(Recommender reference, Recommender candidate, List<History> histories, Domain domain,
            double tolerance) {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(candidate, "candidate");
        Require.inClosedOpen("tolerance", tolerance, 0, Double.POSITIVE_INFINITY);
        float[][] expected = new float[histories.size()][domain.size()];
        float[][] actual = new float[histories.size()][domain.size()];
        reference.scoreBatch(histories, domain, expected);
        candidate.scoreBatch(histories, domain, actual);
        double max = 0;
        for (int u = 0; u < histories.size(); u++) {
            for (int i = 0; i < domain.size(); i++) {
                double diff = Math.abs(expected[u][i] - actual[u][i]);
                max = Double.isNaN(diff) ? Double.NaN : Math.max(max, diff);
            }
        }
        int same = 0;
        int tiesAside = 0;
        for (int u = 0; u < histories.size(); u++) {
            List<ScoredItem> a = reference.recommend(histories.get(u), domain, TOP);
            List<ScoredItem> b = candidate.recommend(histories.get(u), domain, TOP);
            if (a.stream().map(ScoredItem::item).toList().equals(b.stream().map(ScoredItem::item).toList())) {
                same++;
                tiesAside++;
            } else if (a.size() == b.size()) {
                boolean ties = true;
                for (int j = 0; j < a.size(); j++) {
                    float sa = expected[u][a.get(j).item() - domain.firstItem()];
                    float sb = expected[u][b.get(j).item() - domain.firstItem()];
                    ties &= Math.abs(sa - sb) <= tolerance;
                }
                tiesAside += ties ? 1 : 0;
            }
        }
        return new ScoreAgreement(histories.size(), max, same, tiesAside, tolerance);
    }

    /** Returns whether every score is within the tolerance and every top-10 is the same, ties aside. */
    public boolean withinTolerance() {
        return maxAbsDifference <= tolerance && sameTop10TiesAside == users;
    }

    @Override
    public String toString() {
        return String.format("%d users: max |score difference| %.3g, identical top-10 %d, top-10 ties aside %d (tolerance %.1g)", users,
                maxAbsDifference, sameTop10, sameTop10TiesAside, tolerance);
    }
}
