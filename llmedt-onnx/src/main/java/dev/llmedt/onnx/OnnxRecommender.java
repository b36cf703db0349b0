package dev.llmedt.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmedt.Recommender;
import dev.llmedt.check.Require;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.engine.ScoreArguments;
import dev.llmedt.ScoredItem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link Recommender} that runs a model exported by {@link OnnxExporter} in ONNX Runtime: on
 * CUDA when ONNX Runtime offers it (the {@code onnxruntime_gpu} artifact with CUDA 12 and cuDNN 9),
 * otherwise on CPU, which is logged in one INFO line; {@link Builder#requireGpu} makes the absence
 * of CUDA an error.
 *
 * <p>Scores equal the Java model's within float rounding. {@link #recommend} and
 * {@link #recommendBatch} take the graph's own top-k (items in the history excluded, ties by the
 * smaller id). A call sorts its histories by length and runs them in batches of at most
 * {@link Builder#batchSize} histories, each padded to its own longest history, through direct,
 * native-order buffers that ONNX Runtime reads and writes in place.
 *
 * <p>Thread-safe: concurrent calls share one session. Holds native memory: close it (in
 * try-with-resources); {@link #close()} waits for the calls in flight, and later calls fail.
 */
public final class OnnxRecommender implements Recommender, AutoCloseable {

    private final RuntimeSession runtime;
    private final OrtEnvironment environment = RuntimeFiles.environment();
    private final Map<String, String> metadata;
    private final List<Domain> domains;
    private final boolean[] scored;
    private final int itemCount;
    private final int batchSize;
    private final ConcurrentLinkedQueue<Buffers> buffers = new ConcurrentLinkedQueue<>();

    private OnnxRecommender(Builder b, RuntimeSession runtime) {
        this.runtime = runtime;
        this.batchSize = b.batchSize;
        try {
            this.metadata = Map.copyOf(runtime.session().getMetadata().getCustomMetadata());
            if (!OnnxExporter.GRAPH_VERSION.equals(metadata.get(OnnxExporter.META_GRAPH_VERSION))) {
                throw new IllegalArgumentException(b.file + " is not an llmedt recommender export of graph version "
                        + OnnxExporter.GRAPH_VERSION + " (its " + OnnxExporter.META_GRAPH_VERSION + " is "
                        + metadata.get(OnnxExporter.META_GRAPH_VERSION) + "); export the model with OnnxExporter or export-onnx");
            }
            JsonNode json = OnnxExporter.domains(metadata);
            List<Domain> list = new ArrayList<>();
            this.scored = new boolean[json.size()];
            for (JsonNode d : json) {
                list.add(new Domain(d.path("index").asInt(), d.path("name").asText(), d.path("first_item").asInt(), d.path("size").asInt()));
                scored[d.path("index").asInt()] = d.path("scored").asBoolean();
            }
            this.domains = List.copyOf(list);
            this.itemCount = domains.get(domains.size() - 1).endItem();
        } catch (OrtException | IOException | RuntimeException e) {
            runtime.close();
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("cannot read the llmedt metadata of " + b.file + ": " + e.getMessage(), e);
        }
        runtime.logPlacement("recommender");
    }

    /**
     * Opens an exported model with the defaults (all processors, CUDA device 0 when present,
     * batches of 256 histories).
     *
     * @throws IllegalArgumentException when the file does not exist or is not an llmedt recommender export
     */
    public static OnnxRecommender open(Path onnxFile) {
        return builder(onnxFile).build();
    }

    /** Starts a builder for an exported model. */
    public static Builder builder(Path onnxFile) {
        return new Builder(Objects.requireNonNull(onnxFile, "onnxFile"));
    }

    /** Returns the domains of the exported model (names and item-id ranges). */
    public List<Domain> domains() {
        return domains;
    }

    /** Returns whether the model scores the domain (a single-domain SASRec model scores its own only). */
    public boolean scores(Domain domain) {
        return domain.index() < domains.size() && domains.get(domain.index()).equals(domain) && scored[domain.index()];
    }

    /** Returns the file's llmedt metadata: kind, domains, configuration, provenance, export time, opset. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Returns whether the model runs on CUDA. */
    public boolean onGpu() {
        return runtime.onGpu();
    }

    @Override
    public void score(History history, Domain target, float[] scores) {
        scoreBatch(List.of(history), target, new float[][] {scores});
    }

    @Override
    public void scoreBatch(List<History> histories, Domain target, float[][] scores) {
        check(histories, target);
        ScoreArguments.requireScoreRows(histories, target, scores);
        run(histories, target, 0, (index, rows, buf) -> {
            for (int r = 0; r < rows; r++) {
                buf.scores.get(r * target.size(), scores[index[r]], 0, target.size());
            }
        });
    }

    /**
     * Returns the {@code k} best items of the target domain that are not in the history, best
     * first, equal scores by the smaller id (fewer when fewer remain), from the graph's top-k.
     *
     * @throws IllegalArgumentException when {@code k < 1}, the domain is not scored by the model or
     *     an item id is unknown
     */
    @Override
    public List<ScoredItem> recommend(History history, Domain target, int k) {
        return recommendBatch(List.of(history), target, k).get(0);
    }

    /** Returns {@link #recommend} for several histories at once, in their order, from the graph's top-k output. */
    @Override
    public List<List<ScoredItem>> recommendBatch(List<History> histories, Domain target, int k) {
        Require.atLeast("k", k, 1);
        check(histories, target);
        int width = Math.min(k, target.size());
        List<List<ScoredItem>> out = new ArrayList<>(Collections.nCopies(histories.size(), null));
        run(histories, target, width, (index, rows, buf) -> {
            for (int r = 0; r < rows; r++) {
                List<ScoredItem> top = new ArrayList<>(width);
                for (int j = 0; j < width; j++) {
                    float s = buf.topScores.get(r * width + j);
                    if (s != Float.NEGATIVE_INFINITY) {
                        top.add(new ScoredItem((int) buf.topItems.get(r * width + j), s));
                    }
                }
                out.set(index[r], top);
            }
        });
        return out;
    }

    private void check(List<History> histories, Domain target) {
        Objects.requireNonNull(target, "target");
        if (target.index() >= domains.size() || !domains.get(target.index()).equals(target)) {
            throw new IllegalArgumentException("domain " + target + " is not one of this model's domains " + domains);
        }
        if (!scored[target.index()]) {
            throw new IllegalArgumentException("this single-domain model cannot score " + target.name() + "; it scores "
                    + domains.stream().filter(d -> scored[d.index()]).map(Domain::name).toList());
        }
        ScoreArguments.requireKnownItems(histories, itemCount);
    }

    /** Reads the outputs of one run: rows {@code r < rows} belong to histories {@code index[r]}. */
    private interface Reader {
        void read(int[] index, int rows, Buffers buf);
    }

    /**
     * Runs the histories in batches of similar lengths; {@code top > 0} asks for the top-k
     * outputs of that width, else for the scores.
     */
    private void run(List<History> histories, Domain target, int top, Reader reader) {
        int n = histories.size();
        if (n == 0) {
            return;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(histories.get(a).length(), histories.get(b).length()));
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            lengths[i] = Math.max(1, histories.get(order[i]).length());
        }
        int[] ends = TokenBatches.partition(lengths, batchSize,
                runtime.onGpu() ? TokenBatches.GPU_RUN_COST_TOKENS : TokenBatches.CPU_RUN_COST_TOKENS);
        Buffers buf = buffers.poll();
        if (buf == null) {
            buf = new Buffers();
        }
        Buffers b = buf;
        try {
            runtime.call(session -> {
                int from = 0;
                for (int to : ends) {
                    int rows = to - from;
                    int[] index = new int[rows];
                    for (int r = 0; r < rows; r++) {
                        index[r] = order[from + r];
                    }
                    runBatch(session, histories, index, lengths[to - 1], target, top, b);
                    reader.read(index, rows, b);
                    from = to;
                }
                return null;
            });
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to score " + n + " histories for " + target.name() + " with "
                    + runtime.source() + ": " + e.getMessage(), e);
        } finally {
            buffers.offer(buf);
        }
    }

    private void runBatch(OrtSession session, List<History> histories, int[] index, int width, Domain target, int top, Buffers buf)
            throws OrtException {
        int rows = index.length;
        LongBuffer history = buf.history(rows * width);
        LongBuffer lengths = buf.lengths(rows);
        for (int r = 0; r < rows; r++) {
            History h = histories.get(index[r]);
            for (int t = 0; t < width; t++) {
                history.put(r * width + t, t < h.length() ? h.item(t) : 0);
            }
            lengths.put(r, h.length());
        }
        buf.scalars.put(0, target.index());
        buf.scalars.put(1, top);
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
        try {
            inputs.put(OnnxExporter.HISTORY, OnnxTensor.createTensor(environment, history, new long[] {rows, width}));
            inputs.put(OnnxExporter.LENGTHS, OnnxTensor.createTensor(environment, lengths, new long[] {rows}));
            inputs.put(OnnxExporter.DOMAIN, OnnxTensor.createTensor(environment, buf.scalars.duplicate().position(0).limit(1), new long[0]));
            inputs.put(OnnxExporter.K, OnnxTensor.createTensor(environment, buf.scalars.duplicate().position(1).limit(2).slice(),
                    new long[0]));
            if (top > 0) {
                outputs.put(OnnxExporter.TOP_SCORES, OnnxTensor.createTensor(environment, buf.topScores(rows * top), new long[] {rows, top}));
                outputs.put(OnnxExporter.TOP_ITEMS, OnnxTensor.createTensor(environment, buf.topItems(rows * top), new long[] {rows, top}));
            } else {
                outputs.put(OnnxExporter.SCORES, OnnxTensor.createTensor(environment, buf.scores(rows * target.size()),
                        new long[] {rows, target.size()}));
            }
            try (OrtSession.Result result = session.run(inputs, outputs)) {
                // The outputs are written into the buffers in place.
            }
        } finally {
            for (OnnxTensor t : inputs.values()) {
                t.close();
            }
            for (OnnxTensor t : outputs.values()) {
                t.close();
            }
        }
    }

    /** One caller's direct, native-order buffers, grown on demand. */
    private static final class Buffers {
        private LongBuffer history = longs(0);
        private LongBuffer lengths = longs(0);
        private final LongBuffer scalars = longs(2);
        private FloatBuffer scores = floats(0);
        private FloatBuffer topScores = floats(0);
        private LongBuffer topItems = longs(0);

        private static LongBuffer longs(int n) {
            return ByteBuffer.allocateDirect(n * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
        }

        private static FloatBuffer floats(int n) {
            return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        private static int grown(int capacity, int n) {
            return Math.max(n, capacity + capacity / 2);
        }

        LongBuffer history(int n) {
            if (history.capacity() < n) {
                history = longs(grown(history.capacity(), n));
            }
            return history.clear().limit(n);
        }

        LongBuffer lengths(int n) {
            if (lengths.capacity() < n) {
                lengths = longs(grown(lengths.capacity(), n));
            }
            return lengths.clear().limit(n);
        }

        FloatBuffer scores(int n) {
            if (scores.capacity() < n) {
                scores = floats(grown(scores.capacity(), n));
            }
            return scores.clear().limit(n);
        }

        FloatBuffer topScores(int n) {
            if (topScores.capacity() < n) {
                topScores = floats(grown(topScores.capacity(), n));
            }
            return topScores.clear().limit(n);
        }

        LongBuffer topItems(int n) {
            if (topItems.capacity() < n) {
                topItems = longs(grown(topItems.capacity(), n));
            }
            return topItems.clear().limit(n);
        }
    }

    /** Closes the session after the calls in flight finish. Idempotent. */
    @Override
    public void close() {
        runtime.close();
    }

    @Override
    public String toString() {
        return "OnnxRecommender[" + runtime.source() + ", " + metadata.get(OnnxExporter.META_KIND) + ", " + (onGpu() ? "CUDA" : "CPU") + "]";
    }

    /**
     * Builds an {@link OnnxRecommender}. Each setter checks its argument at once and names it, the
     * value and the allowed range in its exception.
     */
    public static final class Builder extends RuntimeBuilder<Builder> {

        private final Path file;
        private int batchSize = 256;

        private Builder(Path file) {
            this.file = file;
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Sets the most histories per model run (default 256).
         *
         * @throws IllegalArgumentException unless 1 to 65,536
         */
        public Builder batchSize(int histories) {
            this.batchSize = Require.inRange("batchSize", histories, 1, 65_536);
            return this;
        }

        /**
         * Opens the session.
         *
         * @throws IllegalArgumentException when the file does not exist, cannot be loaded or is not an
         *     llmedt recommender export (names the file)
         * @throws IllegalStateException when {@link #requireGpu} is set and CUDA is absent or fails
         */
        public OnnxRecommender build() {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("ONNX model " + file + " does not exist or is not a file");
            }
            RuntimeSession runtime;
            try {
                runtime = RuntimeSession.open(file.toString(), runtimeSettings(),
                        (environment, options) -> environment.createSession(file.toString(), options));
            } catch (OrtException e) {
                throw new IllegalArgumentException("cannot load ONNX model " + file + ": " + e.getMessage(), e);
            }
            return new OnnxRecommender(this, runtime);
        }
    }
}
