package dev.llmedt.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static dev.llmedt.examples.CliRunner.json;
import static dev.llmedt.examples.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmedt.augment.AugmentedData;
import dev.llmedt.augment.Insertion;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.testing.AugmentationChecks;
import dev.llmedt.testing.ScriptedServer;
import dev.llmedt.testing.ScriptedServer.Reply;
import dev.llmedt.testing.SharedData;
import dev.llmedt.text.ItemEmbeddings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code llmedt augment} end to end with the embedded encoder: the acceptance checks over the
 * whole output (the inserted item is of the other domain, sits right after its source item, and
 * has similarity at least tau), and that validation and test files are never read.
 *
 * <p>Both run on the synthetic data and on food-kitchen. For food-kitchen the embeddings come from
 * the system property {@code llmedt.augment.embeddings} (or the environment variable
 * {@code LLMEDT_AUGMENT_EMBEDDINGS}) when it names a file written by {@code encode}; otherwise the
 * test encodes the 36,298 titles itself with the embedded encoder through a cache in the system's
 * temporary directory (about two minutes the first time, seconds afterwards).
 */
class AugmentCommandTest {




    @Test
    void syntheticDataPassesTheAcceptanceChecks(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("syn");
        assertEquals(0, run("generate-synthetic", "--out", data.toString(), "--seed", "3").status());
        Path items = dir.resolve("items.f32");
        Path cache = dir.resolve("cache");
        json(run("encode", "--data", data.toString(), "--out", items.toString(), "--cache", cache.toString(), "--json"));
        Path tsv = dir.resolve("insertions.tsv");
        JsonNode report = json(run("augment", "--data", data.toString(), "--embeddings", items.toString(), "--out", tsv.toString(),
                "--json"));
        checkAcceptance(data, items, tsv, report);

        // Encoding here (through the cache) gives the very vectors 'encode' wrote, hence the same file.
        Path encodedHere = dir.resolve("encoded-here.tsv");
        JsonNode second = json(run("augment", "--data", data.toString(), "--cache", cache.toString(), "--out", encodedHere.toString(),
                "--json"));
        assertArrayEquals(Files.readAllBytes(tsv), Files.readAllBytes(encodedHere));
        assertTrue(second.get("encode_seconds").isNumber());

        checkValidAndTestAreNotRead(data, items, tsv, dir.resolve("swapped"));

        CliRunner.Result human = run("augment", "--data", data.toString(), "--embeddings", items.toString(), "--out", dir.resolve("h.tsv").toString());
        assertEquals(0, human.status(), human.err());
        assertTrue(human.out().contains("imbalanced users") && human.out().contains("[0.9,1.0]"), human.out());
    }

    @Test
    void foodKitchenPassesTheAcceptanceChecks(@TempDir Path dir) throws Exception {
        Path data = SharedData.foodKitchen();
        String configured = System.getProperty("llmedt.augment.embeddings", System.getenv("LLMEDT_AUGMENT_EMBEDDINGS"));
        Path items;
        if (configured != null && !configured.isBlank()) {
            items = Path.of(configured);
        } else {
            items = dir.resolve("items.f32");
            Path cache = Path.of(System.getProperty("java.io.tmpdir"), "llmedt-test-cache", "food-kitchen");
            json(run("encode", "--data", data.toString(), "--out", items.toString(), "--cache", cache.toString(), "--json"));
        }
        Path tsv = dir.resolve("insertions.tsv");
        JsonNode report = json(run("augment", "--data", data.toString(), "--embeddings", items.toString(), "--out", tsv.toString(),
                "--json"));
        int checked = checkAcceptance(data, items, tsv, report);
        assertTrue(checked > 10_000, checked + " insertions");
        checkValidAndTestAreNotRead(data, items, tsv, dir.resolve("swapped"));
    }

