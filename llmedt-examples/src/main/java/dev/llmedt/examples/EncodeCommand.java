package dev.llmedt.examples;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.TextCache;
import dev.llmedt.text.TextEncoder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

    private static final String OUT = "the embeddings file (--out)";

    @Mixin
    DataOptions dataOptions;

    @Mixin
    EncoderOptions encoderOptions;

    @Mixin
    EncoderOptions.Limits encoderLimits;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime intra-op threads (default: all processors).")
    Integer threads;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Matrix file to write; FILE.json is written beside it "
            + "(both checked before encoding; when the final write fails, they are kept in a llmedt-kept-* directory of the temporary "
            + "directory and the error says where).")
    Path out;

    @Mixin
    OutputOptions output;

    @Option(names = "--json", description = "Print a machine-readable JSON summary.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        ItemTextTemplate itemTemplate = encoderOptions.template();
        output.checkFile(out, OUT);
        output.checkFile(ItemEmbeddings.sidecar(out), "the embeddings metadata file (--out + .json)");
        CdsrDataset data = dataOptions.read();
        long loadStart = System.nanoTime();
        try (TextEncoder model = encoderOptions.open(threads, encoderLimits)) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            TextCache textCache = encoderOptions.openCache();
            TextEncoder used = textCache == null ? model : textCache.cached(model);
            long start = System.nanoTime();
            ItemEmbeddings embeddings = ItemEmbeddings.encode(data.items(), used, itemTemplate, ConsoleProgress.create());
            double seconds = (System.nanoTime() - start) / 1e9;
            OutputOptions.writeOrKeep(out, OUT, file -> embeddings.write(file, output.writeOptions()));
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
            summary.put("cache", encoderOptions.cache == null ? null : encoderOptions.cache.toString());
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
                    stdout.printf(Locale.ROOT, "cache %s: %d hits, %d misses, %d corrupt entries recomputed%n", encoderOptions.cache, s.hits(),
                            s.misses(),
                            s.corrupt());
                }
            }
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
