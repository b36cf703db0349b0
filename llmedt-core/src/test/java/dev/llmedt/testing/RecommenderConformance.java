package dev.llmedt.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.Recommender;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.Split;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.Protocol;
import dev.llmedt.ScoredItem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The contract of {@link Recommender}, run against every implementation (the Java models, the
 * popularity baseline, the ONNX Runtime recommender): a subclass supplies the recommender over the
 * synthetic dataset of {@link SyntheticModels}.
 */
public abstract class RecommenderConformance {

    /** Returns the recommender under test (the same one for every test of a class). */
    protected abstract Recommender recommender();

    /** Returns the dataset whose domains and items the recommender knows. */
    protected CdsrDataset data() {
        return SyntheticModels.DATA;
    }

    /**
     * Returns how far two computations of one score may differ: 0 (bit-identical) for the Java
     * implementations; ONNX Runtime's kernels round differently for different batch shapes.
     */
    protected double tolerance() {
        return 0;
    }

    /** Returns the window: a history longer than it reads only its most recent items. */
    protected int window() {
        return SyntheticModels.WINDOW;
    }

    private int itemCount() {
        List<Domain> domains = data().domains();
        return domains.get(domains.size() - 1).endItem();
    }

    /** Held-out inputs of both splits, the empty history and a few short ones. */
    private List<History> histories() {
        List<History> out = new ArrayList<>();
        out.add(History.empty());
        for (EvaluationCase c : data().test().subList(0, 30)) {
            out.add(c.input());
        }
        for (EvaluationCase c : data().valid().subList(0, 10)) {
            out.add(c.input());
        }
        for (Domain d : data().domains()) {
            out.add(History.of(d.firstItem() + 1));
        }
        return out;
    }

    private float[] scores(History h, Domain d) {
        float[] s = new float[d.size()];
        recommender().score(h, d, s);
        return s;
    }