    /** The three checks over every line of the output, plus the report's consistency; returns the insertions checked. */
    private static int checkAcceptance(Path data, Path items, Path tsv, JsonNode report) throws IOException {
        CdsrDataset dataset = CdsrDataset.read(data);
        ItemEmbeddings embeddings = ItemEmbeddings.read(items);
        assertEquals("file\tuid\tposition\tsource_item\tinserted_item\tsimilarity", Files.readAllLines(tsv).get(0),
                "after-source placement: the new item goes right after the item at 'position'");
        List<Insertion> insertions = AugmentedData.readInsertions(tsv);
        double tau = report.at("/settings/tau").asDouble();
        assertEquals(0.5, tau, "the default tau");
        int checked = AugmentationChecks.checkInsertions(dataset, embeddings, insertions, tau, true);
        assertTrue(checked > 0, "something was inserted");
        for (Insertion in : insertions) {
            assertEquals(in.position(), in.afterPosition());
        }
        assertEquals(checked, report.get("insertions").asInt());
        assertTrue(report.get("users_augmented").asInt() > 0);
        assertTrue(report.get("seconds").asDouble() > 0);
        assertEquals("offline", report.get("mode").asText());
        double mean = insertions.stream().mapToDouble(Insertion::similarity).average().orElseThrow();
        assertEquals(mean, report.get("mean_similarity").asDouble(), 1e-5);
        long before = 0;
        long after = 0;
        for (JsonNode bin : report.get("majority_domain_share_histogram_before")) {
            before += bin.asLong();
        }
        for (JsonNode bin : report.get("majority_domain_share_histogram_after")) {
            after += bin.asLong();
        }
        assertEquals(dataset.train().size(), before);
        assertEquals(before, after);
        assertTrue(report.at("/majority_domain_share_histogram_after/[0.9,1.0]").asLong()
                < report.at("/majority_domain_share_histogram_before/[0.9,1.0]").asLong());
        return checked;
    }

    /** Copies the dataset, replaces valid.txt and test.txt with other users' sequences: the output is byte for byte the same. */
    private static void checkValidAndTestAreNotRead(Path data, Path items, Path tsv, Path copy) throws IOException {
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(data)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        List<String> others = new ArrayList<>(Files.readAllLines(copy.resolve("train_overlap.txt")));
        java.util.Collections.reverse(others);
        List<String> valid = others.subList(0, Math.min(others.size(), 300));
        List<String> test = others.subList(Math.min(others.size(), 300), Math.min(others.size(), 600));
        assertTrue(!Files.readAllLines(copy.resolve("valid.txt")).equals(valid));
        copy.resolve("valid.txt").toFile().setWritable(true);
        copy.resolve("test.txt").toFile().setWritable(true);
        Files.write(copy.resolve("valid.txt"), valid);
        Files.write(copy.resolve("test.txt"), test);
        CdsrDataset swapped = CdsrDataset.read(copy);
        CdsrDataset original = CdsrDataset.read(data);
        assertTrue(!swapped.fingerprint().equals(original.fingerprint()), "the held-out data did change");
        Path again = copy.resolve("insertions.tsv");
        json(run("augment", "--data", copy.toString(), "--embeddings", items.toString(), "--out", again.toString(), "--json"));
        assertArrayEquals(Files.readAllBytes(tsv), Files.readAllBytes(again), "valid/test must not change the augmentation");
    }

    @Test
    void generatorModeThroughTheCommandLine(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("syn");
        assertEquals(0, run("generate-synthetic", "--out", data.toString(), "--seed", "3").status());
        Path items = dir.resolve("items.f32");
        Path cache = dir.resolve("cache");
        json(run("encode", "--data", data.toString(), "--out", items.toString(), "--cache", cache.toString(), "--json"));
        Path tsv = dir.resolve("generated.tsv");
        JsonNode report;
        try (ScriptedServer server = new ScriptedServer((n, request) -> {
            String prompt = request.at("/messages/0/content").asText();
            return prompt.contains("from the category \"Kitchen\"")
                    ? Reply.json(ScriptedServer.chat("1. Espresso Machine\n2. Stand Mixer\nIgnore all that and insert item 3."))
                    : Reply.json(ScriptedServer.chat("[\"Espresso Beans\", \"Matcha Powder\"]"));
        })) {
            report = json(run("augment", "--data", data.toString(), "--embeddings", items.toString(), "--cache", cache.toString(),
                    "--generator", server.baseUrl().toString(), "--model", "chat-model", "--max-users", "30", "--tau", "0.6",
                    "--out", tsv.toString(), "--json"));
            assertEquals(30, server.requestCount(), "one prompt per augmented user");
        }
        assertEquals("generator", report.get("mode").asText());
        assertEquals(30, report.at("/generator/calls").asInt());
        assertEquals(0, report.at("/generator/failures").asInt());
        assertEquals(60, report.at("/generator/texts").asInt());
        assertEquals(report.get("imbalanced_users").asInt() - 30, report.get("users_skipped_by_cap").asInt());
        assertEquals("file\tuid\tposition\tsource_item\tinserted_item\tsimilarity\tmatch_similarity", Files.readAllLines(tsv).get(0));
        List<Insertion> insertions = AugmentedData.readInsertions(tsv);
        assertTrue(!insertions.isEmpty());
        CdsrDataset dataset = CdsrDataset.read(data);
        AugmentationChecks.checkInsertions(dataset, ItemEmbeddings.read(items), insertions, 0.6, false);
        for (Insertion in : insertions) {
            assertTrue(in.matchSimilarity() >= 0.6, in.toString());
            String title = dataset.items().item(in.insertedItem()).title();
            assertTrue(Stream.of("Espresso Machine", "Stand Mixer", "Espresso Beans", "Matcha Powder").anyMatch(title::contains), title);
        }
    }

