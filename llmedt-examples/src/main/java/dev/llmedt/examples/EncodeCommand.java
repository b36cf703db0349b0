package dev.llmedt.examples;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.onnx.OnnxTextEncoder;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.OpenAiCompatible;
import dev.llmedt.text.TextCache;
import dev.llmedt.text.TextEncoder;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llmedt encode}: embed every item's text into a little-endian float32 matrix. */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Encode the text of every item (global id order) with a text encoder and write a little-endian float32 "
                + "matrix (items x dim) plus FILE.json (rows, dimension, model id, template, checksum). Items without text get "
                + "zero rows and are counted.")
final class EncodeCommand implements Callable<Integer> {

    @Mixin
    DataOptions dataOptions;

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

    @Option(names = "--max-length", paramLabel = "TOKENS", description = "ONNX encoders: maximum tokens per text (default 256 embedded, 512 DIR).")
    Integer maxLength;

    @Option(names = "--query-prefix", defaultValue = "", paramLabel = "TEXT", description = "Prefix of query texts (e5: 'query: ').")
    String queryPrefix;

    @Option(names = "--document-prefix", defaultValue = "", paramLabel = "TEXT", description = "Prefix of item texts (e5: 'passage: ').")
    String documentPrefix;

    @Option(names = "--batch-size", paramLabel = "N", description = "Texts per model call (default 32 ONNX, 64 HTTP).")
    Integer batchSize;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime intra-op threads (default: all processors).")
    Integer threads;

    @Option(names = "--require-gpu", description = "Fail unless ONNX Runtime offers CUDA (the onnxruntime_gpu artifact).")
    boolean requireGpu;

    @Option(names = "--template", defaultValue = "{title}", paramLabel = "PATTERN",
            description = "Item text: fields in braces, {field:N} cuts a field to N characters (default: ${DEFAULT-VALUE}).")
    String template;

    @Option(names = "--domain-template", paramLabel = "NAME=PATTERN", description = "A pattern for one domain; repeatable.")
    List<String> domainTemplates = List.of();

    @Option(names = "--max-chars", paramLabel = "N", description = "Cut rendered texts to N characters (default 2000).")
    Integer maxChars;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Matrix file to write; FILE.json is written beside it.")
    Path out;

    @Option(names = "--cache", paramLabel = "DIR", description = "Embedding cache directory (created if needed); a second run is served from it.")
    Path cache;

    @Option(names = "--json", description = "Print a machine-readable JSON summary.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        ItemTextTemplate itemTemplate = template();
        CdsrDataset data = dataOptions.read();
        long loadStart = System.nanoTime();
        try (TextEncoder model = openEncoder()) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            TextCache textCache = cache == null ? null : TextCache.open(cache);
            TextEncoder used = textCache == null ? model : textCache.cached(model);
            long start = System.nanoTime();
            ItemEmbeddings embeddings = ItemEmbeddings.encode(data.items(), used, itemTemplate, ConsoleProgress.create());
            double seconds = (System.nanoTime() - start) / 1e9;
            embeddings.write(out);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("dataset", data.name());
            summary.put("items", embeddings.rows());
            summary.put("dim", embeddings.dimension());
            summary.put("items_without_text", embeddings.itemsWithoutText());
            summary.put("seconds", round(seconds));
            summary.put("items_per_second", round(embeddings.rows() / Math.max(seconds, 1e-9)));
            summary.put("cache_hits", textCache == null ? 0 : textCache.statistics().hits());
            summary.put("cache_misses", textCache == null ? null : textCache.statistics().misses());
            summary.put("cache_corrupt_entries", textCache == null ? null : textCache.statistics().corrupt());
            summary.put("cache", cache == null ? null : cache.toString());
            summary.put("model_load_seconds", round(loadSeconds));
            summary.put("model_id", embeddings.modelId());
            summary.put("template", embeddings.template());
            summary.put("out", out.toString());
            summary.put("metadata", ItemEmbeddings.sidecar(out).toString());
            if (json) {
                stdout.println(Json.write(summary));
            } else {
                stdout.printf(Locale.ROOT, "encoded %d items (%d without text) of %s with %s into %s (%d x %d float32, little-endian)%n",
                        embeddings.rows(), embeddings.itemsWithoutText(), data.name(), embeddings.modelId(), out, embeddings.rows(),
                        embeddings.dimension());
                stdout.printf(Locale.ROOT, "%.2f s, %.1f items/s; model loaded in %.2f s%n", seconds, embeddings.rows() / Math.max(seconds, 1e-9),
                        loadSeconds);
                if (textCache != null) {
                    TextCache.Statistics s = textCache.statistics();
                    stdout.printf(Locale.ROOT, "cache %s: %d hits, %d misses, %d corrupt entries recomputed%n", cache, s.hits(), s.misses(),
                            s.corrupt());
                }
            }
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private ItemTextTemplate template() {
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

    private TextEncoder openEncoder() {
        if (encoder.startsWith("http://") || encoder.startsWith("https://")) {
            if (encoderModel == null) {
                throw new IllegalArgumentException("--encoder " + encoder + " needs --encoder-model NAME");
            }
            if (pooling != null || maxLength != null || threads != null || requireGpu) {
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
        if (threads != null) {
            b.threads(threads);
        }
        return b.build();
    }
}
