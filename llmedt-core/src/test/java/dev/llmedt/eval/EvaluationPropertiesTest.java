package dev.llmedt.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.llmedt.Recommender;
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
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Invariants of ranking, sampling and metrics, checked on random data. */
class EvaluationPropertiesTest {

    /** Fixed, so that every run (and CI) checks the same examples. */
    private static final long SEED = 0xE7A1_0001L;

    /**
     * Bounds the time a failing property spends shrinking: QuickTheories' default (100,000 cycles,
     * each running the property) would take up to several minutes at a few milliseconds an example.
     */
    private static final int SHRINK_CYCLES = 2_000;

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

    /** Two domains of the given sizes, scores with the given number of distinct values, random cases. */
    record Ranking(int sizeA, int sizeB, int levels, long seed, boolean exclude) {
    }

    @Test
    void fullRankMatchesSortingEveryCandidate() {
        Gen<Ranking> rankings = integers().between(1, 40).zip(integers().between(1, 40), integers().between(1, 6), longs().all(),
                booleans().all(), Ranking::new);
        qt().withFixedSeed(SEED)
                .withShrinkCycles(SHRINK_CYCLES)
                .withExamples(60)
                .forAll(rankings)
                .checkAssert(r -> fullRankMatchesSortingEveryCandidate(r.sizeA(), r.sizeB(), r.levels(), r.seed(), r.exclude()));
    }

    private static void fullRankMatchesSortingEveryCandidate(int sizeA, int sizeB, int levels, long seed, boolean exclude) {
        ItemCatalog catalog = TinyData.catalog(sizeA, sizeB);
        List<EvaluationCase> cases = randomCases(catalog, seed, 25);
        Recommender rec = new HashRecommender(levels);
        Protocol p = exclude ? Protocol.full() : Protocol.full().includingInputItems();
        int[] ranks = Evaluator.of(p).withBatchSize(4).evaluate(rec, catalog, cases, "t").ranks();
        for (int i = 0; i < cases.size(); i++) {
            assertEquals(naiveRank(rec, catalog, cases.get(i), exclude), ranks[i], "case " + i);
        }
    }

    @Test
    void sampledAgreesWithFullWhenNegativesCoverTheDomain() {
        qt().withFixedSeed(SEED)
                .withShrinkCycles(SHRINK_CYCLES)
                .withExamples(40)
                .forAll(integers().between(1, 30), integers().between(1, 30), integers().between(1, 5), longs().all())
                .checkAssert(EvaluationPropertiesTest::sampledAgreesWithFullWhenNegativesCoverTheDomain);
    }

    private static void sampledAgreesWithFullWhenNegativesCoverTheDomain(int sizeA, int sizeB, int levels, long seed) {
        ItemCatalog catalog = TinyData.catalog(sizeA, sizeB);
        List<EvaluationCase> cases = randomCases(catalog, seed, 20);
        Recommender rec = new HashRecommender(levels);
        int[] full = Evaluator.of(Protocol.full()).evaluate(rec, catalog, cases, "t").ranks();
        int[] sampled = Evaluator.of(Protocol.sampled(Math.max(sizeA, sizeB), seed)).evaluate(rec, catalog, cases, "t").ranks();
        assertArrayEquals(full, sampled);
    }

    @Test
    void negativesAreDistinctUniformAndAvoidTheUsersItems() {
        qt().withFixedSeed(SEED)
                .withExamples(200)
                .forAll(integers().between(2, 300), integers().between(1, 400), longs().all())
                .checkAssert(EvaluationPropertiesTest::negativesAreDistinctUniformAndAvoidTheUsersItems);
    }

    private static void negativesAreDistinctUniformAndAvoidTheUsersItems(int size, int n, long seed) {
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

    /** 0 to 60 ranks 0..120 (0 is a hit at the top). */
    private static Gen<int[]> ranks() {
        return Generate.intArrays(integers().between(0, 60), integers().between(0, 120));
    }

    @Test
    void ndcgIsBetweenZeroAndHitRateWhichGrowsWithK() {
        qt().withFixedSeed(SEED)
                .withExamples(300)
                .forAll(ranks(), integers().between(1, 50))
                .checkAssert(EvaluationPropertiesTest::ndcgIsBetweenZeroAndHitRateWhichGrowsWithK);
    }

    private static void ndcgIsBetweenZeroAndHitRateWhichGrowsWithK(int[] ranks, int k) {
        GroupMetrics m = new GroupMetrics(ranks);
        double hr = m.hitRate(k);
        double ndcg = m.ndcg(k);
        assertTrue(0 <= ndcg && ndcg <= hr + 1e-12 && hr <= 1, "0 <= NDCG@K <= HR@K <= 1: " + ndcg + " " + hr);
        assertTrue(m.hitRate(k + 1) >= hr, "HR@K never decreases as K grows");
        assertTrue(m.ndcg(k + 1) >= ndcg, "NDCG@K never decreases as K grows");
        assertTrue(m.mrr() >= 0 && m.mrr() <= 1);
    }
}
