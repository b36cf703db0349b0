package dev.llmedt.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.Recommender;
import dev.llmedt.ScoredItem;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.testing.TinyData;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Worked examples of the ranking rules and metrics. */
class EvaluatorTest {

    private final ItemCatalog catalog = TinyData.catalog(5, 4); // D0: items 0-4, D1: items 5-8

    /** Fixed scores by global id, whatever the history. */
    private static Recommender fixed(float... byItem) {
        return (history, target, scores) -> System.arraycopy(byItem, target.firstItem(), scores, 0, target.size());
    }

    @Test
    void equalScoresRankAheadOnlyWithASmallerId() {
        Recommender r = fixed(1, 1, 1, 1, 1, 0, 0, 0, 0);
        List<EvaluationCase> cases = List.of(new EvaluationCase("t", "a", History.empty(), 0),
                new EvaluationCase("t", "b", History.empty(), 3), new EvaluationCase("t", "c", History.empty(), 8));
        int[] ranks = Evaluator.of(Protocol.full()).evaluate(r, catalog, cases, "t").ranks();
        assertEquals(0, ranks[0]);
        assertEquals(3, ranks[1]);
        assertEquals(3, ranks[2]);
    }

    @Test
    void inputItemsAreExcludedUnlessTheSettingIsOff() {
        Recommender r = fixed(5, 4, 3, 2, 1, 0, 0, 0, 0);
        // target 3 (score 2): items 0,1,2 beat it; the user had 0 and 1 (and the target itself).
        EvaluationCase c = new EvaluationCase("t", "u", History.of(0, 1, 3, 6), 3);
        assertEquals(1, Evaluator.of(Protocol.full()).evaluate(r, catalog, List.of(c), "t").ranks()[0]);
        assertEquals(3, Evaluator.of(Protocol.full().includingInputItems()).evaluate(r, catalog, List.of(c), "t").ranks()[0]);
    }

    @Test
    void metricsFollowTheirDefinitions() {
        GroupMetrics m = new GroupMetrics(new int[] {0, 1, 4, 10});
        assertEquals(0.25, m.hitRate(1), 1e-15);
        assertEquals(0.75, m.hitRate(5), 1e-15);
        assertEquals((1 + 1 / (Math.log(3) / Math.log(2)) + 1 / (Math.log(6) / Math.log(2))) / 4, m.ndcg(5), 1e-15);
        assertEquals((1 + 0.5 + 0.2 + 1.0 / 11) / 4, m.mrr(), 1e-15);
    }

    @Test
    void reportsGroupByDomainAndSlice() {
        Recommender r = fixed(5, 4, 3, 2, 1, 4, 3, 2, 1);
        List<EvaluationCase> cases = List.of(
                new EvaluationCase("t", "cold", History.of(5, 6), 0), // 0 input items in D0
                new EvaluationCase("t", "warm", History.of(1, 2, 3, 5), 4), // 3 in D0
                new EvaluationCase("t", "few", History.of(5, 1), 8)); // 1 in D1
        EvaluationReport report = Evaluator.of(Protocol.full()).evaluate(r, catalog, cases, "test");
        assertEquals(2, report.domain(catalog.domain("D0")).n());
        assertEquals(1, report.domain(catalog.domain("D1")).n());
        assertEquals(1, report.slice("0").n());
        assertEquals(1, report.slice("1-2").n());
        assertEquals(1, report.slice("3+").n());
        assertEquals("full", ((java.util.Map<?, ?>) report.toMap().get("protocol")).get("name"));
    }

    @Test
    void nanScoresFailNamingTheUser() {
        Recommender r = fixed(1, Float.NaN, 1, 1, 1, 0, 0, 0, 0);
        List<EvaluationCase> cases = List.of(new EvaluationCase("test.txt", "u7", History.empty(), 0));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Evaluator.of(Protocol.full()).evaluate(r, catalog, cases, "t"));
        assertTrue(e.getMessage().contains("u7") && e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void recommendReturnsTheBestUnseenItemsWithTiesBySmallerId() {
        Recommender r = fixed(1, 3, 3, 2, 3, 0, 0, 0, 0);
        Domain d0 = catalog.domain("D0");
        List<ScoredItem> top = r.recommend(History.of(2), d0, 3);
        assertEquals(List.of(1, 4, 3), top.stream().map(ScoredItem::item).toList());
        assertThrows(IllegalArgumentException.class, () -> r.recommend(History.empty(), d0, 0));
    }

    @Test
    void protocolsParseAndValidate() {
        assertEquals(Protocol.sampled(999, 7), Protocol.parse("sampled-999", 7));
        assertEquals(Protocol.full(), Protocol.parse("full", 7));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Protocol.parse("sampled-x", 1));
        assertTrue(e.getMessage().contains("sampled-N"));
        assertThrows(IllegalArgumentException.class, () -> Protocol.sampled(0, 1));
    }

    @Test
    void aReportRebuiltFromPerCaseRanksEqualsTheOriginal() {
        Recommender r = fixed(5, 4, 3, 2, 1, 4, 3, 2, 1);
        List<EvaluationCase> cases = List.of(new EvaluationCase("t", "cold", History.of(5, 6), 0),
                new EvaluationCase("t", "warm", History.of(1, 2, 3, 5), 4), new EvaluationCase("t", "few", History.of(5, 1), 8));
        EvaluationReport original = Evaluator.of(Protocol.full()).evaluate(r, catalog, cases, "t");
        EvaluationReport rebuilt = EvaluationReport.of("t", Protocol.full(), catalog.domains(), original.ranks(), original.targetDomains(),
                original.sliceNames(), original.seconds());
        assertEquals(original.toMap(), rebuilt.toMap());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvaluationReport.of("t", Protocol.full(),
                catalog.domains(), new int[] {0, 1}, new int[] {0, 2}, List.of("0", "3+"), 0));
        assertTrue(e.getMessage().contains("case 1 has target domain 2"), e.getMessage());
    }
}
