package dev.llmedt.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Split;
import dev.llmedt.testing.SharedData;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The most-popular baseline on food-kitchen reproduces the reference figures to 1e-6. */
class PopularBaselineTest {

    private static CdsrDataset data;
    private static MostPopularRecommender popular;

    @BeforeAll
    static void read() throws IOException {
        data = CdsrDataset.read(SharedData.foodKitchen());
        popular = MostPopularRecommender.fit(data.items(), data.train());
    }

    @Test
    void testSplitFullRanking() {
        EvaluationReport r = Evaluator.of(Protocol.full()).evaluate(popular, data, Split.TEST);
        assertEquals(937, r.overall().n());
        assertEquals(0.003202, r.overall().hitRate(10), 1e-6);
        assertEquals(0.001817, r.overall().ndcg(10), 1e-6);
        assertEquals(0.002921, r.overall().mrr(), 1e-6);
        assertEquals(300, r.domain(data.domain("A")).n());
        assertEquals(637, r.domain(data.domain("B")).n());
    }

    @Test
    void validSplitFullRanking() {
        EvaluationReport r = Evaluator.of(Protocol.full()).evaluate(popular, data, Split.VALID);
        assertEquals(960, r.overall().n());
        assertEquals(0.021875, r.overall().hitRate(10), 1e-6);
        assertEquals(0.012348, r.overall().ndcg(10), 1e-6);
    }

    @Test
    void resultDoesNotDependOnThreadsOrBatching() {
        Protocol sampled = Protocol.sampled(100, 42);
        int[] one = Evaluator.of(sampled).withThreads(1).withBatchSize(7).evaluate(popular, data, Split.TEST).ranks();
        int[] many = Evaluator.of(sampled).withThreads(3).withBatchSize(128).evaluate(popular, data, Split.TEST).ranks();
        org.junit.jupiter.api.Assertions.assertArrayEquals(one, many);
    }
}
