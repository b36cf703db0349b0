package dev.llmedt.benchmarks;

import dev.llmedt.ScoredItem;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.text.ItemEmbeddings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
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
 * Serving a catalogue of {@code items} Kitchen items: a trained food-kitchen LLM-EDT model
 * ({@code -Dllmedt.model=FILE}) with new items appended to Kitchen through
 * {@link LlmEdtModel#withNewItems} (each one the text embedding of a real item, {@code
 * -Dllmedt.embeddings=FILE} from {@code encode}, plus a little noise), then the top-10 of one
 * Kitchen test user over all of them (sample mode: p50, p99). The set-up prints the heap in use after
 * a full collection with only the large model alive, and the tear-down the peak heap of the run (the
 * sum of the heap pools' peaks). Run:
 * {@code java -Xmx4g -Dllmedt.model=llmedt.model -Dllmedt.embeddings=items.f32 -jar benchmarks/target/benchmarks.jar LargeCatalogue}.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
public class LargeCatalogueBenchmark {

    /** Kitchen items after appending (food-kitchen has 27,637). */
    @Param({"1000000"})
    int items;

    private LlmEdtModel model;
    private List<History> users;
    private Domain kitchen;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        CdsrDataset data = BenchmarkData.foodKitchen();
        LlmEdtModel trained = LlmEdtModel.load(Path.of(required("llmedt.model")));
        ItemEmbeddings text = ItemEmbeddings.read(Path.of(required("llmedt.embeddings")));
        Domain b = trained.domains().get(1);
        int extra = items - b.size();
        if (extra < 1) {
            throw new IllegalArgumentException("items must exceed the " + b.size() + " Kitchen items, got " + items);
        }
        SplittableRandom random = new SplittableRandom(42);
        float[][] added = new float[extra][];
        for (int i = 0; i < extra; i++) {
            float[] e = text.vector(b.firstItem() + random.nextInt(b.size())).clone();
            for (int f = 0; f < e.length; f++) {
                e[f] += (float) (0.02 * random.nextGaussian());
            }
            added[i] = e;
        }
        model = trained.withNewItems(b, added);
        kitchen = model.domains().get(1);
        users = BenchmarkData.testInputsWithTargetIn(data, data.domain("B"));
        text = null;
        added = null;
        trained = null;
        model.recommend(users.get(0), kitchen, 10); // builds the scoring tables
        System.gc();
        System.out.printf("%nlive heap after a full GC, %,d Kitchen items: %.0f MB%n", kitchen.size(), usedHeap() / 1e6);
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("pass -D" + property + "=FILE");
        }
        return value;
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("%npeak heap (sum of the heap pools' peaks) over the whole run: %.0f MB%n", peak / 1e6);
    }

    /** One Kitchen test user's top-10 over every Kitchen item. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<ScoredItem> top10OneUser(ServingBenchmark.Cursor cursor) {
        int u = cursor.next;
        cursor.next = (u + 1) % users.size();
        return model.recommend(users.get(u), kitchen, 10);
    }
}
