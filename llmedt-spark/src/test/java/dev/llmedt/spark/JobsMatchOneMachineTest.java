package dev.llmedt.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.progress.ProgressListener;
import dev.llmedt.Recommender;
import dev.llmedt.augment.AugmentedData;
import dev.llmedt.augment.AugmentedSequence;
import dev.llmedt.augment.Insertion;
import dev.llmedt.augment.InsertionStrategy;
import dev.llmedt.augment.TransferableItemAugmenter;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.Protocol;
import dev.llmedt.ScoredItem;
import dev.llmedt.onnx.OnnxExporter;
import dev.llmedt.profile.DomainAwareProfiler;
import dev.llmedt.profile.UserProfiles;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.testing.HashingEncoder;
import dev.llmedt.testing.SyntheticModels;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every job on {@code local[2]}, its input in two partitions, gives exactly what the
 * one-machine path gives on the synthetic dataset: the same vectors (bitwise), insertions, profiles,
 * top-k items and scores, and metrics.
 */
class JobsMatchOneMachineTest {

    private static final CdsrDataset DATA = SyntheticModels.DATA;
    private static final TextEncoderFactory HASHING = () -> new HashingEncoder(48);
    private static SparkSession spark;
    private static Dataset<Row> items;
    private static Dataset<Row> vectors;
    private static ItemEmbeddings expectedEmbeddings;

    @BeforeAll
    static void encodeOnce() {
        spark = SparkTestSession.get();
        items = Tables.items(spark, DATA.items());
        vectors = EncodeJob.run(spark, items, new EncodeJob.Config(HASHING, "{title}", 17, null)).cache();
        expectedEmbeddings = ItemEmbeddings.encode(DATA.items(), new HashingEncoder(48), ItemTextTemplate.titles(), ProgressListener.none());
    }

    @Test
    void encodeGivesTheSameVectorsBitForBit() {
        ItemEmbeddings actual = Tables.embeddings(vectors, DATA.items().size(), expectedEmbeddings.modelId(), "{title}");
        assertTrue(expectedEmbeddings.itemsWithoutText() < DATA.items().size());
        assertArrayEquals(expectedEmbeddings.toArray(), actual.toArray());
        assertEquals(expectedEmbeddings.itemsWithoutText(), actual.itemsWithoutText());
        assertEquals(List.of(expectedEmbeddings.modelId()), vectors.select("model_id").distinct().as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList(), "every row carries the encoder's id");
        assertEquals(expectedEmbeddings.modelId(), Tables.modelId(vectors));
    }

