package dev.llmedt.spark;

import dev.llmedt.augment.AugmentationReport;
import dev.llmedt.augment.BatchAugmenter;
import dev.llmedt.augment.TransferableItemAugmenter;
import dev.llmedt.data.Domain;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.UserSequence;
import dev.llmedt.text.ItemEmbeddings;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
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
 * <p>In: {@link Tables#ITEMS}, {@link Tables#VECTORS} (of the encoder the config names; vectors of
 * another encoder are refused naming both ids), {@link Tables#SEQUENCES}. Out: {@link #OUTPUT},
 * one row per user; {@link #insertions} flattens it into the columns of the one-machine insertions
 * file; {@link Run#report} aggregates it (on the cluster) into the one-machine
 * {@link AugmentationReport}.
 *
 * <p>A failed generator call is what it is on one machine: counted in the report
 * ({@code generator.failures}), the user left without items of that domain, the job goes on.
 *
 * <p>spark-submit: {@code --class dev.llmedt.spark.AugmentJob llmedt-spark.jar --items DIR --vectors DIR
 * --train DIR --out DIR [--tau 0.5] [--clusters 64] [--max-insertions 5] [--max-users N] [--seed 42]
 * [--batch 4096] [--model-id ID]} plus, for generated candidates, {@link GeneratorOptions the generator
 * options} and the encoder of generated texts ({@code [--encoder-dir DIR | --encoder-factory CLASS]
 * [--threads 1]}, default the embedded MiniLM; it must be the vectors' encoder). Writes the table to {@code OUT} and the report
 * to {@code OUT/_augmentation_report.json} (Spark's readers skip names starting with {@code _}).
 */
public final class AugmentJob {

    private static final Logger LOG = LoggerFactory.getLogger(AugmentJob.class);

    /**
     * Output: {@code user_index int, source string, uid string, items array<int>} (the augmented
     * sequence), {@code inserted array<boolean>}, {@code training_target array<boolean>},
     * {@code insertions array<struct<position int, source_item int, inserted_item int, similarity float,
     * match_similarity float, after_position int>>}, {@code counts struct<...>} (the user's
     * {@link BatchAugmenter.UserCounts}: {@code imbalanced, skipped_by_cap, source_domain,
     * source_items_without_text, generator_calls, generator_failures, unparsable_answers,
     * generated_texts, generated_texts_beyond_limit, candidates, dropped_below_threshold,
     * dropped_duplicates, dropped_in_sequence, dropped_by_insertion_cap}), {@code embeddings_model_id
     * string} (the vectors' encoder), {@code generator_model_id string} (null offline).
     */
    public static final StructType OUTPUT = Tables.schema(Tables.field("user_index", DataTypes.IntegerType),
            Tables.field("source", DataTypes.StringType), Tables.field("uid", DataTypes.StringType),
            Tables.field("items", DataTypes.createArrayType(DataTypes.IntegerType, false)),
            Tables.field("inserted", DataTypes.createArrayType(DataTypes.BooleanType, false)),
            Tables.field("training_target", DataTypes.createArrayType(DataTypes.BooleanType, false)),
            Tables.field("insertions", DataTypes.createArrayType(Tables.schema(Tables.field("position", DataTypes.IntegerType),
                    Tables.field("source_item", DataTypes.IntegerType), Tables.field("inserted_item", DataTypes.IntegerType),
                    Tables.field("similarity", DataTypes.FloatType), Tables.field("match_similarity", DataTypes.FloatType),
                    Tables.field("after_position", DataTypes.IntegerType)), false)),
            Tables.field("counts", Tables.schema(Tables.field("imbalanced", DataTypes.BooleanType),
                    Tables.field("skipped_by_cap", DataTypes.BooleanType), Tables.field("source_domain", DataTypes.IntegerType),
                    Tables.field("source_items_without_text", DataTypes.LongType), Tables.field("generator_calls", DataTypes.LongType),
                    Tables.field("generator_failures", DataTypes.LongType), Tables.field("unparsable_answers", DataTypes.LongType),
                    Tables.field("generated_texts", DataTypes.LongType), Tables.field("generated_texts_beyond_limit", DataTypes.LongType),
                    Tables.field("candidates", DataTypes.LongType), Tables.field("dropped_below_threshold", DataTypes.LongType),
                    Tables.field("dropped_duplicates", DataTypes.LongType), Tables.field("dropped_in_sequence", DataTypes.LongType),
                    Tables.field("dropped_by_insertion_cap", DataTypes.LongType))),
            Tables.field("embeddings_model_id", DataTypes.StringType), Tables.field("generator_model_id", DataTypes.StringType));

    /** The report's file name under the output directory. */
    public static final String REPORT_FILE = "_augmentation_report.json";

    private AugmentJob() {
    }

    /**
     * How to augment.
     *
     * @param settings the augmenter's settings (as {@link TransferableItemAugmenter#settings()})
     * @param batchSize users per batch (one nearest-item search or one round of prompts), in [1, 1000000]
     * @param driverThreads threads for k-means on the driver, in [1, 1024]
     * @param embeddingsModelId the encoder model id of the vectors: the vectors table's {@code model_id}
     *     must be it (and, with a generator, the encoder of generated texts must be it)
     * @param generator builds the generator on each executor, or null for the offline mode
     * @param encoder builds the encoder of generated texts on each executor (with a generator)
     * @param requestsPerSecond generator calls per second per executor, in (0, 1e6]
     * @param burst generator calls an executor may make at once after a quiet spell, in [1, 1000000]
     * @param generatorConcurrency prompts in flight per task, in [1, 1024]
     */
    public record Config(TransferableItemAugmenter.Settings settings, int batchSize, int driverThreads, String embeddingsModelId,
            TextGeneratorFactory generator, TextEncoderFactory encoder, double requestsPerSecond, int burst, int generatorConcurrency)
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
            Checks.range("burst", burst, 1, 1_000_000);
            Checks.range("generatorConcurrency", generatorConcurrency, 1, 1024);
        }

        /** Offline mode with these settings, batches of 4096 users, k-means on all the driver's processors. */
        public static Config offline(TransferableItemAugmenter.Settings settings, String embeddingsModelId) {
            return new Config(settings, 4096, Runtime.getRuntime().availableProcessors(), embeddingsModelId, null, null, 1e6, 1, 1);
        }

        /**
         * With a generator: {@code requestsPerSecond} calls per second per executor (bursts of a
         * second's worth, at most 64), 8 prompts in flight per task.
         */
        public Config withGenerator(TextGeneratorFactory generator, TextEncoderFactory encoder, double requestsPerSecond) {
            return new Config(settings, batchSize, driverThreads, embeddingsModelId, generator, encoder, requestsPerSecond,
                    GeneratorOptions.defaultBurst(requestsPerSecond), 8);
        }

        /** The same with another rate limit per executor. */
        public Config withRateLimit(double requestsPerSecond, int burst) {
            return new Config(settings, batchSize, driverThreads, embeddingsModelId, generator, encoder, requestsPerSecond, burst,
                    generatorConcurrency);
        }

        /** The same with another number of prompts in flight per task. */
        public Config withGeneratorConcurrency(int prompts) {
            return new Config(settings, batchSize, driverThreads, embeddingsModelId, generator, encoder, requestsPerSecond, burst, prompts);
        }

        /** The same with another batch size. */
        public Config withBatchSize(int users) {
            return new Config(settings, users, driverThreads, embeddingsModelId, generator, encoder, requestsPerSecond, burst,
                    generatorConcurrency);
        }
    }

    /**
     * Returns the augmented sequences (lazily; the clustering and, with a cap, the choice of users
     * run now); the same as {@code start(...).output()}.
     *
     * @throws IllegalArgumentException when a table lacks a column, the items or vectors are
     *     malformed (naming the row), the vectors are of another encoder than the config's (naming both),
     *     or a sequence names an unknown item (naming the user, when the job runs)
     */
    public static Dataset<Row> run(SparkSession spark, Dataset<Row> items, Dataset<Row> vectors, Dataset<Row> sequences, Config config) {
        return start(spark, items, vectors, sequences, config).output();
    }

    /**
     * Prepares the augmentation as {@link #run} does and returns it with what its report needs.
     *
     * @throws IllegalArgumentException as {@link #run}
     */
    public static Run start(SparkSession spark, Dataset<Row> items, Dataset<Row> vectors, Dataset<Row> sequences, Config config) {
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
            Broadcast<AugmentTasks.Shared> probe = spark.sparkContext().broadcast(
                    new AugmentTasks.Shared(side, clusters, null),
                    scala.reflect.ClassTag$.MODULE$.apply(AugmentTasks.Shared.class));
            MapPartitionsFunction<Row, Integer> qualifying = rows -> {
                BatchAugmenter b = AugmentTasks.augmenter(probe, config, false).augmenter();
                List<Integer> out = new ArrayList<>();
                while (rows.hasNext()) {
                    Row r = rows.next();
                    UserSequence s = AugmentTasks.sequence(r, probe.value().items().itemCount());
                    if (b.isImbalanced(s)) {
                        out.add(r.getInt(0));
                    }
                }
                return out.iterator();
            };
            List<Integer> imbalanced = new ArrayList<>(train.mapPartitions(qualifying, Encoders.INT()).collectAsList());
            imbalanced.sort(null);
            chosen = AugmentTasks.augmenter(probe, config, false).augmenter().selectUsers(imbalanced).stream()
                    .mapToInt(Integer::intValue).toArray();
            probe.unpersist();
            LOG.info("{} of {} qualifying users chosen (maxUsers {})", chosen.length, imbalanced.size(), config.settings().maxUsers());
        }
        Broadcast<AugmentTasks.Shared> shared = spark.sparkContext().broadcast(
                new AugmentTasks.Shared(side, clusters, chosen),
                scala.reflect.ClassTag$.MODULE$.apply(AugmentTasks.Shared.class));
        MapPartitionsFunction<Row, Row> augment = rows -> new RowBatches(rows, config.batchSize(),
                batch -> AugmentTasks.augment(batch, shared, config));
        return new Run(train.mapPartitions(augment, Encoders.row(OUTPUT)), catalog.domains(), clusterCounts(catalog, clusters),
                config.generator() != null, config.embeddingsModelId());
    }

    /** Per domain, its number of k-means clusters (the largest cluster index plus one). */
    private static int[] clusterCounts(ItemCatalog catalog, int[] clusters) {
        int[] out = new int[catalog.domains().size()];
        for (Domain d : catalog.domains()) {
            int max = -1;
            for (int i = d.firstItem(); i < d.endItem(); i++) {
                max = Math.max(max, clusters[i]);
            }
            out[d.index()] = max + 1;
        }
        return out;
    }

    /**
     * A prepared augmentation: its {@linkplain #output output} and the {@linkplain #report report}
     * of an output.
     */
    public static final class Run {

        private final Dataset<Row> output;
        private final String[] domainNames;
        private final int[] domainEnds;
        private final int[] clusterCounts;
        private final boolean generator;
        private final String embeddingsModelId;

        Run(Dataset<Row> output, List<Domain> domains, int[] clusterCounts, boolean generator, String embeddingsModelId) {
            this.output = output;
            this.domainNames = domains.stream().map(Domain::name).toArray(String[]::new);
            this.domainEnds = domains.stream().mapToInt(Domain::endItem).toArray();
            this.clusterCounts = clusterCounts;
            this.generator = generator;
            this.embeddingsModelId = embeddingsModelId;
        }

        /** The augmented sequences, {@link #OUTPUT} (lazily). */
        public Dataset<Row> output() {
            return output;
        }

        /** The vectors' encoder model id. */
        public String embeddingsModelId() {
            return embeddingsModelId;
        }

        /**
         * Aggregates an output of this run into the {@link AugmentationReport} that
         * {@link TransferableItemAugmenter#augment} gives on one machine: one partial report per
         * partition on the executors, merged on the driver (no row is collected). Pass the table as
         * written (read back), or a cached output: an uncached output augments again.
         *
         * <p>Every count, the histograms and the interactions are equal to the one-machine report;
         * the mean similarities are the exact sum rounded once, which is the one-machine
         * (sequential double) sum whenever that sum is exact, as with similarities of at least 2^-4
         * (tau of at least 1/16) and up to 2^25 insertions.
         *
         * @param augmented {@link #output} or the table it wrote
         */
        public AugmentationReport report(Dataset<Row> augmented) {
            Dataset<Row> rows = Tables.require(augmented, Tables.schema(OUTPUT.apply("items"), OUTPUT.apply("inserted"),
                    OUTPUT.apply("insertions"), OUTPUT.apply("counts")), "augmented");
            int[] ends = domainEnds;
            boolean withGenerator = generator;
            ReportPartial total = rows.toJavaRDD().mapPartitions(
                    (org.apache.spark.api.java.function.FlatMapFunction<java.util.Iterator<Row>, ReportPartial>) it -> {
                        ReportPartial p = new ReportPartial(ends);
                        while (it.hasNext()) {
                            p.add(it.next(), withGenerator);
                        }
                        return List.of(p).iterator();
                    }).reduce(ReportPartial::merge);
            return total.report(domainNames, clusterCounts, withGenerator);
        }
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

    /** One token bucket per executor JVM, rate and burst. */
    static RateLimitedGenerator.TokenBucket bucket(double requestsPerSecond, int burst) {
        return ExecutorSingletons.get("token-bucket-" + requestsPerSecond + "-" + burst,
                () -> new RateLimitedGenerator.TokenBucket(requestsPerSecond, burst));
    }

    /** Runs from spark-submit: writes the table to {@code --out} and the report next to it. */
    public static void main(String[] args) {
        JobArguments.withSession("llmedt-augment", session -> submit(args, session));
    }

    /**
     * What {@link #main} does, on the session {@code session} gives once the options are checked;
     * returns the report.
     */
    static AugmentationReport submit(String[] args, java.util.function.Supplier<SparkSession> session) {
        List<String> names = new ArrayList<>(List.of("items", "vectors", "train", "out", "tau", "clusters", "max-insertions", "max-users",
                "seed", "batch", "model-id", "encoder-dir", "encoder-factory", "threads"));
        names.addAll(GeneratorOptions.NAMES);
        JobArguments a = new JobArguments("AugmentJob", args, Set.copyOf(names), "--items DIR --vectors DIR --train DIR --out DIR [--tau X]"
                + " [--clusters N] [--max-insertions N] [--max-users N] [--seed N] [--batch N] [--model-id ID] " + GeneratorOptions.USAGE
                + " [--encoder-dir DIR | --encoder-factory CLASS] [--threads N]");
        GeneratorOptions generator = GeneratorOptions.parse(a);
        if (generator.factory() == null && (a.has("encoder-dir") || a.has("encoder-factory") || a.has("threads"))) {
            throw new IllegalArgumentException("AugmentJob: --encoder-dir, --encoder-factory and --threads (the encoder of generated texts)"
                    + " apply to --generator only");
        }
        TransferableItemAugmenter.Builder settings = TransferableItemAugmenter.builder();
        try {
            settings.similarityThreshold(a.getDouble("tau", 0.5)).clusters(a.getInt("clusters", 64))
                    .maxInsertionsPerUser(a.getInt("max-insertions", 5)).seed(a.getInt("seed", 42));
            if (a.has("max-users")) {
                settings.maxUsers(a.getInt("max-users", Integer.MAX_VALUE));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("AugmentJob: " + e.getMessage(), e);
        }
        int batch = a.getInt("batch", 4096);
        a.checkRange("batch", batch, 1, 1_000_000);
        String out = a.required("out");
        String itemsDir = a.required("items");
        String trainDir = a.required("train");
        String vectorsDir = a.required("vectors");
        int threads = a.getInt("threads", 1);
        a.checkRange("threads", threads, 1, 1024);
        TextEncoderFactory encoder = generator.factory() == null ? null
                : JobArguments.encoder(a.get("encoder-factory", null), a.get("encoder-dir", null), threads);
        SparkSession spark = session.get();
        Dataset<Row> vectors = spark.read().parquet(vectorsDir);
        String modelId = a.has("model-id") ? a.get("model-id", null) : Tables.modelId(vectors);
        Config config = Config.offline(settings.build().settings(), modelId).withBatchSize(batch);
        if (generator.factory() != null) {
            config = config.withGenerator(generator.factory(), encoder, generator.requestsPerSecond())
                    .withRateLimit(generator.requestsPerSecond(), generator.burst()).withGeneratorConcurrency(generator.concurrency());
        }
        Run run = start(spark, spark.read().parquet(itemsDir), vectors, spark.read().parquet(trainDir), config);
        run.output().write().mode("overwrite").parquet(out);
        AugmentationReport report = run.report(spark.read().parquet(out));
        String json = writeReport(spark, out, run, report);
        LOG.info("augmentation report ({}/{}): {}", out, REPORT_FILE, json);
        return report;
    }

    /**
     * Writes the report as JSON to {@code directory/}{@value #REPORT_FILE} (any Hadoop file system)
     * and returns the JSON: {@link AugmentationReport#toMap()} plus {@code embeddings_model_id}.
     */
    public static String writeReport(SparkSession spark, String directory, Run run, AugmentationReport report) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("embeddings_model_id", run.embeddingsModelId());
        m.putAll(report.toMap());
        try {
            String json = new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(m);
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(directory, REPORT_FILE);
            org.apache.hadoop.fs.FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (java.io.OutputStream o = fs.create(path, true)) {
                o.write(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return json;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write the augmentation report to " + directory + "/" + REPORT_FILE, e);
        }
    }
}
