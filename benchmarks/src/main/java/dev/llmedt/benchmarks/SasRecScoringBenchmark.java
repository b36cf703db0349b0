package dev.llmedt.benchmarks;

import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Split;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.Protocol;
import dev.llmedt.sasrec.SasRecConfig;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.sasrec.SasRecTrainer;
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
 * SASRec (reference settings, one training epoch) scoring the 937 food-kitchen test users against
 * every item of their target's domain: a forward pass per user plus 8,661 or 27,637 inner
 * products of width 64, then the full-ranking harness. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar SasRecScoring -p threads=1,2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SasRecScoringBenchmark {

    @Param({"1", "2"})
    int threads;

    private CdsrDataset data;
    private SasRecModel model;
    private Evaluator evaluator;

    @Setup
    public void setUp() {
        data = BenchmarkData.foodKitchen();
        model = new SasRecTrainer(SasRecConfig.builder().maxEpochs(1).threads(threads).build(), TrainingListener.none()).train(data);
        evaluator = Evaluator.of(Protocol.full()).withThreads(threads);
    }

    @Benchmark
    public EvaluationReport evaluateTestUsers() {
        return evaluator.evaluate(model, data, Split.TEST);
    }
}