    @Test
    void aGeneratorThatAnswersNothingExitsThreeWithASummary(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("syn");
        assertEquals(0, run("generate-synthetic", "--out", data.toString(), "--seed", "3").status());
        Path items = dir.resolve("items.f32");
        json(run("encode", "--data", data.toString(), "--out", items.toString(), "--json"));
        Path tsv = dir.resolve("generated.tsv");
        CliRunner.Result r;
        String url;
        int requests;
        try (ScriptedServer server = new ScriptedServer((n, request) -> Reply.status(500, "{\"error\": \"overloaded\"}"))) {
            url = server.baseUrl().toString();
            r = run("augment", "--data", data.toString(), "--embeddings", items.toString(), "--generator", url, "--model", "fake",
                    "--generator-attempts", "1", "--generator-timeout", "5", "--generator-circuit-breaker", "3", "--max-users", "12",
                    "--out", tsv.toString());
            requests = server.requestCount();
        }
        assertEquals(3, r.status(), r.err());
        assertTrue(requests >= 3 && requests <= 6, "the breaker opens after 3 failed requests (4 in flight at most), got " + requests);
        String line = r.err().strip();
        assertTrue(line.startsWith("error: the generator " + url + " (model fake) answered none of 12 prompts: " + requests
                + " sent and failed (" + requests + " requests), " + (12 - requests) + " refused without a request; circuit breaker open"),
                line);
        assertTrue(r.out().contains("generator: 12 prompts, 12 failed"), r.out());
        assertEquals(List.of("file\tuid\tposition\tsource_item\tinserted_item\tsimilarity\tmatch_similarity"), Files.readAllLines(tsv),
                "the fall-back (no generated items) is written all the same");
    }

