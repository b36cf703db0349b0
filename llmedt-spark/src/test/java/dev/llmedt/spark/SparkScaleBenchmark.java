package dev.llmedt.spark;

import dev.llmedt.TrainingListener;
import dev.llmedt.augment.TransferableItemAugmenter;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.Item;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.ReadReport;
import dev.llmedt.data.UserSequence;
import dev.llmedt.profile.DomainAwareProfiler;
import dev.llmedt.sasrec.SasRecConfig;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.sasrec.SasRecTrainer;
import dev.llmedt.testing.HashingEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Throughput of every job on a synthetic catalogue of 1M items and 1M users, on {@code local[2]}
 * with the input in 1, 2 and 4 partitions. Data go to Parquet under {@code /tmp}; each timed run
 * reads Parquet, repartitions and writes Parquet. Jobs whose cost grows with users x items
 * (augment, recommend, evaluate) and the MiniLM encoder run on a sample of the rows, labelled; each
 * measurement records the machine's load averages, and the item-table jobs their multiply-adds per
 * row and the rate they ran at. Time the JVM stood still (another process's SIGSTOP) is left out.
 *
 * <p>Run: {@code nice -n 19 mvn -o -q -B -pl llmedt-spark -am verify -DskipTests -Pspark-benchmark}
 * (options through {@code -Dbench.args="..."}: {@code --items N --users N --dim D --dir DIR
 * --partitions 1,2,4 --jobs encode,minilm,augment,profile,recommend,evaluate --reuse-data true
 * --encode-sample N --augment-sample N --profile-sample N --recommend-sample N --evaluate-sample N
 * --label TEXT}); the results go to {@code DIR/results-<millis>.json}.
 */
public final class SparkScaleBenchmark {

    private static final String[] WORDS = ("espresso arabica roast matcha green oolong flour yeast sugar cocoa vanilla honey almond oat rice "
            + "pasta basil pepper salt olive vinegar mustard ketchup salsa cheddar butter cream yogurt granola cereal grinder kettle whisk "
            + "mixer blender toaster skillet pan pot knife board spatula ladle tongs sieve scale timer thermometer mug cup jar bowl plate "
            + "tray rack steamer press filter dripper carafe bottle lid towel apron glove opener peeler grater mandoline juicer").split(" ");

    /** Nanoseconds the JVM stood still (paused by another process's SIGSTOP), subtracted from every timing. */
    private static final java.util.concurrent.atomic.AtomicLong PAUSED = new java.util.concurrent.atomic.AtomicLong();

    static {
        Thread watch = new Thread(() -> {
            long last = System.nanoTime();
            while (true) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                if (now - last > 1_000_000_000L) {
                    PAUSED.addAndGet(now - last - 20_000_000L);
                }
                last = now;
            }
        }, "pause-watch");
        watch.setDaemon(true);
        watch.start();
    }

    private SparkScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        JobArguments a = new JobArguments("SparkScaleBenchmark", args, java.util.Set.of("items", "users", "dir", "dim", "encode-sample",
                "augment-sample", "profile-sample", "recommend-sample", "evaluate-sample", "partitions", "job-partitions", "jobs", "reuse-data",
                "label"), "see the class documentation");
        int items = a.getInt("items", 1_000_000);
        int users = a.getInt("users", 1_000_000);
        String dir = a.get("dir", "/tmp/llmedt-spark-bench");
        int dim = a.getInt("dim", 32);
        int encodeSample = a.getInt("encode-sample", 4000);
        int augmentSample = a.getInt("augment-sample", 5_000);
        int profileSample = a.getInt("profile-sample", 200_000);
        int recommendSample = a.getInt("recommend-sample", 5_000);
        int evaluateSample = a.getInt("evaluate-sample", 6_000);
        java.util.Set<String> jobs = java.util.Set.of(a.get("jobs", "encode,minilm,augment,profile,recommend,evaluate").split(","));
        boolean reuse = Boolean.parseBoolean(a.get("reuse-data", "false"));
        int[] partitions = java.util.Arrays.stream(a.get("partitions", "1,2,4").split(",")).mapToInt(Integer::parseInt).toArray();
        // The jobs after encode prepare the whole catalogue on the driver once per run; fewer runs keep the benchmark short.
        int[] jobPartitions = java.util.Arrays.stream(a.get("job-partitions", a.get("partitions", "1,2,4")).split(","))
                .mapToInt(Integer::parseInt).toArray();

        SparkSession spark = SparkSession.builder().master("local[2]").appName("llmedt-spark-benchmark")
                .config("spark.ui.enabled", "false")
                // Other processes on this machine may pause the JVM (SIGSTOP) for quiet measurements: no timeouts.
                .config("spark.network.timeout", "86400s").config("spark.executor.heartbeatInterval", "3600s")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("items", items);
        results.put("users", users);
        results.put("dim", dim);
        results.put("cores", Runtime.getRuntime().availableProcessors());
        results.put("label", a.get("label", ""));
        results.put("load_at_start", load());

        // Data: items from Java (titles of three topic words), users by Spark SQL (75% single-domain).
        ItemCatalog catalog = catalog(items);
        long[] t = start();
        int half = items / 2;
        boolean generate = !(reuse && Files.isDirectory(Path.of(dir, "items")) && Files.isDirectory(Path.of(dir, "train")));
        if (generate) {
        Tables.items(spark, catalog).write().mode("overwrite").parquet(dir + "/items");
        spark.range(users).selectExpr("cast(id as int) as user_index", "'train' as source", "cast(id as string) as uid",
                "transform(sequence(0, 4 + cast(pmod(hash(id, 7), 12) as int)), i -> cast(pmod(id, 2) * " + half + " + pmod(hash(id, i), " + half
                        + ") + case when pmod(id, 4) = 0 and pmod(i, 3) = 2 then (1 - 2 * pmod(id, 2)) * " + half + " else 0 end as int)) as items")
                .write().mode("overwrite").parquet(dir + "/train");
        results.put("generate_seconds", seconds(t));
        }
        Dataset<Row> itemTable = spark.read().parquet(dir + "/items");
        Dataset<Row> train = spark.read().parquet(dir + "/train");

        // Encode: the hashing encoder over every item, MiniLM on a sample.
        TextEncoderFactory hashing = () -> new HashingEncoder(dim);
        boolean encode = jobs.contains("encode") || !Files.isDirectory(Path.of(dir, "vectors-" + partitions[0]));
        for (int p : encode ? partitions : new int[0]) {
            t = start();
            EncodeJob.run(spark, itemTable.repartition(p), new EncodeJob.Config(hashing, "{title}", 512, null)).write().mode("overwrite")
                    .parquet(dir + "/vectors-" + p);
            record(results, "encode_hashing" + dim, p, items, seconds(t), "all items");
        }
        Path from = Path.of(dir, "vectors-" + partitions[0]);
        Dataset<Row> vectors = spark.read().parquet(from.toString());
        Dataset<Row> sampleItems = itemTable.limit(encodeSample).cache();
        sampleItems.count();
        for (int p : jobs.contains("minilm") ? partitions : new int[0]) {
            t = start();
            EncodeJob.run(spark, sampleItems.repartition(p), new EncodeJob.Config(TextEncoderFactory.embeddedMiniLm(1), "{title}", 256, null))
                    .write().mode("overwrite").parquet(dir + "/minilm-" + p);
            record(results, "encode_minilm", p, encodeSample, seconds(t), "sample of " + encodeSample + " items");
        }

        String modelId = new HashingEncoder(dim).modelId();
        // Augment: the driver-side preparation once per run, then the users of a sample.
        TransferableItemAugmenter.Settings augment = TransferableItemAugmenter.builder().seed(42).build().settings();
        Dataset<Row> augmentUsers = train.limit(augmentSample).cache();
        augmentUsers.count();
        for (int p : jobs.contains("augment") ? jobPartitions : new int[0]) {
            long[] setup = start();
            Dataset<Row> out = AugmentJob.run(spark, itemTable, vectors, augmentUsers.repartition(p), AugmentJob.Config.offline(augment, modelId));
            double setupSeconds = seconds(setup);
            t = start();
            out.write().mode("overwrite").parquet(dir + "/augmented-" + p);
            // Offline augmentation is exact nearest-item search: per imbalanced user (3 in 4 here), each
            // source item (10.5 on average) against the 500k items of the other domain, width dim.
            double macsPerUser = 0.75 * 10.5 * half * (double) dim;
            recordWithRate(results, "augment", p, augmentSample, seconds(t), "sample of " + augmentSample + " users; driver setup "
                    + fmt(setupSeconds) + " s", macsPerUser, 4.0 * half * dim);
        }

        // Profile.
        DomainAwareProfiler.Settings profile = DomainAwareProfiler.builder().seed(42).build().settings();
        Dataset<Row> profileUsers = train.limit(profileSample).drop("user_index").cache();
        profileUsers.count();
        for (int p : jobs.contains("profile") ? jobPartitions : new int[0]) {
            long[] setup = start();
            Dataset<Row> out = ProfileJob.run(spark, itemTable, vectors, profileUsers.repartition(p), ProfileJob.Config.offline(profile, modelId));
            double setupSeconds = seconds(setup);
            t = start();
            out.write().mode("overwrite").parquet(dir + "/profiles-" + p);
            record(results, "profile", p, profileSample, seconds(t), "sample of " + profileSample + " users; driver setup " + fmt(setupSeconds) + " s");
        }

        // Recommend and evaluate with a SASRec model over the whole catalogue (trained briefly: speed only).
        t = start();
        SasRecModel model = briefModel(catalog, dim);
        Path modelFile = Files.createTempFile(Path.of(dir.startsWith("/") ? dir : "/tmp"), "sasrec", ".llmedt");
        model.save(modelFile);
        results.put("model_seconds", seconds(t));
        results.put("model_bytes", Files.size(modelFile));
        ModelSource source = ModelSource.javaModel(modelFile.toString());
        Dataset<Row> recommendUsers = train.limit(recommendSample).drop("user_index").cache();
        recommendUsers.count();
        for (int p : jobs.contains("recommend") ? jobPartitions : new int[0]) {
            t = start();
            RecommendJob.run(spark, recommendUsers.repartition(p), new RecommendJob.Config(source, "Food", 10, 256)).write().mode("overwrite")
                    .parquet(dir + "/top10-" + p);
            recordWithRate(results, "recommend", p, recommendSample, seconds(t), "sample of " + recommendSample + " users, top 10 of " + half
                    + " items", (double) half * dim, 4.0 * half * dim);
        }
        Dataset<Row> cases = train.limit(evaluateSample).selectExpr("cast(user_index as long) as case_index", "source", "uid",
                "slice(items, 1, size(items) - 1) as input", "element_at(items, -1) as target").cache();
        cases.count();
        for (int p : jobs.contains("evaluate") ? jobPartitions : new int[0]) {
            t = start();
            EvaluateJob.Config config = EvaluateJob.Config.full(source, "bench");
            Dataset<Row> ranks = EvaluateJob.run(spark, cases.repartition(p), config);
            ranks.write().mode("overwrite").parquet(dir + "/ranks-" + p);
            recordWithRate(results, "evaluate", p, evaluateSample, seconds(t), "sample of " + evaluateSample + " cases, full ranking of " + half
                    + " items", (double) half * dim, 4.0 * half * dim);
        }
        spark.stop();
        results.put("paused_seconds_excluded", Double.parseDouble(fmt(PAUSED.get() / 1e9)));
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(results);
        Files.writeString(Path.of(dir, "results-" + System.currentTimeMillis() + ".json"), json);
        System.out.println(json);
    }

    private static ItemCatalog catalog(int n) {
        int half = n / 2;
        List<Item> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SplittableRandom r = new SplittableRandom(i);
            String title = WORDS[r.nextInt(WORDS.length)] + " " + WORDS[r.nextInt(WORDS.length)] + " " + WORDS[r.nextInt(WORDS.length)] + " "
                    + (i % 997);
            list.add(new Item(i, i < half ? 0 : 1, Integer.toString(i), Map.of(Item.TITLE, title)));
        }
        return new ItemCatalog(List.of(new Domain(0, "Food", 0, half), new Domain(1, "Kitchen", half, n - half)), list);
    }

    /** A SASRec model over the whole catalogue after one epoch on 2,000 users: the size and speed of a real one. */
    private static SasRecModel briefModel(ItemCatalog catalog, int dim) {
        int half = catalog.size() / 2;
        SplittableRandom r = new SplittableRandom(3);
        List<UserSequence> train = new ArrayList<>();
        List<EvaluationCase> valid = new ArrayList<>();
        for (int u = 0; u < 2000; u++) {
            int[] items = new int[8];
            for (int i = 0; i < items.length; i++) {
                items[i] = (u % 2) * half + r.nextInt(half);
            }
            train.add(new UserSequence("train", Integer.toString(u), History.of(items)));
            if (u < 50) {
                valid.add(new EvaluationCase("valid", Integer.toString(u), History.of(items), r.nextInt(half)));
            }
        }
        CdsrDataset data = new CdsrDataset("bench", catalog, train, valid, valid, ReadReport.empty());
        SasRecConfig config = SasRecConfig.builder().dim(dim).blocks(1).heads(1).maxLength(20).maxEpochs(1).patience(1).build();
        return new SasRecTrainer(config, TrainingListener.none()).train(data);
    }

    /** The load averages of the machine now ({@code /proc/loadavg}: 1, 5 and 15 minutes). */
    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * {@link #record} plus where the time goes: {@code macsPerRow} multiply-adds per row and the rate
     * they run at, and {@code tableBytes} (the item table one row's work reads).
     */
    private static void recordWithRate(Map<String, Object> results, String job, int partitions, long rows, double seconds, String note,
            double macsPerRow, double tableBytes) {
        record(results, job, partitions, rows, seconds, note);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) results.get(job + "@" + partitions);
        double gmacs = rows * macsPerRow / seconds / 1e9;
        m.put("multiply_adds_per_row", Math.round(macsPerRow));
        m.put("gmac_per_second", Double.parseDouble(fmt(gmacs)));
        m.put("item_table_mb", Double.parseDouble(fmt(tableBytes / 1e6)));
        System.out.println("  " + job + "@" + partitions + ": " + fmt(macsPerRow / 1e6) + " M multiply-adds per row = " + fmt(gmacs)
                + " G multiply-adds/s; item table " + fmt(tableBytes / 1e6) + " MB");
    }

    private static void record(Map<String, Object> results, String job, int partitions, long rows, double seconds, String note) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("load", load());
        m.put("rows", rows);
        m.put("seconds", Double.parseDouble(fmt(seconds)));
        m.put("rows_per_second", Math.round(rows / seconds));
        m.put("note", note);
        results.put(job + "@" + partitions, m);
        System.out.println(job + " partitions=" + partitions + ": " + rows + " rows in " + fmt(seconds) + " s = " + Math.round(rows / seconds)
                + " rows/s (" + note + "; load " + load() + ")");
    }

    /** The clock and the paused time now. */
    private static long[] start() {
        return new long[] {System.nanoTime(), PAUSED.get()};
    }

    /** Seconds since {@code start}, less the time the JVM was paused meanwhile. */
    private static double seconds(long[] start) {
        return (System.nanoTime() - start[0] - (PAUSED.get() - start[1])) / 1e9;
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.2f", x);
    }
}
