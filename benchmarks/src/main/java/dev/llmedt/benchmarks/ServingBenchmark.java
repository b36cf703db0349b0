package dev.llmedt.benchmarks;

import dev.llmedt.Recommender;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.ScoredItem;
import dev.llmedt.onnx.OnnxExporter;
import dev.llmedt.sasrec.SasRecConfig;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.sasrec.SasRecTrainer;
import dev.llmedt.serving.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Serving a trained model on food-kitchen, the pure-Java model against its ONNX export on ONNX
 * Runtime (CPU): the top-10 of one test user over every item of the target's domain (latency,
 * sample mode: p50 and p99), and the top-10 of a batch of 256 test users whose targets are in the
 * larger domain, Kitchen with 27,637 items (throughput; users per second = 256 x ops/s).
 *
 * <p>The model is {@code -Dllmedt.model=FILE} (a SASRec or LLM-EDT model file), else SASRec with
 * the reference settings trained for one epoch in the set-up (saved in the temporary directory and
 * reused by the next forks). Concurrent callers are JMH threads ({@code -t 1}, {@code -t 2}); each
 * ONNX Runtime call uses {@code ortThreads} intra-op threads. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar Serving -t 1} then {@code -t 2}; {@code -p queries=B} times
 * Kitchen queries only.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class ServingBenchmark {

    private static final int BATCH = 256;

    @Param({"java", "onnx"})
    String engine;

    @Param({"1"})
    int ortThreads;

    /** Which test users {@code top10OneUser} cycles through: {@code all}, or those whose target is in the named domain ({@code B}: Kitchen). */
    @Param({"all"})
    String queries;

    private Recommender recommender;
    private TrainedModel model;
    private List<History> users;
    private List<Domain> targets;
    private List<History> batch;
    private Domain batchDomain;

    /** Each caller's position in the test users. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        CdsrDataset data = BenchmarkData.foodKitchen();
        Path file = modelFile(data);
        List<EvaluationCase> cases = queries.equals("all") ? data.test()
                : data.test().stream().filter(c -> data.items().domainOf(c.target()).equals(data.domain(queries))).toList();
        users = cases.stream().map(EvaluationCase::input).toList();
        targets = cases.stream().map(c -> data.items().domainOf(c.target())).toList();
        batchDomain = data.domain("B");
        batch = BenchmarkData.testInputsWithTargetIn(data, batchDomain).stream().limit(BATCH).toList();
        Path opened = file;
        if (engine.equals("onnx")) {
            opened = Files.createTempFile("llmedt-serving-benchmark", ".onnx");
            opened.toFile().deleteOnExit();
            OnnxExporter.export(file, opened);
        }
        // The ONNX recommender runs batches of 256 histories by default: BATCH, one run per batch call.
        model = TrainedModel.open(opened, ortThreads);
        recommender = model;
    }

    private static Path modelFile(CdsrDataset data) throws IOException {
        String property = System.getProperty("llmedt.model");
        if (property != null) {
            return Path.of(property);
        }
        Path cached = Path.of(System.getProperty("java.io.tmpdir"), "llmedt-serving-benchmark-sasrec-" + data.fingerprint().substring(0, 12)
                + ".model");
        if (!Files.isRegularFile(cached)) {
            SasRecModel m = new SasRecTrainer(SasRecConfig.builder().maxEpochs(1).seed(42).threads(2).build(), TrainingListener.none())
                    .train(data);
            m.save(cached);
        }
        return cached;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (model != null) {
            model.close();
        }
    }

    /** One test user's top-10 in the domain of their target (full ranking over the domain's items). */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<ScoredItem> top10OneUser(Cursor cursor) {
        int u = cursor.next;
        cursor.next = (u + 1) % users.size();
        return recommender.recommend(users.get(u), targets.get(u), 10);
    }

    /** The top-10 of 256 test users with Kitchen targets, in one batch call. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public List<List<ScoredItem>> top10Batch256() {
        return recommender.recommendBatch(batch, batchDomain, 10);
    }
}
