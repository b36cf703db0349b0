package dev.llmedt.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.llmedt.Recommender;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.serving.TrainedModel;
import dev.llmedt.ScoredItem;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The serving soak test of issue 20: many threads call {@link Recommender#recommend} (top-k of one
 * test user in the domain of their target) on one shared model, each result is compared with the
 * single-thread result of the same user (item ids and scores, bit for bit), and the run reports
 * errors (an {@link OutOfMemoryError} among them), mismatches, throughput and heap: the highest
 * heap in use after a garbage collection (the live set) and the highest heap in use at all
 * (sampled every 5 ms, garbage included).
 *
 * <p>Models are files: SASRec or LLM-EDT model files ({@code llmedt train}) and ONNX exports
 * ({@code llmedt export-onnx}), run one after the other in the same JVM. Run it with a small heap,
 * as the profile does: {@code mvn -B -pl benchmarks -am verify -DskipTests -Psoak
 * -Dsoak.models="MODEL..."} (defaults: {@code -Dsoak.args="--threads 16 --calls 100000"},
 * {@code -Dsoak.heap=-Xmx512m}), or
 * {@code java -Xmx512m -cp benchmarks/target/benchmarks.jar dev.llmedt.benchmarks.ServingSoak
 * [--threads N] [--calls N] [--k K] [--data DIR] MODEL...}. Exits with 1 when a call failed or
 * differed.
 */
public final class ServingSoak {

    private ServingSoak() {
    }

    /** One model's figures. */
    record Result(String model, int threads, long calls, long errors, long mismatches, double seconds, long liveHeapAfterGc,
            long peakHeapUsed, long gcCount, long retainedAfterRun, String firstProblem) {

        double callsPerSecond() {
            return calls / seconds;
        }

        /** The live heap after the run's collections in MB, "-" when none ran. */
        String liveHeap() {
            return gcCount == 0 ? "-" : String.format(Locale.ROOT, "%.1f", liveHeapAfterGc / 1048576.0);
        }
    }

