package dev.llmedt.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.testing.TinyData;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Invariants of ranking, sampling and metrics, checked on random data. */
class EvaluationPropertiesTest {

    /** Scores that depend on the history and the item, with many ties (few distinct values). */
    static final class HashRecommender implements Recommender {
        private final int levels;

        HashRecommender(int levels) {
            this.levels = levels;
        }

        @Override
        public void score(History history, Domain target, float[] scores) {
            for (int i = 0; i < target.size(); i++) {
                int item = target.firstItem() + i;
                scores[i] = Math.floorMod(history.hashCode() * 31 + item * 7919, levels);
            }
        }
    }

    private static List<EvaluationCase> randomCases(ItemCatalog catalog, long seed, int n) {
        Random r = new Random(seed);
        List<EvaluationCase> cases = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            int[] input = new int[r.nextInt(8)];
            for (int i = 0; i < input.length; i++) {
                input[i] = r.nextInt(catalog.size());
            }
            cases.add(new EvaluationCase("t", "u" + c, History.of(input), r.nextInt(catalog.size())));
        }
        return cases;
    }

    /** Rank by sorting every candidate: the definition the one-pass ranking must match. */
    private static int naiveRank(Recommender rec, ItemCatalog catalog, EvaluationCase c, boolean exclude) {
        Domain d = catalog.domainOf(c.target());
        float[] s = new float[d.size()];
        rec.score(c.input(), d, s);
        List<Integer> candidates = new ArrayList<>();
        for (int item = d.firstItem(); item < d.endItem(); item++) {
            if (item == c.target() || !exclude || !c.input().contains(item)) {
                candidates.add(item);
            }
        }
        candidates.sort((a, b) -> {
            int byScore = Float.compare(s[b - d.firstItem()], s[a - d.firstItem()]);
            return byScore != 0 ? byScore : Integer.compare(a, b);
        });
        return candidates.indexOf(c.target());
    }

    @Property(tries = 60)
    void fullRankMatchesSortingEveryCandidate(@ForAll @IntRange(min = 1, max = 40) int sizeA,
            @ForAll @IntRange(min = 1, max = 40) int sizeB, @ForAll @IntRange(min = 1, max = 6) int levels,
            @ForAll long seed, @ForAll boolean exclude) {
        ItemCatalog catalog = TinyData.catalog(sizeA, sizeB);
        List<EvaluationCase> cases = randomCases(catalog, seed, 25);
        Recommender rec = new HashRecommender(levels);
        Protocol p = exclude ? Protocol.full() : Protocol.full().includingInputItems();
        int[] ranks = Evaluator.of(p).withBatchSize(4).evaluate(rec, catalog, cases, "t").ranks();
        for (int i = 0; i < cases.size(); i++) {
            assertEquals(naiveRank(rec, catalog, cases.get(i), exclude), ranks[i], "case " + i);
        }
    }

    @Property(tries = 40)
    void sampledAgreesWithFullWhenNegativesCoverTheDomain(@ForAll @IntRange(min = 1, max = 30) int sizeA,
            @ForAll @IntRange(min = 1, max = 30) int sizeB, @ForAll @IntRange(min = 1, max = 5) int levels,
            @ForAll long seed) {
        ItemCatalog catalog = TinyData.catalog(sizeA, sizeB);
        List<EvaluationCase> cases = randomCases(catalog, seed, 20);
        Recommender rec = new HashRecommender(levels);
        int[] full = Evaluator.of(Protocol.full()).evaluate(rec, catalog, cases, "t").ranks();
        int[] sampled = Evaluator.of(Protocol.sampled(Math.max(sizeA, sizeB), seed)).evaluate(rec, catalog, cases, "t").ranks();
        assertArrayEquals(full, sampled);
    }

    @Property(tries = 200)
    void negativesAreDistinctUniformAndAvoidTheUsersItems(@ForAll @IntRange(min = 2, max = 300) int size,
            @ForAll @IntRange(min = 1, max = 400) int n, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int target = r.nextInt(size);
        Set<Integer> own = new HashSet<>();
        for (int i = 0, k = r.nextInt(Math.min(size, 20)); i < k; i++) {
            int x = r.nextInt(size);
            if (x != target) {
                own.add(x);
            }
        }
        int[] excluded = own.stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] out = new int[Math.max(n, size)];
        boolean[] taken = new boolean[size];
        int count = NegativeSampler.sample(size, target, excluded, n, r, out, taken);
        int available = size - 1 - excluded.length;
        assertEquals(Math.min(n, available), count);
        Set<Integer> drawn = new HashSet<>();
        for (int k = 0; k < count; k++) {
            assertTrue(out[k] >= 0 && out[k] < size);
            assertTrue(out[k] != target && !own.contains(out[k]), "negative " + out[k] + " is the target or the user's");
            assertTrue(drawn.add(out[k]), "duplicate negative " + out[k]);
        }
        for (boolean t : taken) {
            assertTrue(!t, "scratch flags must be cleared");
        }
    }

    @Property(tries = 300)
    void ndcgIsBetweenZeroAndHitRateWhichGrowsWithK(@ForAll("ranks") int[] ranks, @ForAll @IntRange(min = 1, max = 50) int k) {
        GroupMetrics m = new GroupMetrics(ranks);
        double hr = m.hitRate(k);
        double ndcg = m.ndcg(k);
        assertTrue(0 <= ndcg && ndcg <= hr + 1e-12 && hr <= 1, "0 <= NDCG@K <= HR@K <= 1: " + ndcg + " " + hr);
        assertTrue(m.hitRate(k + 1) >= hr, "HR@K never decreases as K grows");
        assertTrue(m.ndcg(k + 1) >= ndcg, "NDCG@K never decreases as K grows");
        assertTrue(m.mrr() >= 0 && m.mrr() <= 1);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<int[]> ranks() {
        return net.jqwik.api.Arbitraries.integers().between(0, 120).array(int[].class).ofMinSize(0).ofMaxSize(60);
    }
}
