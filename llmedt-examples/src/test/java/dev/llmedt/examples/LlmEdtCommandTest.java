package dev.llmedt.examples;

import static dev.llmedt.examples.CliRunner.json;
import static dev.llmedt.examples.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.model.ModelFile;
import dev.llmedt.text.ItemEmbeddings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --method llm-edt}, {@code evaluate} and {@code compare} on synthetic data with the embedded encoder. */
class LlmEdtCommandTest {

    @TempDir
    static Path dir;
    private static Path data;
    private static Path embeddings;
    private static Path cache;

    @BeforeAll
    static void encode() throws Exception {
        data = dir.resolve("syn");
        cache = dir.resolve("cache");
        assertEquals(0, run("generate-synthetic", "--out", data.toString(), "--seed", "5").status());
        embeddings = dir.resolve("items.f32");
        json(run("encode", "--data", data.toString(), "--out", embeddings.toString(), "--cache", cache.toString(), "--json"));
    }

    private static String[] train(String... extra) {
        return trainWith(embeddings, extra);
    }

    private static String[] trainWith(Path itemEmbeddings, String... extra) {
        String[] base = {"train", "--method", "llm-edt", "--data", data.toString(), "--embeddings", itemEmbeddings.toString(), "--cache",
            cache.toString(), "--dim", "32", "--max-epochs", "3,2", "--threads", "2", "--json"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void trainsEvaluatesAndComparesWithSasRec() throws Exception {
        Path model = dir.resolve("llm-edt.model");
        JsonNode t = json(run(train("--out", model.toString(), "--augmenter", "--profiles")));
        assertEquals("llm-edt", t.path("method").asText());
        assertEquals(0.5, t.at("/config/fine_tuning/alignment_weight").asDouble(), "--profiles: the reference's beta");
        assertEquals("hybrid", t.at("/config/backbone/item_representation").asText());
        assertEquals(3, t.at("/phase_1/epochs").asInt());
        assertEquals(2, t.at("/phase_2/epochs").asInt());
        assertTrue(t.at("/augmentation/insertions").asLong() > 0, "bridges on the synthetic themes: " + t.path("augmentation"));
        assertEquals(600 + 1200 + 500, t.at("/profiles/users").asLong(), "every training user is profiled");
        assertTrue(t.at("/phase_2/best_valid_ndcg10").isNumber() && t.path("best_valid_ndcg10").asDouble() > 0);
        Path llmUsers = dir.resolve("llm.tsv");
        JsonNode e = json(run("evaluate", "--model", model.toString(), "--data", data.toString(), "--split", "test", "--json",
                "--per-user", llmUsers.toString()));
        assertEquals("llm-edt (llm-edt.model)", e.path("method").asText());
        assertEquals(200, e.at("/all/n").asInt());
        assertTrue(e.at("/all/NDCG@10").asDouble() > 0);
        assertEquals(201, Files.readAllLines(llmUsers).size());

        JsonNode exported = json(run("export-onnx", "--model", model.toString(), "--out", dir.resolve("llm-edt.onnx").toString(), "--json"));
        assertEquals("llm-edt", exported.path("kind").asText());

        Path sasrec = dir.resolve("sasrec.model");
        json(run("train", "--method", "sasrec", "--data", data.toString(), "--dim", "32", "--max-epochs", "3", "--out", sasrec.toString(),
                "--json"));
        Path sasrecUsers = dir.resolve("sasrec.tsv");
        json(run("evaluate", "--model", sasrec.toString(), "--data", data.toString(), "--split", "test", "--json", "--per-user",
                sasrecUsers.toString()));
        JsonNode c = json(run("compare", "--a", sasrecUsers.toString(), "--b", llmUsers.toString(), "--names", "SASRec,LLM-EDT", "--json"));
        JsonNode all = c.at("/groups/all");
        assertEquals(200, all.path("n").asInt());
        assertEquals(e.at("/all/NDCG@10").asDouble(), all.path("ndcg10_b").asDouble(), 1e-9, "compare reads the same per-user figures");
        double p = all.path("ndcg10_paired_t_p").asDouble();
        assertTrue(p >= 0 && p <= 1, "p-value " + p);
        assertTrue(c.at("/groups/domain Food/n").asInt() + c.at("/groups/domain Kitchen/n").asInt() == 200);
        CliRunner.Result self = run("compare", "--a", llmUsers.toString(), "--b", llmUsers.toString(), "--json");
        assertEquals(1.0, json(self).at("/groups/all/ndcg10_wilcoxon_p").asDouble(), "no difference: p = 1");
    }

    @Test
    void ablationSwitchesReachTheModel() throws Exception {
        JsonNode t = json(run(train("--out", dir.resolve("a.model").toString(), "--item-representation", "id", "--no-augmenter",
                "--no-fine-tuning", "--no-profiles")));
        assertEquals("id", t.at("/config/backbone/item_representation").asText());
        assertTrue(t.path("augmentation").isNull() && t.path("phase_2").isNull() && t.path("profiles").isNull(), t.toString());
        JsonNode r = json(run(train("--out", dir.resolve("r.model").toString(), "--augmenter", "--insertion", "random", "--tau", "0.3")));
        assertEquals("random", r.at("/augmentation/settings/insertion").asText(), r.path("augmentation").toString());
        JsonNode d = json(run(train("--out", dir.resolve("d.model").toString())));
        assertTrue(d.path("augmentation").isNull() && d.path("profiles").isNull(), "defaults: no augmenter, no profiles " + d);
        assertEquals(0.0, d.at("/config/fine_tuning/alignment_weight").asDouble());
        assertEquals(false, d.at("/config/fine_tuning/domain_gate").asBoolean(true));
        assertEquals(2, d.at("/phase_2/epochs").asInt(), "phase 2 runs by default");
    }

    @Test
    void checkpointsOfBothPhasesGiveTheSameModelWhenRunAgain() throws Exception {
        Path checkpoints = dir.resolve("checkpoints");
        JsonNode first = json(run(train("--out", dir.resolve("c1.model").toString(), "--checkpoints", checkpoints.toString())));
        assertTrue(Files.exists(checkpoints.resolve("phase-1.ckpt")) && Files.exists(checkpoints.resolve("phase-2.ckpt")));
        JsonNode again = json(run(train("--out", dir.resolve("c2.model").toString(), "--checkpoints", checkpoints.toString())));
        assertEquals(first.path("phase_2").path("curve"), again.path("phase_2").path("curve"), "the epochs come from the checkpoint");
        ModelFile.Contents a = ModelFile.read(dir.resolve("c1.model"));
        ModelFile.Contents b = ModelFile.read(dir.resolve("c2.model"));
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        for (String name : a.tensors().keySet()) {
            assertArrayEquals(a.tensor(name).data(), b.tensor(name).data(), name);
        }
    }

    @Test
    void badInputIsRefusedWithAClearMessage() throws Exception {
        Path model = dir.resolve("unused.model");
        ItemEmbeddings good = ItemEmbeddings.read(embeddings);
        Path fewer = dir.resolve("fewer.f32");
        ItemEmbeddings.of(java.util.Arrays.copyOf(good.toArray(), 100 * good.dimension()), 100, good.dimension(), good.modelId(),
                good.template()).write(fewer);
        CliRunner.Result r = run(trainWith(fewer, "--out", model.toString()));
        assertTrue(r.status() != 0 && r.err().contains("100 rows") && r.err().contains("384 items"), r.err());

        Path nan = dir.resolve("nan.f32");
        byte[] bytes = Files.readAllBytes(embeddings);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putFloat(7 * 4 * good.dimension() + 8, Float.NaN);
        Files.write(nan, bytes);
        ObjectNode meta = (ObjectNode) new ObjectMapper().readTree(ItemEmbeddings.sidecar(embeddings).toFile());
        meta.put("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        Files.writeString(ItemEmbeddings.sidecar(nan), meta.toString());
        r = run(trainWith(nan, "--out", model.toString()));
        assertTrue(r.status() != 0 && r.err().contains("row 7") && r.err().contains("NaN"), r.err());

        Path other = dir.resolve("other.f32");
        ItemEmbeddings.of(good.toArray(), good.rows(), good.dimension(), "some-other-encoder", good.template()).write(other);
        r = run(trainWith(other, "--out", model.toString(), "--profiles")); // profiles need the encoder that made the vectors
        assertTrue(r.status() != 0 && r.err().contains("some-other-encoder") && r.err().contains("all-MiniLM-L6-v2"), r.err());

        r = run(train("--out", model.toString(), "--domain", "Garden"));
        assertTrue(r.status() != 0 && r.err().contains("--domain"), r.err());
        r = run("train", "--method", "sasrec", "--data", data.toString(), "--out", model.toString(), "--item-representation", "llm");
        assertTrue(r.status() != 0 && r.err().contains("--item-representation") && r.err().contains("llm-edt only"), r.err());
        r = run("train", "--method", "sasrec", "--data", data.toString(), "--out", model.toString(), "--profiles", "--cache",
                dir.resolve("c").toString(), "--template", "{title}");
        assertTrue(r.status() != 0 && r.err().contains("--profiles") && r.err().contains("--cache") && r.err().contains("--template")
                && !r.err().contains("--encoder") && r.err().contains("llm-edt only"), r.err());
        r = run(train("--out", model.toString(), "--item-representation", "words"));
        assertTrue(r.status() != 0 && r.err().contains("id, llm, hybrid") && r.err().contains("words"), r.err());
        r = run(train("--out", model.toString(), "--max-epochs", "1,2,3"));
        assertTrue(r.status() != 0 && r.err().contains("N,N2"), r.err());
        r = run(train("--out", model.toString(), "--tau", "0.4"));
        assertTrue(r.status() != 0 && r.err().contains("--tau") && r.err().contains("need --augmenter"), r.err());
        r = run(train("--out", model.toString(), "--bridges", "csls"));
        assertTrue(r.status() != 0 && r.err().contains("--bridges") && r.err().contains("need --augmenter"), r.err());
        r = run(train("--out", model.toString(), "--augmenter", "--no-augmenter"));
        assertTrue(r.status() != 0 && r.err().contains("contradict"), r.err());
        r = run(train("--out", model.toString(), "--no-profiles", "--alignment-weight", "0.2"));
        assertTrue(r.status() != 0 && r.err().contains("--no-profiles contradicts"), r.err());
        r = run(train("--out", model.toString(), "--generator", "http://127.0.0.1:9/v1", "--model", "m"));
        assertTrue(r.status() != 0 && r.err().contains("--generator") && r.err().contains("both are off"), r.err());
        r = run("train", "--method", "sasrec", "--data", data.toString(), "--out", model.toString(), "--generator-attempts", "2");
        assertTrue(r.status() != 0 && r.err().contains("--generator-attempts") && r.err().contains("llm-edt only"), r.err());
        r = run(train("--out", model.toString(), "--augmenter", "--generator-timeout", "3"));
        assertTrue(r.status() == 1 && r.err().contains("--generator-timeout applies to --generator only"), r.err());
    }

    @Test
    void aGeneratorThatAnswersNothingStillWritesTheModelAndExitsThree() throws Exception {
        Path model = dir.resolve("dead-generator.model");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/v1";
        CliRunner.Result r = run(train("--out", model.toString(), "--augmenter", "--max-insertions", "2", "--generator", url,
                "--model", "m", "--generator-attempts", "1"));
        assertEquals(3, r.status(), r.err());
        assertTrue(r.err().contains("error: the generator " + url + " (model m) answered none of ") && r.err().contains("refused without a request")
                && r.err().contains("circuit breaker open"), r.err());
        assertTrue(java.nio.file.Files.size(model) > 0, "the model is written with the fall-backs");
    }
}
