package dev.llmedt.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.augment.AugmentationReport;
import dev.llmedt.augment.AugmentedData;
import dev.llmedt.augment.Insertion;
import dev.llmedt.augment.TransferableItemAugmenter;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.History;
import dev.llmedt.data.UserSequence;
import dev.llmedt.profile.DomainAwareProfiler;
import dev.llmedt.profile.UserProfiles;
import dev.llmedt.testing.HashingEncoder;
import dev.llmedt.testing.ScriptedServer;
import dev.llmedt.testing.ScriptedServer.Reply;
import dev.llmedt.testing.SyntheticModels;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.OpenAiCompatible;
import dev.llmedt.text.TextGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs' mains with a real OpenAI-compatible endpoint: an in-process HTTP server (JDK
 * HttpServer) answers chat completions by the prompt, with suggestions, an HTTP 500, a body that
 * is not JSON and an answer without suggestions. The jobs, run through {@code main}'s options on
 * {@code local[2]}, give what the one-machine path gives with the same endpoint: failed calls
 * degrade as they do there (counted; the user left without items of that domain, or given the
 * extractive profile).
 */
class GeneratorEndpointTest {

    private static final CdsrDataset DATA = SyntheticModels.DATA;
    private static final int DIM = 48;
    private static ScriptedServer server;
    private static List<String> titles;

    /** Answers by the prompt's hash: two catalogue titles mostly, sometimes a failure or garbage. */
    static Reply answer(String prompt) {
        int h = Math.floorMod(prompt.hashCode(), 1_000_003);
        switch (h % 9) {
            case 0:
                return Reply.status(500, "{\"error\": \"model crashed\"}");
            case 1:
                return new Reply(200, "<html>gateway says hello</html>", Map.of("Content-Type", "text/html"), 0);
            case 2:
                return Reply.json(ScriptedServer.chat("I'm sorry, I can't help with that."));
            default:
                return Reply.json(ScriptedServer.chat("Some ideas:\n1. " + titles.get(h % titles.size()) + "\n2. "
                        + titles.get((h / 7) % titles.size())));
        }
    }

    @BeforeAll
    static void startServer() throws Exception {
        titles = new ArrayList<>();
        for (int i = 0; i < DATA.items().size(); i++) {
            if (!DATA.items().item(i).title().isEmpty()) {
                titles.add(DATA.items().item(i).title());
            }
        }
        server = new ScriptedServer((n, request) -> answer(request.at("/messages/0/content").asText()));
    }