    public static void main(String[] args) throws Exception {
        int threads = 16;
        long calls = 100_000;
        int k = 10;
        List<Path> models = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--calls" -> calls = Long.parseLong(args[++i]);
                case "--k" -> k = Integer.parseInt(args[++i]);
                case "--data" -> System.setProperty("llmedt.data", args[++i]);
                default -> models.add(Path.of(args[i]));
            }
        }
        if (models.isEmpty()) {
            System.err.println("usage: ServingSoak [--threads N] [--calls N] [--k K] [--data DIR] MODEL.model|MODEL.onnx...");
            System.exit(2);
        }
        CdsrDataset data = BenchmarkData.foodKitchen();
        List<History> users = data.test().stream().map(EvaluationCase::input).toList();
        List<Domain> targets = data.test().stream().map(c -> data.items().domainOf(c.target())).toList();
        System.out.printf(Locale.ROOT, "serving soak: %s, %d test users, %d threads x %d calls in all per model, top-%d, max heap %d MB, "
                + "%d processors%n", data.name(), users.size(), threads, calls, k, Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors());
        List<Result> results = new ArrayList<>();
        for (Path file : models) {
            results.add(soak(file, users, targets, threads, calls, k));
            System.gc();
        }
        System.out.println();
        System.out.println("| model | threads | calls | errors | mismatches | calls/s | live heap after GC (MB) | peak heap used (MB) | GCs "
                + "| heap after the run (MB) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        boolean ok = true;
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %.0f | %s | %.1f | %d | %.1f |%n", r.model(), r.threads(), r.calls(),
                    r.errors(), r.mismatches(), r.callsPerSecond(), r.liveHeap(), r.peakHeapUsed() / 1048576.0, r.gcCount(),
                    r.retainedAfterRun() / 1048576.0);
            ok &= r.errors() == 0 && r.mismatches() == 0;
        }
        for (Result r : results) {
            if (r.firstProblem() != null) {
                System.out.println(r.model() + ": first problem: " + r.firstProblem());
            }
        }
        System.exit(ok ? 0 : 1);
    }

    private static Result soak(Path file, List<History> users, List<Domain> targets, int threads, long calls, int k) throws Exception {
        Recommender recommender = open(file);
        String label = file.getFileName().toString();
        try {
            List<List<ScoredItem>> expected = new ArrayList<>(users.size());
            for (int u = 0; u < users.size(); u++) {
                expected.add(recommender.recommend(users.get(u), targets.get(u), k));
            }
            System.gc();
            AtomicLong next = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            AtomicLong mismatches = new AtomicLong();
            AtomicReference<String> firstProblem = new AtomicReference<>();
            HeapWatch heap = new HeapWatch();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread worker = new Thread(() -> {
                    awaitQuietly(start);
                    for (long i = next.getAndIncrement(); i < calls; i = next.getAndIncrement()) {
                        int u = (int) (i % users.size());
                        try {
                            List<ScoredItem> got = recommender.recommend(users.get(u), targets.get(u), k);
                            if (!got.equals(expected.get(u))) {
                                mismatches.incrementAndGet();
                                firstProblem.compareAndSet(null, "call " + i + ", test user " + u + ": " + got + ", single-thread "
                                        + expected.get(u));
                            }
                        } catch (Throwable e) { // an OutOfMemoryError is what this test looks for
                            errors.incrementAndGet();
                            firstProblem.compareAndSet(null, "call " + i + ", test user " + u + ": " + e);
                        }
                    }
                }, "soak-" + t);
                workers.add(worker);
                worker.start();
            }
            heap.start();
            long began = System.nanoTime();
            start.countDown();
            for (Thread w : workers) {
                w.join();
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            heap.stop();
            System.gc(); // what stays with the model loaded once the callers are gone (its weights, tables and idle replicas)
            long retained = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            Result r = new Result(label, threads, calls, errors.get(), mismatches.get(), seconds, heap.liveAfterGc(), heap.peakUsed(),
                    heap.collections(), retained, firstProblem.get());
            System.out.printf(Locale.ROOT, "%s: %d calls in %.1f s = %.0f calls/s, %d errors, %d mismatches, live heap after GC %s MB, "
                    + "peak heap used %.1f MB, %d GCs, heap after the run %.1f MB%n", label, calls, seconds, r.callsPerSecond(), r.errors(),
                    r.mismatches(), r.liveHeap(), r.peakHeapUsed() / 1048576.0, r.gcCount(), r.retainedAfterRun() / 1048576.0);
            return r;
        } finally {
            if (recommender instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    private static Recommender open(Path file) throws IOException {
        return TrainedModel.open(file);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The heap during a run: the most in use right after a collection (listening to the
     * collectors' notifications) and the most in use at all (sampled).
     */
    private static final class HeapWatch {
        private final AtomicLong liveAfterGc = new AtomicLong();
        private final AtomicLong peakUsed = new AtomicLong();
        private final AtomicLong collections = new AtomicLong();
        private final List<Runnable> unsubscribe = new ArrayList<>();
        private volatile boolean running;
        private Thread sampler;

        void start() {
            running = true;
            NotificationListener listener = (notification, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    return;
                }
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                long after = 0;
                for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
                    after += u.getUsed();
                }
                long before = 0;
                for (MemoryUsage u : info.getGcInfo().getMemoryUsageBeforeGc().values()) {
                    before += u.getUsed();
                }
                liveAfterGc.accumulateAndGet(after, Math::max);
                peakUsed.accumulateAndGet(before, Math::max);
                collections.incrementAndGet();
            };
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener(listener, null, null);
                    unsubscribe.add(() -> {
                        try {
                            emitter.removeNotificationListener(listener);
                        } catch (javax.management.ListenerNotFoundException e) {
                            // already gone
                        }
                    });
                }
            }
            sampler = new Thread(() -> {
                while (running) {
                    peakUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "soak-heap-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        void stop() throws InterruptedException {
            running = false;
            sampler.join();
            unsubscribe.forEach(Runnable::run);
        }

        long liveAfterGc() {
            return liveAfterGc.get();
        }

        long peakUsed() {
            return peakUsed.get();
        }

        long collections() {
            return collections.get();
        }
    }
}
