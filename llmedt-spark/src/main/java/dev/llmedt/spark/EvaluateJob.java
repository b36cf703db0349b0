package dev.llmedt.spark;

import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.Item;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.Protocol;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Full-ranking evaluation at scale: each case's rank of its target among all items of the target
 * domain (the model's broadcast bytes loaded once per executor, cases ranked by the core
 * {@link Evaluator} per batch), then {@link #report} collects the ranks (one int per case) and
 * gives the {@link EvaluationReport} of the one-machine evaluation: the same HR, NDCG and MRR
 * overall, per target domain and per slice. Sampled protocols are not offered: their negatives are
 * seeded by the case's place in one list.
 *
 * <p>In: {@link Tables#CASES}. Out: {@link #OUTPUT}, one row per case.
 *
 * <p>spark-submit: {@code --class dev.llmedt.spark.EvaluateJob llmedt-spark.jar --model FILE [--onnx true]
 * --cases DIR --out DIR [--include-input true]}; prints the report's JSON map to the driver's log.
 */
public final class EvaluateJob {

    /**
     * Output: {@code case_index long, source string, uid string, target int, domain string,
     * slice string} (the user's input items in the target domain: 0, 1-2, 3+), {@code rank int}
     * (0-based).
     */
    public static final StructType OUTPUT = Tables.schema(Tables.field("case_index", DataTypes.LongType),
            Tables.field("source", DataTypes.StringType), Tables.field("uid", DataTypes.StringType),
            Tables.field("target", DataTypes.IntegerType), Tables.field("domain", DataTypes.StringType),
            Tables.field("slice", DataTypes.StringType), Tables.field("rank", DataTypes.IntegerType));

    private EvaluateJob() {
    }

    /**
     * How to evaluate.
     *
     * @param model the trained model
     * @param label what the cases are, such as {@code test}
     * @param excludeInputItems whether the user's input items are left out of the ranking (the
     *     default full protocol) or kept ({@code full-with-input})
     * @param batchSize cases per scoring call, in [1, 65536]
     */
    public record Config(ModelSource model, String label, boolean excludeInputItems, int batchSize) implements Serializable {

        /** Checks the values. */
        public Config {
            Checks.present("model", model);
            Checks.present("label", label);
            Checks.range("batchSize", batchSize, 1, 65536);
        }

        /** The full protocol (input items left out), batches of 256. */
        public static Config full(ModelSource model, String label) {
            return new Config(model, label, true, 256);
        }

        Protocol protocol() {
            return excludeInputItems ? Protocol.full() : Protocol.full().includingInputItems();
        }
    }

    /**
     * Returns each case's rank (lazily).
     *
     * @throws IllegalArgumentException when the cases lack a column; when the job runs, a case
     *     with an unknown input or target item (naming the case)
     */
    public static Dataset<Row> run(SparkSession spark, Dataset<Row> cases, Config config) {
        Dataset<Row> checked = Tables.require(cases, Tables.CASES, "cases");
        Broadcast<ModelSource.Payload> model = spark.sparkContext().broadcast(config.model().read(),
                scala.reflect.ClassTag$.MODULE$.apply(ModelSource.Payload.class));
        MapPartitionsFunction<Row, Row> rank = rows -> new RowBatches(rows, config.batchSize(), batch -> rank(batch, model, config));
        return checked.mapPartitions(rank, Encoders.row(OUTPUT));
    }

    /**
     * Collects the ranks of {@link #run} to the driver (ordered by {@code case_index}) as the report
     * of the one-machine evaluation.
     *
     * @param domains the model's domains, in index order
     */
    public static EvaluationReport report(Dataset<Row> ranks, List<Domain> domains, Config config) {
        List<Row> rows = ranks.select("case_index", "domain", "slice", "rank").orderBy("case_index").collectAsList();
        int[] rank = new int[rows.size()];
        int[] domain = new int[rows.size()];
        List<String> slices = new ArrayList<>(rows.size());
        for (int i = 0; i < rank.length; i++) {
            Row r = rows.get(i);
            String name = r.getString(1);
            domain[i] = domains.stream().filter(d -> d.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("case_index=" + r.getLong(0) + " has unknown domain " + name)).index();
            slices.add(r.getString(2));
            rank[i] = r.getInt(3);
        }
        return EvaluationReport.of(config.label(), config.protocol(), domains, rank, domain, slices, 0);
    }

    /** The model's domains, for {@link #report}. */
    public static List<Domain> domains(ModelSource model) {
        try (ModelSource.Loaded m = ModelSource.load(model.read())) {
            return m.domains();
        }
    }

    /** The executor's model and a catalogue of its domains (no texts). */
    private record Executor(ModelSource.Loaded model, ItemCatalog catalog) {
    }

    private static Executor executor(Broadcast<ModelSource.Payload> model) {
        return ExecutorSingletons.get("evaluate-" + model.id(), () -> {
            ModelSource.Loaded m = RecommendJob.loaded(model);
            List<Item> items = new ArrayList<>(m.itemCount());
            for (Domain d : m.domains()) {
                for (int i = d.firstItem(); i < d.endItem(); i++) {
                    items.add(new Item(i, d.index(), Integer.toString(i), Map.of()));
                }
            }
            return new Executor(m, new ItemCatalog(m.domains(), items));
        });
    }

    /** Ranks one batch of cases. */
    private static List<Row> rank(List<Row> batch, Broadcast<ModelSource.Payload> model, Config config) {
        Executor e = executor(model);
        int itemCount = e.catalog().size();
        List<EvaluationCase> cases = new ArrayList<>(batch.size());
        for (Row r : batch) {
            if (r.isNullAt(0) || r.isNullAt(1) || r.isNullAt(2) || r.isNullAt(4)) {
                throw new IllegalArgumentException("cases row " + r + " has a null case_index, source, uid or target");
            }
            String key = "case_index=" + r.getLong(0) + " (" + Tables.userKey(r, 1, 2) + ")";
            int target = r.getInt(4);
            if (target < 0 || target >= itemCount) {
                throw new IllegalArgumentException("cases row " + key + " has unknown target item " + target + "; item ids are 0.."
                        + (itemCount - 1));
            }
            cases.add(new EvaluationCase(r.getString(1), r.getString(2), History.of(Tables.itemIds(r, 3, "cases", key, itemCount)), target));
        }
        EvaluationReport report = Evaluator.of(config.protocol()).withThreads(1).withBatchSize(config.batchSize())
                .evaluate(e.model().recommender(), e.catalog(), cases, config.label());
        int[] ranks = report.ranks();
        int[] domains = report.targetDomains();
        List<String> slices = report.sliceNames();
        List<Row> out = new ArrayList<>(batch.size());
        for (int i = 0; i < cases.size(); i++) {
            EvaluationCase c = cases.get(i);
            out.add(RowFactory.create(batch.get(i).getLong(0), c.source(), c.user(), c.target(), e.catalog().domains().get(domains[i]).name(),
                    slices.get(i), ranks[i]));
        }
        return out;
    }

    /** Runs from spark-submit. */
    public static void main(String[] args) {
        JobArguments a = new JobArguments("EvaluateJob", args, Set.of("model", "onnx", "threads", "cases", "out", "label", "include-input"),
                "--model FILE [--onnx true] [--threads N] --cases DIR --out DIR [--label test] [--include-input true]");
        ModelSource model = a.model();
        Config config = new Config(model, a.get("label", "test"), !Boolean.parseBoolean(a.get("include-input", "false")), 256);
        JobArguments.withSession("llmedt-evaluate", session -> {
            SparkSession spark = session.get();
            Dataset<Row> ranks = run(spark, spark.read().parquet(a.required("cases")), config).cache();
            ranks.write().mode("overwrite").parquet(a.required("out"));
            org.slf4j.LoggerFactory.getLogger(EvaluateJob.class).info("{}", report(ranks, domains(model), config).toMap());
        });
    }
}
