package dev.llmedt.benchmarks;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.onnx.OnnxTextEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of the embedded text encoder (all-MiniLM-L6-v2 on ONNX Runtime) on 256 real
 * food-kitchen titles, against langchain4j's own {@code AllMiniLmL6V2EmbeddingModel} (same
 * weights) on the same titles in the same run. Each invocation encodes all 256 titles in calls of
 * {@code batch} texts; scores are texts per second.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar TextEncoder}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class TextEncoderBenchmark {

    static final int TEXTS = 256;

    @Param({"1", "32"})
    int batch;

    private List<String> titles;
    private List<TextSegment> segments;
    private OnnxTextEncoder llmedt;
    private AllMiniLmL6V2EmbeddingModel langchain4j;

    @Setup
    public void setUp() {
        ItemCatalog items = BenchmarkData.foodKitchen().items();
        Random random = new Random(20240501L);
        titles = new ArrayList<>();
        while (titles.size() < TEXTS) {
            String t = items.item(random.nextInt(items.size())).title();
            if (!t.isBlank()) {
                titles.add(t);
            }
        }
        segments = titles.stream().map(TextSegment::from).toList();
        llmedt = OnnxTextEncoder.embeddedDefault();
        langchain4j = new AllMiniLmL6V2EmbeddingModel();
    }

    @TearDown
    public void tearDown() {
        llmedt.close();
    }

    @Benchmark
    @OperationsPerInvocation(TEXTS)
    public void llmedt(Blackhole bh) {
        for (int from = 0; from < TEXTS; from += batch) {
            bh.consume(llmedt.encode(titles.subList(from, from + batch)));
        }
    }

    @Benchmark
    @OperationsPerInvocation(TEXTS)
    public void langchain4j(Blackhole bh) {
        if (batch == 1) {
            for (String t : titles) {
                bh.consume(langchain4j.embed(t));
            }
            return;
        }
        for (int from = 0; from < TEXTS; from += batch) {
            bh.consume(langchain4j.embedAll(segments.subList(from, from + batch)));
        }
    }
}
