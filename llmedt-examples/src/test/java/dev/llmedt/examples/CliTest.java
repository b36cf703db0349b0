package dev.llmedt.examples;

import static dev.llmedt.examples.CliRunner.json;
import static dev.llmedt.examples.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmedt.model.ModelFile;
import dev.llmedt.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end: exit codes, JSON fields and figures. */
class CliTest {



    @Test
    void generatedDatasetHasStats(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("syn");
        assertEquals(0, run("generate-synthetic", "--out", data.toString(), "--seed", "5").status());
        CliRunner.Result r = run("stats", "--data", data.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(192, json.at("/domains/Food/items").asInt());
        assertEquals(192, json.at("/domains/Kitchen/items").asInt());
        assertEquals(200, json.at("/files/test.txt/sequences").asInt());
        long users = 0;
        for (JsonNode bin : json.get("majority_domain_share_histogram")) {
            users += bin.asLong();
        }
        assertEquals(2300, users);
    }

    @Test
    void themedDatasetIsWrittenAsTheQuickstartGeneratesIt(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("themed");
        CliRunner.Result r = run("generate-synthetic", "--themed", "--out", data.toString(), "--seed", "7");
        assertEquals(0, r.status(), r.err());
        dev.llmedt.data.CdsrDataset expected = dev.llmedt.data.SyntheticDataset.themed(7);
        dev.llmedt.data.CdsrDataset read = dev.llmedt.data.CdsrDataset.read(data);
        assertEquals(expected.items().size(), read.items().size());
        assertEquals(528, read.items().size());
        for (int id = 0; id < expected.items().size(); id++) {
            assertEquals(expected.items().item(id).text(), read.items().item(id).text(), "item " + id);
        }
        // The layout groups sequences by file, so compare them by user.
        assertEquals(byUser(expected.train()), byUser(read.train()));
        for (dev.llmedt.data.Split split : dev.llmedt.data.Split.values()) {
            List<dev.llmedt.data.EvaluationCase> e = expected.cases(split);
            List<dev.llmedt.data.EvaluationCase> a = read.cases(split);
            assertEquals(e.size(), a.size(), split.name());
            for (int i = 0; i < e.size(); i++) {
                assertEquals(e.get(i).target(), a.get(i).target(), split + " case " + i);
                assertArrayEquals(e.get(i).input().toArray(), a.get(i).input().toArray(), split + " case " + i);
            }
        }
        assertNotEquals(dev.llmedt.data.SyntheticDataset.generate(7).items().size(), read.items().size(), "not the plain generator");
    }

    private static java.util.Map<String, List<Integer>> byUser(List<dev.llmedt.data.UserSequence> sequences) {
        java.util.Map<String, List<Integer>> map = new java.util.TreeMap<>();
        for (dev.llmedt.data.UserSequence s : sequences) {
            List<Integer> items = java.util.Arrays.stream(s.items().toArray()).boxed().toList();
            assertEquals(null, map.put(s.user(), items), "user " + s.user() + " once");
        }
        return map;
    }

    @Test
    void popularOnFoodKitchenJson() throws Exception {
        Path data = SharedData.foodKitchen();
        CliRunner.Result r = run("evaluate", "--method", "popular", "--data", data.toString(), "--split", "test", "--protocol", "full", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("full", json.at("/protocol/name").asText());
        assertEquals(937, json.at("/all/n").asInt());
        assertEquals(0.003202, json.at("/all/HR@10").asDouble(), 1e-6);
        assertEquals(0.001817, json.at("/all/NDCG@10").asDouble(), 1e-6);
        assertEquals(0.002921, json.at("/all/MRR").asDouble(), 1e-6);
        for (String group : new String[] {"/domains/A", "/domains/B", "/slices/0", "/slices/1-2", "/slices/3+"}) {
            for (String key : new String[] {"n", "HR@1", "HR@5", "HR@10", "NDCG@5", "NDCG@10", "MRR"}) {
                assertTrue(json.at(group + "/" + key).isNumber(), group + "/" + key);
            }
        }
        CliRunner.Result sampled = run("evaluate", "--data", data.toString(), "--protocol", "sampled-100", "--json");
        JsonNode s = new ObjectMapper().readTree(sampled.out());
        assertEquals("sampled-100", s.at("/protocol/name").asText());
        assertNotEquals(json.at("/all/NDCG@10").asDouble(), s.at("/all/NDCG@10").asDouble());
    }

    @Test
    void badInputGivesAClearErrorAndNonZeroStatus(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("num.txt"), "3\nlots\n");
        CliRunner.Result r = run("stats", "--data", dir.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("num.txt:2") && r.err().contains("lots"), r.err());
        CliRunner.Result p = run("evaluate", "--data", dir.toString(), "--protocol", "sampled");
        assertTrue(p.status() != 0 && p.err().contains("sampled-N"), p.err());
    }

    @Test
    void quickstartRefusesBadOptionsBeforeWorking() {
        // The run itself is QuickstartCommandTest's.
        CliRunner.Result size = run("quickstart", "--size", "huge");
        assertTrue(size.status() != 0 && size.err().contains("--size must be default or small, got 'huge'"), size.err());
        CliRunner.Result epochs = run("quickstart", "--max-epochs", "2,3,4");
        assertTrue(epochs.status() != 0 && epochs.err().contains("--max-epochs takes N or N,N2"), epochs.err());
    }

    @Test
    void trainWritesAModelThatEvaluateReads(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("syn");
        assertEquals(0, run("generate-synthetic", "--out", data.toString(), "--seed", "5").status());
        Path model = dir.resolve("m.llmedt");
        CliRunner.Result t = run("train", "--data", data.toString(), "--out", model.toString(), "--max-epochs", "2", "--dim", "16",
                "--threads", "2", "--json");
        assertEquals(0, t.status(), t.err());
        JsonNode summary = new ObjectMapper().readTree(t.out());
        assertEquals(2, summary.get("epochs").asInt());
        assertTrue(summary.get("seconds_per_epoch").asDouble() > 0 && summary.get("sequences_per_second").asDouble() > 0);
        CliRunner.Result e = run("evaluate", "--model", model.toString(), "--data", data.toString(), "--split", "test", "--json");
        assertEquals(0, e.status(), e.err());
        JsonNode report = new ObjectMapper().readTree(e.out());
        assertEquals(200, report.at("/all/n").asInt());
        assertTrue(report.at("/all/NDCG@10").asDouble() > 0);
        CliRunner.Result bad = run("evaluate", "--model", dir.resolve("none.llmedt").toString(), "--data", data.toString());
        assertTrue(bad.status() != 0 && bad.err().contains("none.llmedt"), bad.err());

        // Same domains and item counts, other interactions: refused unless asked.
        Path other = dir.resolve("other");
        assertEquals(0, run("generate-synthetic", "--out", other.toString(), "--seed", "6").status());
        CliRunner.Result refused = run("evaluate", "--model", model.toString(), "--data", other.toString(), "--split", "test");
        assertTrue(refused.status() != 0 && refused.err().contains("fingerprint") && refused.err().contains("--allow-other-data"),
                refused.err());
        CliRunner.Result allowed = run("evaluate", "--model", model.toString(), "--data", other.toString(), "--split", "test",
                "--allow-other-data", "--json");
        assertEquals(0, allowed.status(), allowed.err());
    }

    @Test
    void trainWithCheckpointsResumesAndRefusesAnotherRun(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("syn");
        assertEquals(0, run("generate-synthetic", "--out", data.toString(), "--seed", "5").status());
        Path checkpoints = dir.resolve("checkpoints");
        String[] command = {"train", "--data", data.toString(), "--max-epochs", "2", "--dim", "16", "--threads", "2", "--checkpoints",
            checkpoints.toString(), "--checkpoint-every", "3", "--json"};
        CliRunner.Result first = run(with(command, "--out", dir.resolve("first.model").toString()));
        assertEquals(0, first.status(), first.err());
        assertTrue(Files.exists(checkpoints.resolve("sasrec.ckpt")));
        CliRunner.Result again = run(with(command, "--out", dir.resolve("again.model").toString()));
        assertEquals(0, again.status(), again.err());
        ModelFile.Contents a = ModelFile.read(dir.resolve("first.model"));
        ModelFile.Contents b = ModelFile.read(dir.resolve("again.model"));
        for (String name : a.tensors().keySet()) {
            assertArrayEquals(a.tensor(name).data(), b.tensor(name).data(), "the finished checkpoint gives the same model: " + name);
        }
        CliRunner.Result otherSeed = run(with(command, "--out", dir.resolve("other.model").toString(), "--seed", "6"));
        assertTrue(otherSeed.status() != 0 && otherSeed.err().contains("sasrec.ckpt") && otherSeed.err().contains("the seed differs"),
                otherSeed.err());
        CliRunner.Result alone = run("train", "--data", data.toString(), "--out", dir.resolve("x.model").toString(), "--checkpoint-every",
                "5");
        assertTrue(alone.status() != 0 && alone.err().contains("--checkpoint-every needs --checkpoints"), alone.err());
    }

    private static String[] with(String[] base, String... extra) {
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void amazonDumpsAreReadWithKCore(@TempDir Path dir) throws Exception {
        StringBuilder food = new StringBuilder();
        StringBuilder kitchen = new StringBuilder();
        for (int u = 0; u < 4; u++) {
            for (int i = 0; i < 3; i++) {
                food.append("{\"reviewerID\": \"u").append(u).append("\", \"asin\": \"F").append(i)
                        .append("\", \"unixReviewTime\": ").append(100 + 10 * i + u).append("}\n");
            }
            kitchen.append("{\"reviewerID\": \"u").append(u).append("\", \"asin\": \"K0\", \"unixReviewTime\": 500}\n");
        }
        kitchen.append("{\"reviewerID\": \"lonely\", \"asin\": \"K9\", \"unixReviewTime\": 7}\n");
        Files.writeString(dir.resolve("food.json"), food);
        Files.writeString(dir.resolve("kitchen.json"), kitchen);
        Files.writeString(dir.resolve("food-meta.json"), "{\"asin\": \"F0\", \"title\": \"Tea\"}\n");
        Files.writeString(dir.resolve("kitchen-meta.json"), "{\"asin\": \"K0\", \"title\": \"Kettle\"}\n");
        CliRunner.Result r = run("stats", "--json", "--amazon", "Food=" + dir.resolve("food.json") + "," + dir.resolve("food-meta.json"),
                "--amazon", "Kitchen=" + dir.resolve("kitchen.json") + "," + dir.resolve("kitchen-meta.json"), "--k-core", "2,2");
        assertEquals(0, r.status(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(3, json.at("/domains/Food/items").asInt());
        assertEquals(1, json.at("/domains/Kitchen/items").asInt(), "the k-core drops the lonely user's item");
        CliRunner.Result bad = run("stats", "--amazon", "Food=only-one-file.json");
        assertTrue(bad.status() != 0 && bad.err().contains("NAME=REVIEWS,META"), bad.err());
    }
}
