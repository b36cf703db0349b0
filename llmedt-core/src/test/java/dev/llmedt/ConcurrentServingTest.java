package dev.llmedt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.ReplicaPool;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.testing.RetainedSize;
import dev.llmedt.testing.SyntheticModels;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Serving from many threads: the pure-Java models give every caller, whatever the size of its
 * call, the single-thread results bit for bit; they hold at most one replica per processor; and a
 * replica's working set is sized to the calls it served (one window of activations for one
 * history), not to the largest batch.
 */
class ConcurrentServingTest {

    private static final CdsrDataset DATA = SyntheticModels.DATA;
    private static final int THREADS = 16;
    /** Call sizes: one history, a few, and more than one forward chunk (32), so buffers grow while others serve. */
    private static final int[] BATCH_SIZES = {1, 3, 33, 70};

    @TempDir
    Path dir;

    private static Recommender trained(String name) {
        return switch (name) {
            case "sasrec" -> SyntheticModels.sasrec();
            case "sasrec-kitchen" -> SyntheticModels.sasrecKitchen();
            case "llm-edt" -> SyntheticModels.llmEdt();
            case "llm-edt-without-food-thread" -> SyntheticModels.llmEdtWithoutFoodThread();
            case "llm-edt-phase-1" -> SyntheticModels.llmEdtPhaseOne();
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** A fresh copy of the model (its own empty replica pool), through its file. */
    private Recommender fresh(Recommender model) throws IOException {
        Path file = Files.createTempFile(dir, "model", ".llmedt");
        if (model instanceof SasRecModel s) {
            s.save(file);
            return SasRecModel.load(file);
        }
        ((LlmEdtModel) model).save(file);
        return LlmEdtModel.load(file);
    }

    private static List<Domain> scoredDomains(Recommender model) {
        return DATA.domains().stream().filter(d -> !(model instanceof SasRecModel s) || s.scores(d)).toList();
    }

    /** Empty, short, window-long and longer histories (the synthetic users have up to 24 items against a window of 12). */
    private static List<History> histories() {
        List<History> out = new ArrayList<>();
        out.add(History.empty());
        for (EvaluationCase c : DATA.test()) {
            out.add(c.input());
        }
        for (EvaluationCase c : DATA.valid().subList(0, 40)) {
            out.add(c.input());
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sasrec", "sasrec-kitchen", "llm-edt", "llm-edt-without-food-thread", "llm-edt-phase-1"})
    void sixteenCallersGetTheSingleThreadResultsBitForBit(String name) throws Exception {
        Recommender reference = trained(name);
        List<History> histories = histories();
        List<Domain> domains = scoredDomains(reference);
        float[][][] scores = new float[DATA.domains().size()][histories.size()][];
        List<List<List<ScoredItem>>> tops = new ArrayList<>();
        for (Domain d : DATA.domains()) {
            List<List<ScoredItem>> perHistory = new ArrayList<>();
            if (domains.contains(d)) {
                for (int h = 0; h < histories.size(); h++) {
                    scores[d.index()][h] = new float[d.size()];
                    reference.score(histories.get(h), d, scores[d.index()][h]);
                    perHistory.add(reference.recommend(histories.get(h), d, 10));
                }
            }
            tops.add(perHistory);
        }
        Recommender model = fresh(reference);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int caller = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < 24; round++) {
                        Domain d = domains.get((caller + round) % domains.size());
                        int from = (caller * 37 + round * 11) % histories.size();
                        int size = BATCH_SIZES[(caller + round / 4) % BATCH_SIZES.length];
                        List<History> some = new ArrayList<>();
                        List<Integer> index = new ArrayList<>();
                        for (int j = 0; j < size; j++) {
                            index.add((from + j) % histories.size());
                            some.add(histories.get(index.get(j)));
                        }
                        String what = name + ", caller " + caller + ", round " + round + ", " + d.name();
                        switch (round % 4) {
                            case 0 -> assertEquals(tops.get(d.index()).get(index.get(0)), model.recommend(some.get(0), d, 10), what);
                            case 1 -> {
                                float[][] out = new float[size][d.size()];
                                model.scoreBatch(some, d, out);
                                for (int j = 0; j < size; j++) {
                                    assertArrayEquals(scores[d.index()][index.get(j)], out[j], what + ", history " + index.get(j));
                                }
                            }
                            case 2 -> {
                                List<List<ScoredItem>> got = model.recommendBatch(some, d, 10);
                                for (int j = 0; j < size; j++) {
                                    assertEquals(tops.get(d.index()).get(index.get(j)), got.get(j), what + ", history " + index.get(j));
                                }
                            }
                            default -> {
                                float[] out = new float[d.size()];
                                model.score(some.get(0), d, out);
                                assertArrayEquals(scores[d.index()][index.get(0)], out, what);
                            }
                        }
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
        ReplicaPool<?> replicas = replicasOf(model);
        assertTrue(replicas.size() <= ReplicaPool.defaultMaxReplicas(),
                replicas.size() + " replicas, more than the bound " + ReplicaPool.defaultMaxReplicas());
    }

    /**
     * The working set of a replica, counted by walking it (the shared parameters excluded): after one
     * history, about one window of activations plus the copies of the weights; after a large batch,
     * at most one forward chunk (32 windows). Before, every replica held buffers for 128 full windows
     * (and an LLM-EDT replica one network per domain), whatever it served.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sasrec", "llm-edt"})
    void aReplicaHoldsBuffersForTheCallsItServedOnly(String name) throws Exception {
        Recommender reference = trained(name);
        Recommender model = fresh(reference);
        Domain kitchen = DATA.domain("Kitchen");
        History longest = histories().stream().max((a, b) -> Integer.compare(a.length(), b.length())).orElseThrow();
        assertTrue(longest.length() > SyntheticModels.WINDOW, "a history longer than the window");

        model.recommend(longest, kitchen, 10);
        long one = workingSet(model);

        List<History> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(longest);
        }
        model.recommendBatch(many, kitchen, 10);
        long chunk = workingSet(model);

        // An estimate from the network's shape: per row of a window, each block keeps about 40 activations of the
        // width (forward, backward and dropout buffers; ten of them row-major, with a 16-byte header per row), the
        // network 8 more; per window, each block's attention keeps its probabilities and dropout draws, 1.5 x 2 x
        // heads x window^2; fixed per block, the weight copies of its six projections (6 d^2) and their few-row
        // buffers (12 x 64 rows of d + 4). An LLM-EDT replica runs two networks for Kitchen when Kitchen keeps its
        // thread (the global one and the thread). The bounds allow twice the estimate.
        int d = 16;
        int blocks = 2;
        int heads = 2;
        int window = SyntheticModels.WINDOW;
        int networks = reference instanceof LlmEdtModel m && m.usesDomainThread(kitchen) ? 2 : 1;
        long perRow = 4L * (blocks * (40L * d + 16) + 8L * d) + blocks * 10L * 16;
        long perWindow = window * perRow + 4L * blocks * 3 * heads * window * window;
        long fixed = 4L * blocks * (6L * d * d + 12L * 64 * (d + 4)) + 16_384;
        long oneWindow = 2 * networks * (fixed + perWindow);
        long thirtyTwoWindows = 2 * networks * (fixed + 32 * perWindow);
        long oldReplica = networks * 128 * perWindow;
        assertTrue(one <= oneWindow, name + ": " + one + " bytes after one history, bound " + oneWindow);
        assertTrue(oneWindow * 8 < oldReplica, "the bound tells the old replica (" + oldReplica + " bytes) apart");
        assertTrue(chunk > one, name + ": the working set grew for the batch");
        assertTrue(chunk <= thirtyTwoWindows, name + ": " + chunk + " bytes after a batch of 100, bound " + thirtyTwoWindows);
        assertEquals(1, replicasOf(model).size());
    }

    private static long workingSet(Recommender model) throws ReflectiveOperationException {
        long[] bytes = {0};
        replicasOf(model).forEachIdle(r -> bytes[0] += RetainedSize.of(r, Set.of(Parameter.class, ParameterSet.class)));
        return bytes[0];
    }

    /** The model's replica pool: its own (SASRec) or its user batches' (LLM-EDT). */
    private static ReplicaPool<?> replicasOf(Recommender model) throws ReflectiveOperationException {
        Object owner = model;
        if (java.util.Arrays.stream(model.getClass().getDeclaredFields()).noneMatch(f -> f.getName().equals("replicas"))) {
            owner = field(model, "batches");
        }
        return (ReplicaPool<?>) field(owner, "replicas");
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        Field f = owner.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(owner);
    }
}
