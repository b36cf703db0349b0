package dev.llmedt.spark;

import dev.llmedt.progress.ProgressListener;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.profile.DomainAwareProfiler;
import dev.llmedt.profile.UserProfiles;
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
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Profiles every user with the {@link DomainAwareProfiler}, giving the texts it gives on one
 * machine (a user's profile depends on the user's history only). The driver broadcasts the titles
 * and the item vectors (one float array); each executor builds the catalogue, the embeddings and the
 * profiler once; each task profiles its users in batches. With a generator, the calls are
 * rate-limited per executor.
 *
 * <p>Pass only what the model may see (see {@link dev.llmedt.profile.Profiler}): training sequences, or
 * the inputs of evaluation cases.
 *
 * <p>In: {@link Tables#ITEMS}, {@link Tables#VECTORS} (of the encoder the config names; vectors of
 * another encoder are refused naming both ids), {@link Tables#HISTORIES}. Out: {@link #OUTPUT}.
 *
 * <p>A failed generator call is what it is on one machine: the user receives the extractive profile
 * and the job goes on.
 *
 * <p>spark-submit: {@code --class dev.llmedt.spark.ProfileJob llmedt-spark.jar --items DIR --vectors DIR
 * --histories DIR --out DIR [--clusters 10] [--seed 42] [--batch 4096] [--model-id ID]} plus
 * {@link GeneratorOptions the generator options} for Summarize-Reform-Analyze profiles.
 */
public final class ProfileJob {

    /**
     * Output: {@code source string, uid string, profile string} (empty for a user without items),
     * {@code embeddings_model_id string} (the item vectors' encoder), {@code generator_model_id string}
     * (null for offline profiles).
     */
    public static final StructType OUTPUT = Tables.schema(Tables.field("source", DataTypes.StringType),
            Tables.field("uid", DataTypes.StringType), Tables.field("profile", DataTypes.StringType),
            Tables.field("embeddings_model_id", DataTypes.StringType), Tables.field("generator_model_id", DataTypes.StringType));

    private ProfileJob() {
    }

    /**
     * How to profile.
     *
     * @param settings the profiler's settings
     * @param batchSize users per batch, in [1, 1000000]
     * @param embeddingsModelId the encoder model id of the vectors: the vectors table's {@code model_id} must be it
     * @param generator builds the generator on each executor, or null for the offline (extractive) profiles
     * @param requestsPerSecond generator calls per second per executor, in (0, 1e6]
     * @param burst generator calls an executor may make at once after a quiet spell, in [1, 1000000]
     * @param generatorConcurrency calls in flight per task, in [1, 256]
     */
    public record Config(DomainAwareProfiler.Settings settings, int batchSize, String embeddingsModelId, TextGeneratorFactory generator,
            double requestsPerSecond, int burst, int generatorConcurrency) implements Serializable {

        /** Checks the values. */
        public Config {
            Checks.present("settings", settings);
            Checks.range("batchSize", batchSize, 1, 1_000_000);
            Checks.present("embeddingsModelId", embeddingsModelId);
            if (!(requestsPerSecond > 0 && requestsPerSecond <= 1e6)) {
                throw new IllegalArgumentException("requestsPerSecond must be in (0, 1e6], got " + requestsPerSecond);
            }
            Checks.range("burst", burst, 1, 1_000_000);
            Checks.range("generatorConcurrency", generatorConcurrency, 1, 256);
        }

        /** Offline profiles with these settings, batches of 4096 users. */
        public static Config offline(DomainAwareProfiler.Settings settings, String embeddingsModelId) {
            return new Config(settings, 4096, embeddingsModelId, null, 1e6, 1, 1);
        }

        /**
         * With a generator: {@code requestsPerSecond} calls per second per executor (bursts of a
         * second's worth, at most 64), 8 in flight per task.
         */
        public Config withGenerator(TextGeneratorFactory generator, double requestsPerSecond) {
            return new Config(settings, batchSize, embeddingsModelId, generator, requestsPerSecond,
                    GeneratorOptions.defaultBurst(requestsPerSecond), 8);
        }

        /** The same with another rate limit per executor. */
        public Config withRateLimit(double requestsPerSecond, int burst) {
            return new Config(settings, batchSize, embeddingsModelId, generator, requestsPerSecond, burst, generatorConcurrency);
        }

        /** The same with another number of calls in flight per task. */
        public Config withGeneratorConcurrency(int calls) {
            return new Config(settings, batchSize, embeddingsModelId, generator, requestsPerSecond, burst, calls);
        }

        /** The same with another batch size. */
        public Config withBatchSize(int users) {
            return new Config(settings, users, embeddingsModelId, generator, requestsPerSecond, burst, generatorConcurrency);
        }
    }

    /** The executor's catalogue, embeddings and profiler for one job run, and the generator's model id (null offline). */
    private record Executor(ItemCatalog catalog, ItemEmbeddings embeddings, DomainAwareProfiler profiler, String generatorModelId) {
    }

    /**
     * Returns the profiles (lazily).
     *
     * @throws IllegalArgumentException when a table lacks a column or the items or vectors are
     *     malformed (naming the row); when the job runs, a history with an unknown item (naming the user)
     */
    public static Dataset<Row> run(SparkSession spark, Dataset<Row> items, Dataset<Row> vectors, Dataset<Row> histories, Config config) {
        Dataset<Row> users = Tables.require(histories, Tables.HISTORIES, "histories");
        ItemCatalog catalog = Tables.catalog(items);
        ItemEmbeddings embeddings = Tables.embeddings(vectors, catalog.size(), config.embeddingsModelId(), "{title}");
        Broadcast<ItemSide> side = spark.sparkContext().broadcast(ItemSide.of(catalog, true, embeddings),
                scala.reflect.ClassTag$.MODULE$.apply(ItemSide.class));
        MapPartitionsFunction<Row, Row> profile = rows -> new RowBatches(rows, config.batchSize(), batch -> profile(batch, side, config));
        return users.mapPartitions(profile, Encoders.row(OUTPUT));
    }

    private static Executor executor(Broadcast<ItemSide> side, Config config) {
        return ExecutorSingletons.get("profile-" + side.id(), () -> {
            DomainAwareProfiler.Builder b = DomainAwareProfiler.builder().settings(config.settings()).threads(1);
            String generatorId = null;
            if (config.generator() != null) {
                RateLimitedGenerator g = new RateLimitedGenerator(config.generator().create(),
                        AugmentJob.bucket(config.requestsPerSecond(), config.burst()));
                b.generator(g).generatorConcurrency(config.generatorConcurrency());
                generatorId = g.modelId();
            }
            return new Executor(side.value().catalog(), side.value().embeddings(), b.build(), generatorId);
        });
    }

    /** Profiles one batch of users. */
    private static List<Row> profile(List<Row> batch, Broadcast<ItemSide> side, Config config) {
        Executor e = executor(side, config);
        List<History> histories = new ArrayList<>(batch.size());
        for (Row r : batch) {
            if (r.isNullAt(0) || r.isNullAt(1)) {
                throw new IllegalArgumentException("histories row " + r + " has a null source or uid");
            }
            histories.add(History.of(Tables.itemIds(r, 2, "histories", Tables.userKey(r, 0, 1), e.catalog().size())));
        }
        UserProfiles profiles = e.profiler().profile(e.catalog(), e.embeddings(), histories, ProgressListener.none());
        List<Row> out = new ArrayList<>(batch.size());
        for (int k = 0; k < batch.size(); k++) {
            out.add(RowFactory.create(batch.get(k).getString(0), batch.get(k).getString(1), profiles.text(k), e.embeddings().modelId(),
                    e.generatorModelId()));
        }
        return out;
    }

    /** Runs from spark-submit. */
    public static void main(String[] args) {
        JobArguments.withSession("llmedt-profile", session -> submit(args, session));
    }

    /** What {@link #main} does, on the session {@code session} gives once the options are checked. */
    static void submit(String[] args, java.util.function.Supplier<SparkSession> session) {
        List<String> names = new ArrayList<>(List.of("items", "vectors", "histories", "out", "clusters", "seed", "batch", "model-id"));
        names.addAll(GeneratorOptions.NAMES);
        JobArguments a = new JobArguments("ProfileJob", args, Set.copyOf(names), "--items DIR --vectors DIR --histories DIR --out DIR"
                + " [--clusters N] [--seed N] [--batch N] [--model-id ID] " + GeneratorOptions.USAGE);
        GeneratorOptions generator = GeneratorOptions.parse(a);
        DomainAwareProfiler.Settings settings;
        try {
            settings = DomainAwareProfiler.builder().clusters(a.getInt("clusters", 10)).seed(a.getInt("seed", 42)).build().settings();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ProfileJob: " + e.getMessage(), e);
        }
        int batch = a.getInt("batch", 4096);
        a.checkRange("batch", batch, 1, 1_000_000);
        String itemsDir = a.required("items");
        String historiesDir = a.required("histories");
        String vectorsDir = a.required("vectors");
        String out = a.required("out");
        SparkSession spark = session.get();
        Dataset<Row> vectors = spark.read().parquet(vectorsDir);
        String modelId = a.has("model-id") ? a.get("model-id", null) : Tables.modelId(vectors);
        Config config = Config.offline(settings, modelId).withBatchSize(batch);
        if (generator.factory() != null) {
            config = config.withGenerator(generator.factory(), generator.requestsPerSecond())
                    .withRateLimit(generator.requestsPerSecond(), generator.burst()).withGeneratorConcurrency(generator.concurrency());
        }
        run(spark, spark.read().parquet(itemsDir), vectors, spark.read().parquet(historiesDir), config).write().mode("overwrite").parquet(out);
    }
}
