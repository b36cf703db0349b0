package dev.llmedt.benchmarks;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Split;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.MostPopularRecommender;
import dev.llmedt.eval.Protocol;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Full-ranking evaluation of the food-kitchen test users (937 users, each ranked against all 8,661
 * Food or 27,637 Kitchen items) with the most-popular scores: the cost of the harness itself,
 * which every model evaluation pays on top of its scoring.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar FullRanking -p threads=1,2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FullRankingBenchmark {

    @Param({"1", "2"})
    int threads;

    private CdsrDataset data;
    private MostPopularRecommender popular;
    private Evaluator evaluator;

    @Setup
    public void setUp() {
        data = BenchmarkData.foodKitchen();
        popular = MostPopularRecommender.fit(data.items(), data.train());
        evaluator = Evaluator.of(Protocol.full()).withThreads(threads);
    }

    @Benchmark
    public EvaluationReport evaluateTestUsers() {
        return evaluator.evaluate(popular, data, Split.TEST);
    }
}