    /** The encoder of the vectors for {@code --encoder-factory}. */
    public static final class Hashing48 implements TextEncoderFactory {
        @Override
        public dev.llmedt.text.TextEncoder create() {
            return new HashingEncoder(DIM);
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private static TextGenerator oneMachineClient() {
        return OpenAiCompatible.chat(server.baseUrl(), "fake-chat").requestTimeout(Duration.ofSeconds(20)).maxAttempts(1)
                .circuitBreaker(1_000_000).build();
    }

    private static String[] generatorOptions() {
        return new String[] {"--generator", server.baseUrl().toString(), "--generator-model", "fake-chat", "--generator-timeout", "20",
            "--generator-attempts", "1", "--generator-circuit-breaker", "1000000", "--requests-per-second", "100000", "--burst", "64", "--generator-concurrency", "4"};
    }

    private static String[] args(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Writes the items, the vectors and the training sequences as Parquet, as a user of the mains would have them. */
    private static void writeInputs(SparkSession spark, Path dir, List<UserSequence> train) {
        Dataset<Row> items = Tables.items(spark, DATA.items());
        items.write().parquet(dir.resolve("items").toString());
        EncodeJob.run(spark, items, new EncodeJob.Config(() -> new HashingEncoder(DIM), "{title}", 64, null)).write()
                .parquet(dir.resolve("vectors").toString());
        Tables.sequences(spark, train).write().parquet(dir.resolve("train").toString());
    }

    @Test
    void augmentMainWithTheEndpointGivesTheOneMachineInsertionsAndReport(@TempDir Path dir) throws Exception {
        SparkSession spark = SparkTestSession.get();
        CdsrDataset data = new CdsrDataset(DATA.name(), DATA.items(), DATA.train().subList(0, 140), List.of(), List.of(),
                dev.llmedt.data.ReadReport.empty());
        writeInputs(spark, dir, data.train());
        ItemEmbeddings embeddings = ItemEmbeddings.encode(DATA.items(), new HashingEncoder(DIM), ItemTextTemplate.titles(),
                ProgressListener.none());
        AugmentedData expected;
        try (TextGenerator client = oneMachineClient()) {
            expected = TransferableItemAugmenter.builder().similarityThreshold(0.1).clusters(3).maxInsertionsPerUser(3).seed(6)
                    .generator(client, new HashingEncoder(DIM)).build().augment(data, embeddings);
        }
        AugmentationReport e = expected.report();
        assertTrue(e.insertions() > 20 && e.generatorFailures() > 2 && e.unparsableAnswers() > 2, e.toMap().toString());

        String out = dir.resolve("augmented").toString();
        AugmentationReport actual = AugmentJob.submit(args(new String[] {"--items", dir.resolve("items").toString(), "--vectors",
            dir.resolve("vectors").toString(), "--train", dir.resolve("train").toString(), "--out", out, "--tau", "0.1", "--clusters", "3",
            "--max-insertions", "3", "--seed", "6", "--batch", "37", "--encoder-factory", Hashing48.class.getName()}, generatorOptions()), () -> spark);
        JobsMatchOneMachineTest.assertSameReport(e, actual);

        List<Row> rows = new ArrayList<>(spark.read().parquet(out).collectAsList());
        rows.sort(Comparator.comparingInt((Row r) -> r.getInt(0)));
        List<Insertion> insertions = new ArrayList<>();
        for (Row r : rows) {
            assertEquals(expected.sequences().get(r.getInt(0)).items(),
                    History.of(r.<Integer>getList(3).stream().mapToInt(Integer::intValue).toArray()));
            for (Row in : r.<Row>getList(6)) {
                insertions.add(new Insertion(r.getString(1), r.getString(2), in.getInt(0), in.getInt(1), in.getInt(2), in.getFloat(3),
                        in.getFloat(4), in.getInt(5)));
            }
            assertEquals(new HashingEncoder(DIM).modelId(), r.getAs("embeddings_model_id"));
            assertEquals(oneMachineClient().modelId(), r.getAs("generator_model_id"));
        }
        assertEquals(expected.insertions(), insertions);

        JsonNode json = new ObjectMapper().readTree(Files.readString(dir.resolve("augmented").resolve(AugmentJob.REPORT_FILE)));
        assertEquals(new HashingEncoder(DIM).modelId(), json.get("embeddings_model_id").asText());
        assertEquals(e.generatorFailures(), json.at("/generator/failures").asLong());
        assertEquals(e.insertions(), json.get("insertions").asLong());
        assertEquals(e.meanSimilarity(), json.get("mean_similarity").asDouble());
    }

    @Test
    void profileMainWithTheEndpointGivesTheOneMachineProfiles(@TempDir Path dir) throws Exception {
        SparkSession spark = SparkTestSession.get();
        List<UserSequence> users = DATA.train().subList(0, 40);
        writeInputs(spark, dir, users);
        ItemEmbeddings embeddings = ItemEmbeddings.encode(DATA.items(), new HashingEncoder(DIM), ItemTextTemplate.titles(),
                ProgressListener.none());
        List<History> visible = new ArrayList<>();
        for (UserSequence s : users) {
            visible.add(s.items());
        }
        UserProfiles expected;
        try (TextGenerator client = oneMachineClient()) {
            expected = DomainAwareProfiler.builder().clusters(2).seed(8).generator(client).build().profile(DATA.items(), embeddings, visible,
                    ProgressListener.none());
        }
        assertTrue(expected.report().generatorFailures() > 2, expected.report().toString());

        String histories = dir.resolve("histories").toString();
        spark.read().parquet(dir.resolve("train").toString()).drop("user_index").write().parquet(histories);
        String out = dir.resolve("profiles").toString();
        ProfileJob.submit(args(new String[] {"--items", dir.resolve("items").toString(), "--vectors", dir.resolve("vectors").toString(),
            "--histories", histories, "--out", out, "--clusters", "2", "--seed", "8", "--batch", "23"}, generatorOptions()), () -> spark);
        Map<String, String> actual = new HashMap<>();
        for (Row r : spark.read().parquet(out).collectAsList()) {
            actual.put(r.getString(0) + "/" + r.getString(1), r.getString(2));
            assertEquals(oneMachineClient().modelId(), r.getAs("generator_model_id"));
        }
        assertEquals(users.size(), actual.size());
        for (int u = 0; u < users.size(); u++) {
            assertEquals(expected.text(u), actual.get(users.get(u).source() + "/" + users.get(u).user()), "user " + u);
        }
    }
}
