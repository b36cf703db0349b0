package dev.llmedt.spark;

import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.TextCache;
import dev.llmedt.text.TextEncoder;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import dev.llmedt.data.Item;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Encodes the item catalogue: each item's text (by the template) to a unit vector, items without
 * text to zeros, exactly as {@link dev.llmedt.text.ItemEmbeddings#encode} does on one machine.
 * Each executor builds one encoder (and opens the text cache, when set) and shares it among its
 * tasks; each task encodes its partition in batches, every distinct text of a batch once.
 *
 * <p>In: {@link Tables#ITEMS}. Out: {@link Tables#VECTORS}, one row per item, each carrying the
 * encoder's model id. A null title fails the job naming the item.
 *
 * <pre>{@code
 * Dataset<Row> vectors = EncodeJob.run(spark, spark.read().parquet("items"),
 *         EncodeJob.Config.of(TextEncoderFactory.embeddedMiniLm(1)));
 * vectors.write().parquet("vectors");
 * }</pre>
 *
 * <p>spark-submit: {@code --class dev.llmedt.spark.EncodeJob llmedt-spark.jar --items DIR --out DIR
 * [--template "{title}"] [--batch 256] [--cache DIR] [--encoder-dir DIR | --encoder-factory CLASS] [--threads 1]}.
 */
public final class EncodeJob {

    private EncodeJob() {
    }

    /**
     * What to encode with.
     *
     * @param encoder builds the encoder on each executor
     * @param template the item text pattern, such as {@code {title}}
     * @param batchSize items per encoder call, in [1, 65536]
     * @param cacheDirectory a text cache directory on each executor (local or shared), or null for none
     */
    public record Config(TextEncoderFactory encoder, String template, int batchSize, String cacheDirectory) implements Serializable {

        /** Checks the values. */
        public Config {
            Checks.present("encoder", encoder);
            ItemTextTemplate.of(Checks.present("template", template));
            Checks.range("batchSize", batchSize, 1, 65536);
        }

        /** Titles, batches of 256, no cache. */
        public static Config of(TextEncoderFactory encoder) {
            return new Config(encoder, "{title}", 256, null);
        }
    }

    /**
     * Returns the vectors of the items (lazily: nothing runs until an action such as a write).
     *
     * @throws IllegalArgumentException when the items table lacks a column of {@link Tables#ITEMS}
     */
    public static Dataset<Row> run(SparkSession spark, Dataset<Row> items, Config config) {
        Dataset<Row> checked = Tables.require(items, Tables.ITEMS, "items");
        String key = "encoder-" + java.util.UUID.randomUUID();
        MapPartitionsFunction<Row, Row> encode = rows -> {
            ItemTextTemplate template = ItemTextTemplate.of(config.template());
            return new RowBatches(rows, config.batchSize(), batch -> encode(batch, config, key, template));
        };
        return checked.mapPartitions(encode, Encoders.row(Tables.VECTORS));
    }

    /** The encoder of this executor for one job run. */
    private static TextEncoder encoder(Config config, String key) {
        return ExecutorSingletons.get(key, () -> {
            TextEncoder e = DeepStackEncoder.create(config.encoder());
            if (config.cacheDirectory() == null) {
                return e;
            }
            try {
                return TextCache.open(Path.of(config.cacheDirectory())).cached(e);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot open the text cache " + config.cacheDirectory(), ex);
            }
        });
    }

    /** Encodes one batch of item rows: every distinct text of the batch once. */
    private static List<Row> encode(List<Row> batch, Config config, String key, ItemTextTemplate template) {
        List<Integer> ids = new ArrayList<>(batch.size());
        List<String> texts = new ArrayList<>(batch.size());
        for (Row r : batch) {
            if (r.isNullAt(0)) {
                throw new IllegalArgumentException("items row with domain '" + r.getString(1) + "' and title '" + r.getString(2)
                        + "' has a null item_id");
            }
            int id = r.getInt(0);
            if (r.isNullAt(1)) {
                throw new IllegalArgumentException("items row item_id=" + id + " has a null domain");
            }
            if (r.isNullAt(2)) {
                throw new IllegalArgumentException("items row item_id=" + id + " (domain " + r.getString(1)
                        + ") has a null title; use an empty string for an item without text");
            }
            String title = r.getString(2);
            Item item = new Item(id, 0, Integer.toString(id), title.isEmpty() ? Map.of() : Map.of(Item.TITLE, title));
            ids.add(id);
            texts.add(template.render(item, r.getString(1)));
        }
        Map<String, Integer> distinct = new LinkedHashMap<>();
        for (String t : texts) {
            if (!t.isEmpty()) {
                distinct.putIfAbsent(t, distinct.size());
            }
        }
        TextEncoder encoder = encoder(config, key);
        float[][] vectors = encoder.encode(new ArrayList<>(distinct.keySet()));
        int dim = encoder.dimension();
        List<Row> out = new ArrayList<>(ids.size());
        for (int k = 0; k < ids.size(); k++) {
            String t = texts.get(k);
            Float[] v = new Float[dim];
            if (t.isEmpty()) {
                Arrays.fill(v, 0f);
            } else {
                float[] x = vectors[distinct.get(t)];
                for (int j = 0; j < dim; j++) {
                    v[j] = x[j];
                }
            }
            out.add(RowFactory.create(ids.get(k), v, encoder.modelId()));
        }
        return out;
    }

    /** Runs from spark-submit. */
    public static void main(String[] args) {
        JobArguments a = new JobArguments("EncodeJob", args, Set.of("items", "out", "template", "batch", "cache", "encoder-dir", "encoder-factory",
                "threads"), "--items DIR --out DIR [--template P] [--batch N] [--cache DIR] [--encoder-dir DIR | --encoder-factory CLASS] [--threads N]");
        int threads = a.getInt("threads", 1);
        a.checkRange("threads", threads, 1, 1024);
        TextEncoderFactory factory = JobArguments.encoder(a.get("encoder-factory", null), a.get("encoder-dir", null), threads);
        Config config = new Config(factory, a.get("template", "{title}"), a.getInt("batch", 256), a.get("cache", null));
        JobArguments.withSession("llmedt-encode", session -> {
            SparkSession spark = session.get();
            run(spark, spark.read().parquet(a.required("items")), config).write().mode("overwrite").parquet(a.required("out"));
        });
    }
}
