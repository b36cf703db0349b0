package dev.llmedt.eval;

import dev.llmedt.check.Require;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ranking metrics over a group of evaluation cases, computed from their 0-based target ranks.
 *
 * <p>HR@K = share of cases with rank &lt; K; NDCG@K = mean of {@code 1/log2(rank+2)} for rank &lt; K
 * and 0 otherwise (one relevant item, so the ideal DCG is 1); MRR = mean of {@code 1/(rank+1)}.
 * An empty group has every metric 0.
 */
public final class GroupMetrics {

    private final int[] ranks;

    GroupMetrics(int[] ranks) {
        this.ranks = ranks;
    }

    /** Returns the number of cases. */
    public int n() {
        return ranks.length;
    }

    /** Returns the hit rate at K. */
    public double hitRate(int k) {
        checkK(k);
        if (ranks.length == 0) {
            return 0;
        }
        int hits = 0;
        for (int r : ranks) {
            if (r < k) {
                hits++;
            }
        }
        return (double) hits / ranks.length;
    }

    /** Returns the normalised discounted cumulative gain at K. */
    public double ndcg(int k) {
        checkK(k);
        if (ranks.length == 0) {
            return 0;
        }
        double sum = 0;
        for (int r : ranks) {
            if (r < k) {
                sum += 1.0 / (Math.log(r + 2) / Math.log(2));
            }
        }
        return sum / ranks.length;
    }

    /** Returns the mean reciprocal rank (no cut-off). */
    public double mrr() {
        if (ranks.length == 0) {
            return 0;
        }
        double sum = 0;
        for (int r : ranks) {
            sum += 1.0 / (r + 1);
        }
        return sum / ranks.length;
    }

    /** Returns a copy of the 0-based ranks. */
    public int[] ranks() {
        return ranks.clone();
    }

    /** Returns {@code n}, HR@1, HR@5, HR@10, NDCG@5, NDCG@10 and MRR, for reports. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n());
        m.put("HR@1", hitRate(1));
        m.put("HR@5", hitRate(5));
        m.put("HR@10", hitRate(10));
        m.put("NDCG@5", ndcg(5));
        m.put("NDCG@10", ndcg(10));
        m.put("MRR", mrr());
        return m;
    }

    private static void checkK(int k) {
        Require.atLeast("k", k, 1);
    }

    @Override
    public String toString() {
        return String.format("n=%d HR@10=%.6f NDCG@10=%.6f MRR=%.6f", n(), hitRate(10), ndcg(10), mrr());
    }
}
