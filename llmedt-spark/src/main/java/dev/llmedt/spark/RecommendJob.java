package dev.llmedt.spark;

import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.ScoredItem;
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
 * Batch recommendation: the top k items of a target domain for every user, as
 * {@link dev.llmedt.Recommender#recommendBatch} gives them on one machine (the same items and
 * scores; items already in the history are left out; ties by smaller id). The model's bytes are
 * broadcast; each executor loads one recommender (pure Java or ONNX Runtime); each task scores its
 * users in batches.
 *
 * <p>In: {@link Tables#HISTORIES}. Out: {@link #OUTPUT}.
 *
 * <p>spark-submit: {@code --class dev.llmedt.spark.RecommendJob llmedt-spark.jar --model FILE [--onnx true]
 * --histories DIR --domain NAME --out DIR [--k 10] [--batch 256]}.
 */
public final class RecommendJob {

    /** Output: {@code source string, uid string, domain string, items array<int>, scores array<float>} (best first). */
    public static final StructType OUTPUT = Tables.schema(Tables.field("source", DataTypes.StringType),
            Tables.field("uid", DataTypes.StringType), Tables.field("domain", DataTypes.StringType),
            Tables.field("items", DataTypes.createArrayType(DataTypes.IntegerType, false)),
            Tables.field("scores", DataTypes.createArrayType(DataTypes.FloatType, false)));

    private RecommendJob() {
    }

    /**
     * What to recommend.
     *
     * @param model the trained model
     * @param domain the target domain's name
     * @param k items per user, in [1, 10000]
     * @param batchSize users per scoring call, in [1, 65536]
     */
    public record Config(ModelSource model, String domain, int k, int batchSize) implements Serializable {

        /** Checks the values. */
        public Config {
            Checks.present("model", model);
            Checks.present("domain", domain);
            Checks.range("k", k, 1, 10_000);
            Checks.range("batchSize", batchSize, 1, 65536);
        }
    }

    /**
     * Returns the recommendations (lazily).
     *
     * @throws IllegalArgumentException when the histories lack a column or the model has no such
     *     domain; when the job runs, a history with an unknown item (naming the user)
     */
    public static Dataset<Row> run(SparkSession spark, Dataset<Row> histories, Config config) {
        Dataset<Row> users = Tables.require(histories, Tables.HISTORIES, "histories");
        ModelSource.Payload payload = config.model().read();
        try (ModelSource.Loaded probe = ModelSource.load(payload)) {
            probe.domain(config.domain());
        }
        Broadcast<ModelSource.Payload> model = spark.sparkContext().broadcast(payload,
                scala.reflect.ClassTag$.MODULE$.apply(ModelSource.Payload.class));
        MapPartitionsFunction<Row, Row> recommend = rows -> new RowBatches(rows, config.batchSize(), batch -> recommend(batch, model, config));
        return users.mapPartitions(recommend, Encoders.row(OUTPUT));
    }

    static ModelSource.Loaded loaded(Broadcast<ModelSource.Payload> model) {
        return ExecutorSingletons.get("model-" + model.id(), () -> ModelSource.load(model.value()));
    }

    /** Recommends for one batch of users. */
    private static List<Row> recommend(List<Row> batch, Broadcast<ModelSource.Payload> model, Config config) {
        ModelSource.Loaded m = loaded(model);
        Domain domain = m.domain(config.domain());
        List<History> histories = new ArrayList<>(batch.size());
        for (Row r : batch) {
            if (r.isNullAt(0) || r.isNullAt(1)) {
                throw new IllegalArgumentException("histories row " + r + " has a null source or uid");
            }
            histories.add(History.of(Tables.itemIds(r, 2, "histories", Tables.userKey(r, 0, 1), m.itemCount())));
        }
        List<List<ScoredItem>> top = m.recommender().recommendBatch(histories, domain, config.k());
        List<Row> out = new ArrayList<>(batch.size());
        for (int u = 0; u < batch.size(); u++) {
            List<ScoredItem> list = top.get(u);
            Integer[] items = new Integer[list.size()];
            Float[] scores = new Float[list.size()];
            for (int i = 0; i < items.length; i++) {
                items[i] = list.get(i).item();
                scores[i] = list.get(i).score();
            }
            out.add(RowFactory.create(batch.get(u).getString(0), batch.get(u).getString(1), domain.name(), items, scores));
        }
        return out;
    }

    /** Runs from spark-submit. */
    public static void main(String[] args) {
        JobArguments a = new JobArguments("RecommendJob", args, Set.of("model", "onnx", "threads", "histories", "domain", "out", "k", "batch"),
                "--model FILE [--onnx true] [--threads N] --histories DIR --domain NAME --out DIR [--k N] [--batch N]");
        Config config = new Config(a.model(), a.required("domain"), a.getInt("k", 10), a.getInt("batch", 256));
        JobArguments.withSession("llmedt-recommend", session -> {
            SparkSession spark = session.get();
            run(spark, spark.read().parquet(a.required("histories")), config).write().mode("overwrite").parquet(a.required("out"));
        });
    }
}
