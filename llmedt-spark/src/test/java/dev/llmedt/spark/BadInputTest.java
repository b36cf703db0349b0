package dev.llmedt.spark;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.augment.TransferableItemAugmenter;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.profile.DomainAwareProfiler;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.testing.HashingEncoder;
import dev.llmedt.testing.SyntheticModels;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Missing columns, null texts and unknown ids fail with a message naming the column or the row. */
class BadInputTest {

    private static final CdsrDataset DATA = SyntheticDataset.generate(new SyntheticDataset.Options(2, 5, 6, 6, 6, 2));
    private static final TextEncoderFactory HASHING = () -> new HashingEncoder(8);
    private final SparkSession spark = SparkTestSession.get();

    /** Runs the action and returns the message of the innermost exception that names what went wrong. */
    private static String failure(Executable action) {
        Throwable t = assertThrows(Exception.class, action);
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append(" | ");
        }
        return all.toString();
    }

    @Test
    void aMissingColumnIsNamedWithTheExpectedSchema() {
        Dataset<Row> items = Tables.items(spark, DATA.items()).drop("title");
        String m = failure(() -> EncodeJob.run(spark, items, EncodeJob.Config.of(HASHING)));
        assertTrue(m.contains("no column 'title'") && m.contains("struct<item_id:int,domain:string,title:string>"), m);
    }

    @Test
    void aColumnOfAnotherTypeIsNamed() {
        Dataset<Row> items = Tables.items(spark, DATA.items()).withColumn("item_id", functions.col("item_id").cast("string"));
        String m = failure(() -> EncodeJob.run(spark, items, EncodeJob.Config.of(HASHING)));
        assertTrue(m.contains("column 'item_id' is string, expected int"), m);
    }

    @Test
    void aNullTitleNamesTheItem() {
        Dataset<Row> items = spark.createDataFrame(List.of(RowFactory.create(0, "Food", "tea"), RowFactory.create(1, "Food", null)),
                Tables.ITEMS);
        String m = failure(() -> EncodeJob.run(spark, items, EncodeJob.Config.of(HASHING)).collectAsList());
        assertTrue(m.contains("item_id=1 (domain Food) has a null title"), m);
        String onDriver = failure(() -> Tables.catalog(items));
        assertTrue(onDriver.contains("item_id=1 has a null title"), onDriver);
    }

    @Test
    void anUnknownItemInASequenceNamesTheUser() {
        Dataset<Row> items = Tables.items(spark, DATA.items());
        Dataset<Row> vectors = EncodeJob.run(spark, items, EncodeJob.Config.of(HASHING));
        int unknown = DATA.items().size() + 5;
        Dataset<Row> train = spark.createDataFrame(List.of(RowFactory.create(0, "train_A.txt", "u7", new Integer[] {0, unknown})),
                Tables.SEQUENCES);
        String m = failure(() -> AugmentJob.run(spark, items, vectors, train,
                AugmentJob.Config.offline(TransferableItemAugmenter.builder().clusters(2).build().settings(), "hashing-8")).collectAsList());
        assertTrue(m.contains("user_index=0 (source=train_A.txt, uid=u7) has unknown item " + unknown + " at position 1"), m);
    }

    @Test
    void unknownIdsInRecommendAndEvaluateNameTheRow(@TempDir Path dir) throws Exception {
        SasRecModel model = SyntheticModels.sasrec();
        model.save(dir.resolve("m.llmedt"));
        ModelSource source = ModelSource.javaModel(dir.resolve("m.llmedt").toString());
        int unknown = SyntheticModels.DATA.items().size();
        Dataset<Row> histories = spark.createDataFrame(List.of(RowFactory.create("valid.txt", "u3", new Integer[] {unknown})),
                Tables.HISTORIES);
        String m = failure(() -> RecommendJob.run(spark, histories, new RecommendJob.Config(source, "Food", 5, 8)).collectAsList());
        assertTrue(m.contains("histories row source=valid.txt, uid=u3 has unknown item " + unknown), m);
        String domain = failure(() -> RecommendJob.run(spark, histories, new RecommendJob.Config(source, "Garden", 5, 8)));
        assertTrue(domain.contains("no domain 'Garden'"), domain);
        Dataset<Row> cases = spark.createDataFrame(List.of(RowFactory.create(4L, "test.txt", "u8", new Integer[] {1}, unknown + 3)),
                Tables.CASES);
        String e = failure(() -> EvaluateJob.run(spark, cases, EvaluateJob.Config.full(source, "test")).collectAsList());
        assertTrue(e.contains("case_index=4 (source=test.txt, uid=u8) has unknown target item " + (unknown + 3)), e);
    }

    @Test
    void vectorsOfAnotherEncoderAreRefusedNamingBothIds() {
        Dataset<Row> items = Tables.items(spark, DATA.items());
        Dataset<Row> vectors = EncodeJob.run(spark, items, EncodeJob.Config.of(HASHING)).cache();
        String encodedBy = new HashingEncoder(8).modelId();
        assertTrue(encodedBy.equals(Tables.modelId(vectors)), Tables.modelId(vectors));
        Dataset<Row> train = Tables.sequences(spark, DATA.train());
        String augment = failure(() -> AugmentJob.run(spark, items, vectors, train,
                AugmentJob.Config.offline(TransferableItemAugmenter.builder().clusters(2).build().settings(), "all-MiniLM-L6-v2")));
        assertTrue(augment.contains("item_id=0 was encoded by '" + encodedBy + "'") && augment.contains("configured for encoder 'all-MiniLM-L6-v2'"),
                augment);
        Dataset<Row> histories = train.drop("user_index");
        String profile = failure(() -> ProfileJob.run(spark, items, vectors, histories,
                ProfileJob.Config.offline(DomainAwareProfiler.builder().clusters(2).build().settings(), "text-embedding-3-small")));
        assertTrue(profile.contains("was encoded by '" + encodedBy + "'") && profile.contains("configured for encoder 'text-embedding-3-small'"),
                profile);
        // A table mixing two encoders' rows names the row of the other encoder.
        Dataset<Row> mixed = vectors.withColumn("model_id", functions.when(functions.col("item_id").equalTo(3), functions.lit("other-encoder"))
                .otherwise(functions.col("model_id")));
        String rows = failure(() -> ProfileJob.run(spark, items, mixed, histories,
                ProfileJob.Config.offline(DomainAwareProfiler.builder().clusters(2).build().settings(), encodedBy)));
        assertTrue(rows.contains("item_id=3 was encoded by 'other-encoder'") && rows.contains("'" + encodedBy + "'"), rows);
        // With a generator, the executors' encoder of generated texts must be the vectors' encoder too.
        TextGeneratorFactory never = Never::new;
        String generated = failure(() -> AugmentJob.run(spark, items, vectors, train,
                AugmentJob.Config.offline(TransferableItemAugmenter.builder().clusters(2).build().settings(), encodedBy)
                        .withGenerator(never, () -> new HashingEncoder(8, "another-encoder"), 10)).collectAsList());
        assertTrue(generated.contains("another-encoder") && generated.contains(encodedBy), generated);
        // A vectors table without the column (written before the id was carried) is named.
        String old = failure(() -> Tables.modelId(vectors.drop("model_id")));
        assertTrue(old.contains("no column 'model_id'"), old);
        vectors.unpersist();
    }

    /** A generator that must not be called. */
    static final class Never implements dev.llmedt.text.TextGenerator {
        @Override
        public String modelId() {
            return "never";
        }

        @Override
        public String generate(String prompt) {
            throw new AssertionError("no prompt expected");
        }
    }

    @Test
    void badJobOptionsNameTheOptionTheValueAndTheRange() {
        String[] base = {"--items", "i", "--vectors", "v", "--train", "t", "--out", "o"};
        java.util.function.Supplier<SparkSession> none = () -> {
            throw new AssertionError("options are checked before the session is opened");
        };
        java.util.function.Function<String[], String> augment = extra -> failure(() -> AugmentJob.submit(concat(base, extra), none));
        assertTrue(augment.apply(new String[] {"--generator", "http://127.0.0.1:1/v1", "--generator-model", "m", "--requests-per-second", "0"})
                .contains("--requests-per-second must be in (0, 1000000], got 0"));
        assertTrue(augment.apply(new String[] {"--generator", "http://127.0.0.1:1/v1", "--generator-model", "m", "--burst", "0"})
                .contains("--burst must be in [1, 1000000], got 0"));
        assertTrue(augment.apply(new String[] {"--generator", "http://127.0.0.1:1/v1", "--generator-model", "m", "--generator-timeout", "-2"})
                .contains("--generator-timeout must be in [0.001, 3600] seconds, got -2"));
        assertTrue(augment.apply(new String[] {"--generator", "http://127.0.0.1:1/v1", "--generator-model", "m", "--generator-attempts", "50"})
                .contains("--generator-attempts must be in [1, 20], got 50"));
        assertTrue(augment.apply(new String[] {"--generator", "http://127.0.0.1:1/v1", "--generator-model", "m", "--generator-circuit-breaker",
            "0"}).contains("--generator-circuit-breaker must be in [1, 1000000], got 0"));
        assertTrue(augment.apply(new String[] {"--generator", "http://127.0.0.1:1/v1", "--generator-model", "m", "--generator-concurrency",
            "0"}).contains("--generator-concurrency must be in [1, 256], got 0"));
        String url = augment.apply(new String[] {"--generator", "ftp://x/v1", "--generator-model", "m"});
        assertTrue(url.contains("--generator ftp://x/v1") && url.contains("absolute http(s) URL"), url);
        assertTrue(augment.apply(new String[] {"--generator", "http://127.0.0.1:1/v1"}).contains("--generator URL and --generator-model NAME go together"));
        assertTrue(augment.apply(new String[] {"--burst", "4"}).contains("--burst applies to --generator only"));
        assertTrue(augment.apply(new String[] {"--batch", "0"}).contains("--batch must be in [1, 1000000], got 0"));
        assertTrue(augment.apply(new String[] {"--tau", "x"}).contains("--tau must be a number, got 'x'"));
        String profile = failure(() -> ProfileJob.submit(new String[] {"--items", "i", "--vectors", "v", "--histories", "h", "--out", "o",
            "--generator", "http://127.0.0.1:1/v1", "--generator-model", "m", "--requests-per-second", "NaN"}, none));
        assertTrue(profile.contains("ProfileJob: --requests-per-second must be in (0, 1000000], got NaN"), profile);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void configurationsNameTheBadValue() {
        String m = failure(() -> new EncodeJob.Config(HASHING, "{title}", 0, null));
        assertTrue(m.contains("batchSize must be in [1, 65536], got 0"), m);
        String k = failure(() -> new RecommendJob.Config(ModelSource.javaModel("x"), "Food", 0, 8));
        assertTrue(k.contains("k must be in [1, 10000], got 0"), k);
    }
}