    private void assertClose(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > tolerance() || Float.isNaN(actual[i])) {
                throw new AssertionError(what + ": item " + i + " scores " + actual[i] + ", expected " + expected[i] + " (tolerance "
                        + tolerance() + ")");
            }
        }
    }

    private static void assertFinite(float[] s, String what) {
        for (int i = 0; i < s.length; i++) {
            assertTrue(Float.isFinite(s[i]), what + ": score of item " + i + " is " + s[i]);
        }
    }

    @Test
    void theEmptyHistoryScoresEveryItemFinitely() {
        for (Domain d : data().domains()) {
            float[] s = new float[d.size() + 3];
            s[d.size()] = 42;
            recommender().score(History.empty(), d, s);
            assertFinite(java.util.Arrays.copyOf(s, d.size()), "empty history, " + d);
            assertEquals(42, s[d.size()], "entries past the domain's items are left alone");
            List<ScoredItem> top = recommender().recommend(History.empty(), d, 10);
            assertEquals(10, top.size(), "empty history, " + d);
        }
    }

    @Test
    void unknownItemIdsAreRejectedWithTheId() {
        Domain d = data().domains().get(0);
        History known = data().test().get(0).input();
        for (int unknown : new int[] {-1, itemCount(), itemCount() + 1000}) {
            History bad = History.of(d.firstItem(), unknown, d.firstItem() + 1);
            List<Executable> calls = List.of(
                    () -> recommender().score(bad, d, new float[d.size()]),
                    () -> recommender().scoreBatch(List.of(known, known, bad), d, new float[3][d.size()]),
                    () -> recommender().recommend(bad, d, 5));
            for (Executable call : calls) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, "item id " + unknown);
                assertTrue(e.getMessage().contains("unknown item id " + unknown), e.getMessage());
            }
        }
    }

    @Test
    void historiesOfTheOtherDomainScoreTheTargetDomain() {
        for (Domain target : data().domains()) {
            for (Domain other : data().domains()) {
                if (other.equals(target)) {
                    continue;
                }
                History h = History.of(other.firstItem(), other.firstItem() + 2, other.firstItem() + 5);
                assertFinite(scores(h, target), "history of " + other + " scoring " + target);
                List<ScoredItem> top = recommender().recommend(h, target, 10);
                assertEquals(10, top.size());
                for (ScoredItem s : top) {
                    assertTrue(target.contains(s.item()), s + " is not in " + target);
                }
            }
        }
    }

    @Test
    void historiesLongerThanTheWindowReadTheirRecentItems() {
        for (Domain target : data().domains()) {
            Domain other = data().domains().stream().filter(d -> !d.equals(target)).findFirst().orElseThrow();
            int[] items = new int[3 * window()];
            for (int i = 0; i < items.length; i++) {
                Domain d = i % 3 == 0 ? other : target;
                items[i] = d.firstItem() + (i * 7) % d.size();
            }
            History longHistory = History.of(items);
            float[] s = scores(longHistory, target);
            assertFinite(s, "history of " + items.length + " items");
            int[] older = new int[items.length + 5];
            for (int i = 0; i < 5; i++) {
                older[i] = other.firstItem() + i;
            }
            System.arraycopy(items, 0, older, 5, items.length);
            assertClose(s, scores(History.of(older), target),
                    "items of another domain before the last " + window() + " items change no score of " + target);
        }
    }

    @Test
    void kLargerThanTheDomainGivesEveryUnseenItemOnce() {
        for (Domain d : data().domains()) {
            History h = data().test().get(3).input();
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < h.length(); i++) {
                if (d.contains(h.item(i))) {
                    seen.add(h.item(i));
                }
            }
            List<ScoredItem> all = recommender().recommend(h, d, d.size() + 50);
            assertEquals(d.size() - seen.size(), all.size(), d.toString());
            Set<Integer> items = new HashSet<>();
            for (ScoredItem s : all) {
                assertTrue(d.contains(s.item()) && !seen.contains(s.item()) && items.add(s.item()), s.toString());
            }
        }
    }

    @Test
    void recommendationsAreTheBestUnseenItemsBestFirst() {
        for (Domain d : data().domains()) {
            for (History h : histories()) {
                float[] s = scores(h, d);
                List<ScoredItem> top = recommender().recommend(h, d, 10);
                assertEquals(10, top.size());
                float worstTaken = Float.POSITIVE_INFINITY;
                Set<Integer> taken = new HashSet<>();
                for (int j = 0; j < top.size(); j++) {
                    ScoredItem item = top.get(j);
                    assertFalse(h.contains(item.item()), item + " is in the history " + h);
                    assertTrue(Math.abs(item.score() - s[item.item() - d.firstItem()]) <= tolerance(), item + " vs score()");
                    if (j > 0) {
                        ScoredItem before = top.get(j - 1);
                        assertTrue(before.score() > item.score() || before.score() == item.score() && before.item() < item.item(),
                                "best first, ties by smaller id: " + top);
                    }
                    worstTaken = Math.min(worstTaken, item.score());
                    taken.add(item.item());
                }
                for (int i = 0; i < d.size(); i++) {
                    int item = d.firstItem() + i;
                    if (!taken.contains(item) && !h.contains(item)) {
                        assertTrue(s[i] <= worstTaken + tolerance(), "item " + item + " scores " + s[i] + " above the top-10 " + top);
                    }
                }
            }
        }
    }

    @Test
    void aBatchScoresAsSingleCalls() {
        List<History> histories = histories();
        for (Domain d : data().domains()) {
            float[][] batch = new float[histories.size()][d.size()];
            recommender().scoreBatch(histories, d, batch);
            for (int b = 0; b < histories.size(); b++) {
                assertClose(scores(histories.get(b), d), batch[b], "history " + b + " of the batch, " + d);
            }
        }
    }

    @Test
    void aBatchRecommendsAsSingleCalls() {
        List<History> histories = histories();
        for (Domain d : data().domains()) {
            List<List<ScoredItem>> batch = recommender().recommendBatch(histories, d, 7);
            assertEquals(histories.size(), batch.size());
            for (int b = 0; b < histories.size(); b++) {
                List<ScoredItem> single = recommender().recommend(histories.get(b), d, 7);
                assertEquals(single.size(), batch.get(b).size(), "history " + b + ", " + d);
                for (int j = 0; j < single.size(); j++) {
                    assertEquals(single.get(j).score(), batch.get(b).get(j).score(), tolerance(), "history " + b + " rank " + j + ", " + d);
                    if (tolerance() == 0) {
                        assertEquals(single.get(j).item(), batch.get(b).get(j).item(), "history " + b + " rank " + j + ", " + d);
                    }
                }
            }
        }
    }

    @Test
    void eightConcurrentCallersGetTheSequentialScores() throws Exception {
        List<History> histories = histories();
        Domain[] domains = data().domains().toArray(new Domain[0]);
        float[][][] expected = new float[domains.length][histories.size()][];
        for (Domain d : domains) {
            for (int b = 0; b < histories.size(); b++) {
                expected[d.index()][b] = scores(histories.get(b), d);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int caller = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < 6; round++) {
                        Domain d = domains[(caller + round) % domains.length];
                        int from = (caller * 5 + round) % histories.size();
                        List<History> some = new ArrayList<>();
                        for (int j = 0; j < 4; j++) {
                            some.add(histories.get((from + j) % histories.size()));
                        }
                        float[][] out = new float[some.size()][d.size()];
                        if (round % 2 == 0) {
                            recommender().scoreBatch(some, d, out);
                        } else {
                            for (int j = 0; j < some.size(); j++) {
                                recommender().score(some.get(j), d, out[j]);
                            }
                        }
                        for (int j = 0; j < some.size(); j++) {
                            assertClose(expected[d.index()][(from + j) % histories.size()], out[j],
                                    "caller " + caller + ", round " + round + ", history " + j);
                        }
                        recommender().recommend(some.get(0), d, 5);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void evaluateRanksEachTargetWhereRecommendPutsIt() {
        EvaluationReport report = Evaluator.of(Protocol.full()).evaluate(recommender(), data(), Split.TEST);
        List<EvaluationCase> cases = data().test();
        assertEquals(cases.size(), report.ranks().length);
        int compared = 0;
        for (int i = 0; i < cases.size(); i++) {
            EvaluationCase c = cases.get(i);
            if (c.input().contains(c.target())) {
                continue; // recommend leaves out the history's items; the evaluation ranks such a target
            }
            Domain d = data().items().domainOf(c.target());
            List<ScoredItem> top = recommender().recommend(c.input(), d, 10);
            int position = -1;
            for (int r = 0; r < top.size(); r++) {
                if (top.get(r).item() == c.target()) {
                    position = r;
                }
            }
            int rank = report.ranks()[i];
            assertEquals(rank < 10 ? rank : -1, position, "case " + i + " (user " + c.user() + ")");
            compared++;
        }
        assertTrue(compared > cases.size() / 2, "compared " + compared + " cases");
    }

    @Test
    void everyScoreIsFinite() {
        List<History> histories = histories();
        for (Domain d : data().domains()) {
            float[][] out = new float[histories.size()][d.size()];
            recommender().scoreBatch(histories, d, out);
            for (int b = 0; b < out.length; b++) {
                assertFinite(out[b], "history " + histories.get(b) + ", " + d);
            }
        }
    }
}