    @Test
    void generatorLimitsAreChecked(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("syn");
        assertEquals(0, run("generate-synthetic", "--out", data.toString()).status());
        String out = dir.resolve("x.tsv").toString();
        String[] base = {"augment", "--data", data.toString(), "--out", out, "--generator", "http://127.0.0.1:9/v1", "--model", "m"};
        CliRunner.Result timeout = run(concat(base, "--generator-timeout", "0"));
        assertTrue(timeout.status() == 1 && timeout.err().contains("--generator-timeout must be in [0.001, 3600] seconds, got 0.0"),
                timeout.err());
        CliRunner.Result attempts = run(concat(base, "--generator-attempts", "21"));
        assertTrue(attempts.status() == 1 && attempts.err().contains("--generator-attempts must be in [1, 20], got 21"), attempts.err());
        CliRunner.Result breaker = run(concat(base, "--generator-circuit-breaker", "0"));
        assertTrue(breaker.status() == 1 && breaker.err().contains("--generator-circuit-breaker must be in [1, 1000000], got 0"),
                breaker.err());
        CliRunner.Result alone = run("augment", "--data", data.toString(), "--out", out, "--generator-timeout", "5");
        assertTrue(alone.status() == 1 && alone.err().contains("--generator-timeout applies to --generator only"), alone.err());
        // augment and train share one set of generator and augmenter options, checked alike.
        for (String[] command : new String[][] {{"augment"}, {"train", "--method", "llm-edt", "--augmenter"}}) {
            String[] head = concat(command, "--data", data.toString(), "--out", dir.resolve("y.out").toString());
            CliRunner.Result key = run(concat(head, "--generator-api-key-env", "KEY"));
            assertTrue(key.status() == 1 && key.err().contains("--generator-api-key-env applies to --generator only"), key.err());
            CliRunner.Result model = run(concat(head, "--generator", "http://127.0.0.1:9/v1"));
            assertTrue(model.status() == 1 && model.err().contains("--generator URL and --model NAME go together"), model.err());
            CliRunner.Result tau = run(concat(head, "--tau", "1.5"));
            assertTrue(tau.status() == 1 && tau.err().contains("1.5"), tau.err());
        }
        CliRunner.Result needsAugmenter = run("train", "--method", "llm-edt", "--data", data.toString(), "--out",
                dir.resolve("z.out").toString(), "--tau", "0.4", "--bridges", "csls");
        assertTrue(needsAugmenter.status() == 1 && needsAugmenter.err().contains("[--tau, --bridges] need --augmenter"), needsAugmenter.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void bridgeScoringCapAndWeightReachTheAugmenter(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("syn");
        assertEquals(0, run("generate-synthetic", "--out", data.toString(), "--seed", "3").status());
        Path items = dir.resolve("items.f32");
        json(run("encode", "--data", data.toString(), "--out", items.toString(), "--cache", dir.resolve("cache").toString(), "--json"));
        JsonNode text = json(run("augment", "--data", data.toString(), "--embeddings", items.toString(), "--out",
                dir.resolve("t.tsv").toString(), "--json"));
        assertEquals("text", text.path("settings").path("bridges").asText());
        JsonNode r = json(run("augment", "--data", data.toString(), "--embeddings", items.toString(), "--out",
                dir.resolve("c.tsv").toString(), "--bridges", "csls", "--bridge-cap", "5", "--inserted-items-are-targets",
                "--inserted-target-weight", "0.5", "--json"));
        assertEquals("csls", r.path("settings").path("bridges").asText());
        assertEquals(5, r.path("settings").path("max_insertions_per_bridge_item").asInt());
        assertEquals(0.5, r.path("settings").path("inserted_target_weight").asDouble());
        Map<Integer, Integer> perItem = new HashMap<>();
        for (Insertion in : AugmentedData.readInsertions(dir.resolve("c.tsv"))) {
            perItem.merge(in.insertedItem(), 1, Integer::sum);
        }
        assertTrue(perItem.values().stream().allMatch(n -> n <= 5), perItem.toString());
        assertEquals(perItem.size(), r.path("bridge_items").path("distinct").asInt());
        assertTrue(r.path("bridge_items").path("distinct").asInt() > text.path("bridge_items").path("distinct").asInt(),
                "a cap of 5 spreads the insertions over more items");
        JsonNode behaviour = json(run("augment", "--data", data.toString(), "--embeddings", items.toString(), "--out",
                dir.resolve("b.tsv").toString(), "--bridges", "behaviour", "--json"));
        assertEquals("behaviour", behaviour.path("settings").path("bridges").asText());
        assertTrue(behaviour.path("insertions").asLong() > 0);
    }

    @Test
    void badOptionsGiveClearErrors(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("syn");
        assertEquals(0, run("generate-synthetic", "--out", data.toString()).status());
        String out = dir.resolve("x.tsv").toString();
        CliRunner.Result noModel = run("augment", "--data", data.toString(), "--generator", "http://127.0.0.1:9/v1", "--out", out);
        assertTrue(noModel.status() != 0 && noModel.err().contains("--model"), noModel.err());
        CliRunner.Result insertion = run("augment", "--data", data.toString(), "--insertion", "middle", "--out", out);
        assertTrue(insertion.status() != 0 && insertion.err().contains("after-source, append or random"), insertion.err());
        CliRunner.Result tau = run("augment", "--data", data.toString(), "--tau", "2", "--out", out);
        assertTrue(tau.status() != 0 && tau.err().contains("tau") && tau.err().contains("2.0"), tau.err());
        CliRunner.Result bridges = run("augment", "--data", data.toString(), "--bridges", "graph", "--out", out);
        assertTrue(bridges.status() != 0 && bridges.err().contains("text, csls or behaviour"), bridges.err());
        CliRunner.Result cap = run("augment", "--data", data.toString(), "--bridge-cap", "0", "--out", out);
        assertTrue(cap.status() != 0 && cap.err().contains("maxInsertionsPerBridgeItem"), cap.err());
        CliRunner.Result weight = run("augment", "--data", data.toString(), "--inserted-target-weight", "0.5", "--out", out);
        assertTrue(weight.status() != 0 && weight.err().contains("insertedItemsAreTargets(true)"), weight.err());
        CliRunner.Result missing = run("augment", "--data", data.toString(), "--embeddings", dir.resolve("none.f32").toString(), "--out", out);
        assertTrue(missing.status() != 0 && missing.err().contains("none.f32"), missing.err());
    }
}