    @Test
    void encodeWithTheEmbeddedMiniLmGivesTheOneMachineVectors(@TempDir Path cache) {
        CdsrDataset small = dev.llmedt.data.SyntheticDataset.generate(new dev.llmedt.data.SyntheticDataset.Options(1, 5, 4, 4, 4, 1));
        Dataset<Row> encoded = EncodeJob.run(spark, Tables.items(spark, small.items()),
                new EncodeJob.Config(TextEncoderFactory.embeddedMiniLm(1), "{title}", 8, cache.toString()));
        try (dev.llmedt.onnx.OnnxTextEncoder minilm = dev.llmedt.onnx.OnnxTextEncoder.embedded().threads(1).build()) {
            ItemEmbeddings expected = ItemEmbeddings.encode(small.items(), minilm, ItemTextTemplate.titles(), ProgressListener.none());
            ItemEmbeddings actual = Tables.embeddings(encoded, small.items().size(), minilm.modelId(), "{title}");
            float[] e = expected.toArray();
            float[] a = actual.toArray();
            // Batches are cut differently; each text is padded to its batch's longest, which ONNX Runtime may sum in another order.
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], a[i], 1e-6f, "value " + i);
            }
        }
    }

    private static void assertSameAugmentation(TransferableItemAugmenter augmenter) {
        AugmentedData expected = augmenter.augment(DATA, expectedEmbeddings);
        assertTrue(expected.insertions().size() > 20, "the comparison needs insertions");
        AugmentJob.Run run = AugmentJob.start(spark, items, vectors, Tables.sequences(spark, DATA.train()),
                AugmentJob.Config.offline(augmenter.settings(), expectedEmbeddings.modelId()).withBatchSize(29));
        Dataset<Row> augmented = run.output().cache();
        List<Row> rows = new ArrayList<>(augmented.collectAsList());
        rows.sort(java.util.Comparator.comparingInt((Row r) -> r.getInt(0)));
        assertEquals(DATA.train().size(), rows.size());
        List<Insertion> insertions = new ArrayList<>();
        for (Row r : rows) {
            int u = r.getInt(0);
            AugmentedSequence e = expected.sequences().get(u);
            assertEquals(e.items(), History.of(r.<Integer>getList(3).stream().mapToInt(Integer::intValue).toArray()), "user " + u);
            for (int p = 0; p < e.length(); p++) {
                assertEquals(e.isInserted(p), r.<Boolean>getList(4).get(p), "user " + u + " position " + p);
                assertEquals(e.isTrainingTarget(p), r.<Boolean>getList(5).get(p), "user " + u + " position " + p);
            }
            for (Row in : r.<Row>getList(6)) {
                insertions.add(new Insertion(r.getString(1), r.getString(2), in.getInt(0), in.getInt(1), in.getInt(2), in.getFloat(3),
                        in.getFloat(4), in.getInt(5)));
            }
        }
        assertEquals(expected.insertions(), insertions);
        assertEquals(expected.insertions().size(), AugmentJob.insertions(augmented).count());
        assertEquals(expectedEmbeddings.modelId(), rows.get(0).getAs("embeddings_model_id"));
        assertSameReport(expected.report(), run.report(augmented));
        augmented.unpersist();
    }

    /** The report aggregated on the cluster is the one-machine report, field by field (mean similarities to the bit). */
    static void assertSameReport(dev.llmedt.augment.AugmentationReport expected, dev.llmedt.augment.AugmentationReport actual) {
        assertTrue(expected.imbalancedUsers() > 0 && expected.candidates() > 0, "the comparison needs candidates");
        assertEquals(expected.toMap(), actual.toMap());
        assertEquals(Double.doubleToLongBits(expected.meanSimilarity()), Double.doubleToLongBits(actual.meanSimilarity()));
        assertEquals(Double.doubleToLongBits(expected.meanMatchSimilarity()), Double.doubleToLongBits(actual.meanMatchSimilarity()));
        assertArrayEquals(expected.histogramBefore(), actual.histogramBefore());
        assertArrayEquals(expected.histogramAfter(), actual.histogramAfter());
    }

    @Test
    void augmentGivesTheSameInsertions() {
        assertSameAugmentation(TransferableItemAugmenter.builder().similarityThreshold(0.2).clusters(4).seed(3).build());
    }

    @Test
    void augmentWithAUserCapAndRandomPlacementGivesTheSameInsertions() {
        assertSameAugmentation(TransferableItemAugmenter.builder().similarityThreshold(0.1).clusters(3).maxUsers(60)
                .insertion(InsertionStrategy.RANDOM).maxInsertionsPerUser(2).seed(9).build());
    }

    @Test
    void profileGivesTheSameTexts() {
        DomainAwareProfiler profiler = DomainAwareProfiler.builder().clusters(3).seed(4).build();
        List<History> visible = new ArrayList<>();
        for (var s : DATA.train()) {
            visible.add(s.items());
        }
        UserProfiles expected = profiler.profile(DATA.items(), expectedEmbeddings, visible, ProgressListener.none());
        Dataset<Row> histories = Tables.sequences(spark, DATA.train()).drop("user_index");
        Map<String, String> actual = new HashMap<>();
        for (Row r : ProfileJob.run(spark, items, vectors, histories,
                ProfileJob.Config.offline(profiler.settings(), expectedEmbeddings.modelId()).withBatchSize(41)).collectAsList()) {
            actual.put(r.getString(0) + "/" + r.getString(1), r.getString(2));
            assertEquals(expectedEmbeddings.modelId(), r.getAs("embeddings_model_id"));
            assertTrue(r.isNullAt(r.fieldIndex("generator_model_id")));
        }
        assertEquals(DATA.train().size(), actual.size());
        int nonEmpty = 0;
        for (int u = 0; u < DATA.train().size(); u++) {
            var s = DATA.train().get(u);
            assertEquals(expected.text(u), actual.get(s.source() + "/" + s.user()), "user " + s.user() + " of " + s.source());
            nonEmpty += expected.hasProfile(u) ? 1 : 0;
        }
        assertTrue(nonEmpty > DATA.train().size() / 2);
    }

    private static void assertSameTopK(Recommender recommender, ModelSource source) {
        List<History> histories = new ArrayList<>();
        for (EvaluationCase c : DATA.test()) {
            histories.add(c.input());
        }
        Dataset<Row> input = Tables.cases(spark, DATA.test()).selectExpr("source", "uid", "input as items");
        for (Domain d : DATA.domains()) {
            List<List<ScoredItem>> expected = recommender.recommendBatch(histories, d, 10);
            Map<String, Row> byUser = new HashMap<>();
            for (Row r : RecommendJob.run(spark, input, new RecommendJob.Config(source, d.name(), 10, 13)).collectAsList()) {
                byUser.put(r.getString(0) + "/" + r.getString(1), r);
            }
            for (int u = 0; u < histories.size(); u++) {
                EvaluationCase c = DATA.test().get(u);
                Row r = byUser.get(c.source() + "/" + c.user());
                List<ScoredItem> e = expected.get(u);
                assertEquals(e.size(), r.getList(3).size());
                for (int i = 0; i < e.size(); i++) {
                    assertEquals(e.get(i).item(), (int) r.<Integer>getList(3).get(i), "user " + c.user() + " rank " + i);
                    assertEquals(Float.floatToIntBits(e.get(i).score()), Float.floatToIntBits(r.<Float>getList(4).get(i)),
                            "user " + c.user() + " rank " + i);
                }
            }
        }
    }

    @Test
    void recommendWithTheJavaModelsGivesTheSameTopK(@TempDir Path dir) throws Exception {
        SasRecModel sasrec = SyntheticModels.sasrec();
        sasrec.save(dir.resolve("sasrec.llmedt"));
        assertSameTopK(sasrec, ModelSource.javaModel(dir.resolve("sasrec.llmedt").toString()));
        var llmEdt = SyntheticModels.llmEdt();
        llmEdt.save(dir.resolve("llm-edt.llmedt"));
        assertSameTopK(llmEdt, ModelSource.javaModel(dir.resolve("llm-edt.llmedt").toString()));
    }

    @Test
    void recommendWithOnnxGivesTheSameTopKAsOnnxOnOneMachine(@TempDir Path dir) throws Exception {
        Path onnx = dir.resolve("sasrec.onnx");
        OnnxExporter.export(SyntheticModels.sasrec(), onnx);
        try (dev.llmedt.onnx.OnnxRecommender r = dev.llmedt.onnx.OnnxRecommender.builder(onnx).threads(1).build()) {
            assertSameTopK(r, ModelSource.onnxModel(onnx.toString(), 1));
        }
    }

    @Test
    void evaluateGivesTheSameMetrics(@TempDir Path dir) throws Exception {
        SasRecModel sasrec = SyntheticModels.sasrec();
        sasrec.save(dir.resolve("m.llmedt"));
        ModelSource source = ModelSource.javaModel(dir.resolve("m.llmedt").toString());
        for (boolean exclude : new boolean[] {true, false}) {
            Protocol protocol = exclude ? Protocol.full() : Protocol.full().includingInputItems();
            EvaluationReport expected = Evaluator.of(protocol).evaluate(sasrec, DATA.items(), DATA.test(), "test");
            EvaluateJob.Config config = new EvaluateJob.Config(source, "test", exclude, 7);
            Dataset<Row> ranks = EvaluateJob.run(spark, Tables.cases(spark, DATA.test()), config);
            EvaluationReport actual = EvaluateJob.report(ranks, EvaluateJob.domains(source), config);
            assertArrayEquals(expected.ranks(), actual.ranks());
            Map<String, Object> e = new HashMap<>(expected.toMap());
            Map<String, Object> a = new HashMap<>(actual.toMap());
            e.remove("seconds");
            a.remove("seconds");
            assertEquals(e, a);
            assertTrue(expected.overall().ndcg(10) > 0);
        }
    }
}
