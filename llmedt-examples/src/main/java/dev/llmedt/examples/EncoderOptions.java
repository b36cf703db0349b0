package dev.llmedt.examples;

import dev.llmedt.onnx.OnnxTextEncoder;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.OpenAiCompatible;
import dev.llmedt.text.TextCache;
import dev.llmedt.text.TextEncoder;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that choose a text encoder, the item text template and the cache ({@code encode}, {@code augment}). */
final class EncoderOptions {

    @Option(names = "--encoder", defaultValue = "default", paramLabel = "default|DIR|URL",
            description = "default: the embedded all-MiniLM-L6-v2 (no download); DIR: an exported encoder (model.onnx + "
                    + "tokenizer.json); URL: an OpenAI-compatible server, e.g. http://localhost:8000/v1 (with --encoder-model). "
                    + "Default: ${DEFAULT-VALUE}.")
    String encoder;

    @Option(names = "--encoder-model", paramLabel = "NAME", description = "With --encoder URL: the embedding model's name on the server.")
    String encoderModel;

    @Option(names = "--api-key-env", paramLabel = "VAR", description = "With --encoder URL: the environment variable holding the API key.")
    String apiKeyEnv;

    @Option(names = "--pooling", paramLabel = "mean|cls|last-token", description = "With --encoder DIR: pooling (default mean).")
    String pooling;

    @Option(names = "--query-prefix", defaultValue = "", paramLabel = "TEXT", description = "Prefix of query texts (e5: 'query: ').")
    String queryPrefix;

    @Option(names = "--document-prefix", defaultValue = "", paramLabel = "TEXT", description = "Prefix of item texts (e5: 'passage: ').")
    String documentPrefix;

    @Option(names = "--require-gpu", description = "Fail unless ONNX Runtime offers CUDA (the onnxruntime_gpu artifact).")
    boolean requireGpu;

    @Option(names = "--template", defaultValue = "{title}", paramLabel = "PATTERN",
            description = "Item text: fields in braces, {field:N} cuts a field to N characters (default: ${DEFAULT-VALUE}).")
    String template;

    @Option(names = "--domain-template", paramLabel = "NAME=PATTERN", description = "A pattern for one domain; repeatable.")
    List<String> domainTemplates = List.of();

    @Option(names = "--max-chars", paramLabel = "N", description = "Cut rendered texts to N characters (default 2000).")
    Integer maxChars;

    @Option(names = "--cache", paramLabel = "DIR", description = "Embedding cache directory (created if needed); a second run is served from it.")
    Path cache;

    /** Returns the item text template the options describe. */
    ItemTextTemplate template() {
        ItemTextTemplate.Builder b = ItemTextTemplate.builder(template);
        for (String spec : domainTemplates) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--domain-template must look like NAME=PATTERN, got '" + spec + "'");
            }
            b.domain(spec.substring(0, eq), spec.substring(eq + 1));
        }
        if (maxChars != null) {
            b.maxChars(maxChars);
        }
        return b.build();
    }

    /**
     * The cache used when {@code --cache} is not given by commands that embed many texts on every
     * run (profiles): {@code $XDG_CACHE_HOME/llmedt}, else {@code ~/.cache/llmedt}.
     */
    static Path defaultCacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("llmedt");
    }

    /** Opens the cache of {@code --cache}, or returns null without it. */
    TextCache openCache() throws IOException {
        return cache == null ? null : TextCache.open(cache);
    }

    /**
     * The per-call limits of an encoder ({@code encode}, {@code augment}); {@code train} keeps the
     * defaults, since its {@code --max-length} and {@code --batch-size} are the model's.
     */
    static final class Limits {
        @Option(names = "--max-length", paramLabel = "TOKENS", description = "ONNX encoders: maximum tokens per text (default 256 embedded, 512 DIR).")
        Integer maxLength;

        @Option(names = "--batch-size", paramLabel = "N", description = "Texts per model call (default 32 ONNX, 64 HTTP).")
        Integer batchSize;
    }

    /**
     * Opens the encoder the options describe (not cached), with default limits.
     *
     * @param onnxThreads ONNX Runtime intra-op threads, or null for the default
     */
    TextEncoder open(Integer onnxThreads) {
        return open(onnxThreads, new Limits());
    }

    /**
     * Opens the encoder the options describe (not cached).
     *
     * @param onnxThreads ONNX Runtime intra-op threads, or null for the default
     */
    TextEncoder open(Integer onnxThreads, Limits limits) {
        Integer maxLength = limits.maxLength;
        Integer batchSize = limits.batchSize;
        if (encoder.startsWith("http://") || encoder.startsWith("https://")) {
            if (encoderModel == null) {
                throw new IllegalArgumentException("--encoder " + encoder + " needs --encoder-model NAME");
            }
            if (pooling != null || maxLength != null || onnxThreads != null || requireGpu) {
                throw new IllegalArgumentException("--pooling, --max-length, --threads and --require-gpu apply to ONNX encoders, not to "
                        + "an HTTP server");
            }
            OpenAiCompatible.EmbeddingsBuilder b = OpenAiCompatible.embeddings(URI.create(encoder), encoderModel)
                    .prefixes(queryPrefix, documentPrefix);
            if (apiKeyEnv != null) {
                b.apiKeyFromEnvironment(apiKeyEnv);
            }
            if (batchSize != null) {
                b.batchSize(batchSize);
            }
            return b.build();
        }
        if (encoderModel != null || apiKeyEnv != null) {
            throw new IllegalArgumentException("--encoder-model and --api-key-env apply to --encoder URL only");
        }
        OnnxTextEncoder.Builder b;
        if ("default".equals(encoder)) {
            if (pooling != null) {
                throw new IllegalArgumentException("--pooling applies to --encoder DIR; the embedded model uses mean pooling");
            }
            b = OnnxTextEncoder.embedded();
        } else {
            b = OnnxTextEncoder.fromDirectory(Path.of(encoder));
            if (pooling != null) {
                b.pooling(switch (pooling) {
                    case "mean" -> OnnxTextEncoder.Pooling.MEAN;
                    case "cls" -> OnnxTextEncoder.Pooling.CLS;
                    case "last-token" -> OnnxTextEncoder.Pooling.LAST_TOKEN;
                    default -> throw new IllegalArgumentException("--pooling must be mean, cls or last-token, got '" + pooling + "'");
                });
            }
        }
        b.prefixes(queryPrefix, documentPrefix).requireGpu(requireGpu);
        if (maxLength != null) {
            b.maxLength(maxLength);
        }
        if (batchSize != null) {
            b.batchSize(batchSize);
        }
        if (onnxThreads != null) {
            b.threads(onnxThreads);
        }
        return b.build();
    }
}
