package dev.llmedt.spark;

import dev.llmedt.augment.AugmentedSequence;
import dev.llmedt.augment.BatchAugmenter;
import dev.llmedt.augment.Insertion;
import dev.llmedt.augment.TransferableItemAugmenter;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.UserSequence;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.TextEncoder;
import dev.llmedt.text.TextGenerator;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transferable item augmentation of every training user, with the insertions
 * {@link TransferableItemAugmenter#augment} gives on one machine. The driver collects the catalogue
 * and the vectors, clusters the items (k-means, as the one-machine augmenter) and broadcasts the
 * vectors as one float array with the clusters; each executor builds one exact cosine index from
 * them; each task augments its users in batches, the nearest-item search (or the generator's
 * prompts, rate-limited per executor) done per batch. With a user cap ({@code maxUsers}), the
 * qualifying users' indices are collected first and the same seeded choice is broadcast.
 *
 * <p>In: {@link Tables#ITEMS}, {@link Tables#VECTORS}, {@link Tables#SEQUENCES}. Out: {@link #OUTPUT},
 * one row per user; {@link #insertions} flattens it into the columns of the one-machine insertions file.
 *
 * <p>spark-submit: {@code --class dev.llmedt.spark.AugmentJob llmedt-spark.jar --items DIR --vectors DIR
 * --train DIR --out DIR [--tau 0.5] [--clusters 64] [--max-insertions 5] [--seed 42] [--batch 4096]}.
 */
public final class AugmentJob {

    private static final Logger LOG = LoggerFactory.getLogger(AugmentJob.class);

    /**
     * Output: {@code user_index int, source string, uid string, items array<int>} (the augmented
     * sequence), {@code inserted array<boolean>}, {@code training_target array<boolean>},
     * {@code insertions array<struct<position int, source_item int, inserted_item int, similarity float,
     * match_similarity float, after_position int>>}.
     */
    public static final StructType OUTPUT = Tables.schema(Tables.field("user_index", DataTypes.IntegerType),
            Tables.field("source", DataTypes.StringType), Tables.field("uid", DataTypes.StringType),
            Tables.field("items", DataTypes.createArrayType(DataTypes.IntegerType, false)),
            Tables.field("inserted", DataTypes.createArrayType(DataTypes.BooleanType, false)),
            Tables.field("training_target", DataTypes.createArrayType(DataTypes.BooleanType, false)),
            Tables.field("insertions", DataTypes.createArrayType(Tables.schema(Tables.field("position", DataTypes.IntegerType),
                    Tables.field("source_item", DataTypes.IntegerType), Tables.field("inserted_item", DataTypes.IntegerType),
                    Tables.field("similarity", DataTypes.FloatType), Tables.field("match_similarity", DataTypes.FloatType),
                    Tables.field("after_position", DataTypes.IntegerType)), false)));

    private AugmentJob() {
    }

    /**
     * How to augment.
     *
     * @param settings the augmenter's settings (as {@link TransferableItemAugmenter#settings()})
     * @param batchSize users per batch (one nearest-item search or one round of prompts), in [1, 1000000]
     * @param driverThreads threads for k-means on the driver, in [1, 1024]
     * @param embeddingsModelId the model id of the vectors (must be the generator encoder's)
     * @param generator builds the generator on each executor, or null for the offline mode
     * @param encoder builds the encoder of generated texts on each executor (with a generator)
     * @param requestsPerSecond generator calls per second per executor, in (0, 1e6]
     * @param generatorConcurrency prompts in flight per task, in [1, 1024]
     */
    public record Config(TransferableItemAugmenter.Settings settings, int batchSize, int driverThreads, String embeddingsModelId,
            TextGeneratorFactory generator, TextEncoderFactory encoder, double requestsPerSecond, int generatorConcurrency)
            implements Serializable {

        /** Checks the values. */
        public Config {
            Checks.present("settings", settings);
            Checks.range("batchSize", batchSize, 1, 1_000_000);
            Checks.range("driverThreads", driverThreads, 1, 1024);
            Checks.present("embeddingsModelId", embeddingsModelId);
            if (generator != null && encoder == null) {
                throw new IllegalArgumentException("encoder must be set with a generator: generated texts are embedded to match items");
            }
            if (!(requestsPerSecond > 0 && requestsPerSecond <= 1e6)) {
                throw new IllegalArgumentException("requestsPerSecond must be in (0, 1e6], got " + requestsPerSecond);
            }
            Checks.range("generatorConcurrency", generatorConcurrency, 1, 1024);
        }

        /** Offline mode with these settings, batches of 4096 users, k-means on all the driver's processors. */
        public static Config offline(TransferableItemAugmenter.Settings settings, String embeddingsModelId) {
            return new Config(settings, 4096, Runtime.getRuntime().availableProcessors(), embeddingsModelId, null, null, 1e6, 1);
        }

        /** With a generator: {@code requestsPerSecond} calls per second per executor, 8 prompts in flight per task. */
        public Config withGenerator(TextGeneratorFactory generator, TextEncoderFactory encoder, double requestsPerSecond) {
            return new Config(settings, batchSize, driverThreads, embeddingsModelId, generator, encoder, requestsPerSecond, 8);
        }

        /** The same with another batch size. */
        public Config withBatchSize(int users) {
            return new Config(settings, users, driverThreads, embeddingsModelId, generator, encoder, requestsPerSecond, generatorConcurrency);
        }
    }

    /** What every executor needs: the item side, the clusters, the chosen users (null: all). */
    private record Shared(ItemSide items, int[] clusters, int[] chosen) implements Serializable {
    }

    /**
     * Returns the augmented sequences (lazily; the clustering and, with a cap, the choice of users
     * run now).
     *
     * @throws IllegalArgumentException when a table lacks a column, the items or vectors are
     *     malformed (naming the row), or a sequence names an unknown item (naming the user, when the job runs)
     */
    public static Dataset<Row> run(SparkSession spark, Dataset<Row> items, Dataset<Row> vectors, Dataset<Row> sequences, Config config) {
        Dataset<Row> train = Tables.require(sequences, Tables.SEQUENCES, "sequences");
        ItemCatalog catalog = Tables.catalog(items);
        ItemEmbeddings embeddings = Tables.embeddings(vectors, catalog.size(), config.embeddingsModelId(), "{title}");
        TransferableItemAugmenter offline = TransferableItemAugmenter.builder().settings(config.settings()).build();
        long t0 = System.nanoTime();
        int[] clusters = BatchAugmenter.clusterItems(offline, catalog, embeddings, config.driverThreads());
        LOG.info("clustered {} items in {} s", catalog.size(), String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
        ItemSide side = ItemSide.of(catalog, config.generator() != null, embeddings);
        int[] chosen = null;
        if (config.settings().maxUsers() < Integer.MAX_VALUE) {
            Broadcast<Shared> probe = spark.sparkContext().broadcast(new Shared(side, clusters, null),
                    scala.reflect.ClassTag$.MODULE$.apply(Shared.class));
            MapPartitionsFunction<Row, Integer> qualifying = rows -> {
                BatchAugmenter b = augmenter(probe, config, false);
                List<Integer> out = new ArrayList<>();
                while (rows.hasNext()) {
                    Row r = rows.next();
                    UserSequence s = sequence(r, probe.value().items().itemCount());
                    if (b.isImbalanced(s)) {
                        out.add(r.getInt(0));
                    }
                }
                return out.iterator();
            };
            List<Integer> imbalanced = new ArrayList<>(train.mapPartitions(qualifying, Encoders.INT()).collectAsList());
            imbalanced.sort(null);
            chosen = augmenter(probe, config, false).selectUsers(imbalanced).stream().mapToInt(Integer::intValue).toArray();
            probe.unpersist();
            LOG.info("{} of {} qualifying users chosen (maxUsers {})", chosen.length, imbalanced.size(), config.settings().maxUsers());
        }
        Broadcast<Shared> shared = spark.sparkContext().broadcast(new Shared(side, clusters, chosen),
                scala.reflect.ClassTag$.MODULE$.apply(Shared.class));
        MapPartitionsFunction<Row, Row> augment = rows -> new RowBatches(rows, config.batchSize(), batch -> augment(batch, shared, config));
        return train.mapPartitions(augment, Encoders.row(OUTPUT));
    }

    /**
     * Flattens {@link #OUTPUT} into one row per insertion, the columns of the one-machine insertions
     * file plus the user's index: {@code user_index, file, uid, position, source_item, inserted_item,
     * similarity, match_similarity, after_position}.
     */
    public static Dataset<Row> insertions(Dataset<Row> augmented) {
        return augmented.select(functions.col("user_index"), functions.col("source").as("file"), functions.col("uid"),
                functions.explode(functions.col("insertions")).as("in"))
                .select(functions.col("user_index"), functions.col("file"), functions.col("uid"), functions.col("in.position"),
                        functions.col("in.source_item"), functions.col("in.inserted_item"), functions.col("in.similarity"),
                        functions.col("in.match_similarity"), functions.col("in.after_position"));
    }

    private static BatchAugmenter augmenter(Broadcast<Shared> shared, Config config, boolean withGenerator) {
        String key = "augment-" + shared.id() + (withGenerator ? "-generator" : "");
        return ExecutorSingletons.get(key, () -> {
            Shared s = shared.value();
            TransferableItemAugmenter.Builder b = TransferableItemAugmenter.builder().settings(config.settings()).threads(1);
            if (withGenerator && config.generator() != null) {
                TextGenerator limited = new RateLimitedGenerator(config.generator().create(), bucket(config.requestsPerSecond()));
                TextEncoder encoder = DeepStackEncoder.create(config.encoder());
                b.generator(limited, encoder).generatorConcurrency(config.generatorConcurrency());
            }
            ItemCatalog catalog = s.items().catalog();
            return BatchAugmenter.of(b.build(), catalog, s.items().embeddings(), s.clusters());
        });
    }

    /** One token bucket per executor JVM and rate. */
    static RateLimitedGenerator.TokenBucket bucket(double requestsPerSecond) {
        return ExecutorSingletons.get("token-bucket-" + requestsPerSecond,
                () -> new RateLimitedGenerator.TokenBucket(requestsPerSecond, Math.max(1, (int) Math.min(requestsPerSecond, 64))));
    }

    static UserSequence sequence(Row r, int itemCount) {
        if (r.isNullAt(0)) {
            throw new IllegalArgumentException("sequences row " + Tables.userKey(r, 1, 2) + " has a null user_index");
        }
        if (r.isNullAt(1) || r.isNullAt(2)) {
            throw new IllegalArgumentException("sequences row user_index=" + r.getInt(0) + " has a null source or uid");
        }
        String key = "user_index=" + r.getInt(0) + " (" + Tables.userKey(r, 1, 2) + ")";
        return new UserSequence(r.getString(1), r.getString(2), History.of(Tables.itemIds(r, 3, "sequences", key, itemCount)));
    }

    /** Augments one batch of users. */
    private static List<Row> augment(List<Row> batch, Broadcast<Shared> shared, Config config) {
        Shared s = shared.value();
        int itemCount = s.items().itemCount();
        List<Integer> ids = new ArrayList<>(batch.size());
        List<UserSequence> seqs = new ArrayList<>(batch.size());
        for (Row r : batch) {
            seqs.add(sequence(r, itemCount));
            ids.add(r.getInt(0));
        }
        int[] chosen = s.chosen();
        BatchAugmenter augmenter = augmenter(shared, config, true);
        List<Row> out = new ArrayList<>(batch.size());
        List<BatchAugmenter.Result> results = augmenter.augment(ids, seqs, u -> chosen == null || Arrays.binarySearch(chosen, u) >= 0, 1);
        for (BatchAugmenter.Result res : results) {
            out.add(row(res));
        }
        return out;
    }

    private static Row row(BatchAugmenter.Result res) {
        AugmentedSequence seq = res.sequence();
        Integer[] items = Tables.boxed(seq.items());
        Boolean[] inserted = new Boolean[items.length];
        Boolean[] target = new Boolean[items.length];
        for (int p = 0; p < items.length; p++) {
            inserted[p] = seq.isInserted(p);
            target[p] = seq.isTrainingTarget(p);
        }
        Row[] ins = new Row[res.insertions().size()];
        for (int k = 0; k < ins.length; k++) {
            Insertion in = res.insertions().get(k);
            ins[k] = RowFactory.create(in.position(), in.sourceItem(), in.insertedItem(), in.similarity(), in.matchSimilarity(),
                    in.afterPosition());
        }
        return RowFactory.create(res.userIndex(), seq.source(), seq.user(), items, inserted, target, ins);
    }

    /** Runs from spark-submit (offline mode). */
    public static void main(String[] args) {
        JobArguments a = new JobArguments("AugmentJob", args, Set.of("items", "vectors", "train", "out", "tau", "clusters", "max-insertions",
                "seed", "batch", "model-id"), "--items DIR --vectors DIR --train DIR --out DIR [--tau X] [--clusters N] [--max-insertions N]"
                        + " [--seed N] [--batch N] [--model-id ID]");
        TransferableItemAugmenter.Settings settings = TransferableItemAugmenter.builder().similarityThreshold(a.getDouble("tau", 0.5))
                .clusters(a.getInt("clusters", 64)).maxInsertionsPerUser(a.getInt("max-insertions", 5)).seed(a.getInt("seed", 42)).build()
                .settings();
        Config config = Config.offline(settings, a.get("model-id", "unknown")).withBatchSize(a.getInt("batch", 4096));
        SparkSession spark = SparkSession.builder().appName("llmedt-augment").getOrCreate();
        run(spark, spark.read().parquet(a.required("items")), spark.read().parquet(a.required("vectors")),
                spark.read().parquet(a.required("train")), config).write().mode("overwrite").parquet(a.required("out"));
        spark.stop();
    }
}
