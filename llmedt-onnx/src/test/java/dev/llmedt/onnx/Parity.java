package dev.llmedt.onnx;

import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.eval.Recommender;
import dev.llmedt.eval.ScoredItem;
import java.util.List;

/** Compares an exported model's scores and top-10 with the Java model's. */
final class Parity {

    private Parity() {
    }

    /**
     * What the comparison found for one domain.
     *
     * @param users histories compared
     * @param maxAbsDifference the largest absolute score difference over every user and item
     * @param sameTop10 users whose top-10 lists are identical
     * @param sameTop10TiesAside users whose top-10 lists differ only where the Java scores of the two
     *     items differ by at most the tolerance (near-ties that float rounding may order either way)
     */
    record Result(int users, double maxAbsDifference, int sameTop10, int sameTop10TiesAside) {

        @Override
        public String toString() {
            return String.format("%d users: max |score difference| %.3g, identical top-10 %d, top-10 ties aside %d", users,
                    maxAbsDifference, sameTop10, sameTop10TiesAside);
        }
    }

    static Result compare(Recommender java, Recommender onnx, List<History> histories, Domain domain, double tolerance) {
        float[][] expected = new float[histories.size()][domain.size()];
        float[][] actual = new float[histories.size()][domain.size()];
        java.scoreBatch(histories, domain, expected);
        onnx.scoreBatch(histories, domain, actual);
        double max = 0;
        for (int u = 0; u < histories.size(); u++) {
            for (int i = 0; i < domain.size(); i++) {
                max = Math.max(max, Math.abs(expected[u][i] - actual[u][i]));
            }
        }
        int same = 0;
        int tiesAside = 0;
        for (int u = 0; u < histories.size(); u++) {
            List<ScoredItem> a = java.recommend(histories.get(u), domain, 10);
            List<ScoredItem> b = onnx.recommend(histories.get(u), domain, 10);
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
        return new Result(histories.size(), max, same, tiesAside);
    }
}
