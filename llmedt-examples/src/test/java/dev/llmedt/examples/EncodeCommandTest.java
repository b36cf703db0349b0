package dev.llmedt.examples;

import static dev.llmedt.examples.CliRunner.json;
import static dev.llmedt.examples.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmedt.text.ItemEmbeddings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code llmedt encode} end to end on the synthetic data with the embedded encoder and a cache. */
class EncodeCommandTest {



    @Test
    void encodesEveryItemAndASecondRunIsServedFromTheCache(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("syn");
        assertEquals(0, run("generate-synthetic", "--out", data.toString(), "--seed", "5").status());
        Path out = dir.resolve("items.f32");
        Path cache = dir.resolve("cache");
        String[] args = {"encode", "--data", data.toString(), "--out", out.toString(), "--cache", cache.toString(), "--json"};
        CliRunner.Result first = run(args);
        assertEquals(0, first.status(), first.err());
        JsonNode a = new ObjectMapper().readTree(first.out());
        int items = a.get("items").asInt();
        assertEquals(384, items);
        assertEquals(384, a.get("dim").asInt());
        assertEquals(0, a.get("cache_hits").asInt());
        int distinct = a.get("cache_misses").asInt();
        assertTrue(distinct > 0 && distinct <= items - a.get("items_without_text").asInt(), first.out());
        assertTrue(a.get("seconds").asDouble() > 0 && a.get("items_per_second").asDouble() > 0);
        assertEquals((long) items * 384 * 4, Files.size(out));
        assertTrue(a.get("model_id").asText().startsWith("all-MiniLM-L6-v2@sha256:"));

        CliRunner.Result second = run(args);
        assertEquals(0, second.status(), second.err());
        JsonNode b = new ObjectMapper().readTree(second.out());
        assertEquals(distinct, b.get("cache_hits").asInt(), "every text comes from the cache");
        assertEquals(0, b.get("cache_misses").asInt());
        ItemEmbeddings written = ItemEmbeddings.read(out);
        assertEquals(items, written.rows());
        assertEquals("{title}", written.template());

        CliRunner.Result human = run("encode", "--data", data.toString(), "--out", dir.resolve("again.f32").toString(), "--cache", cache.toString());
        assertEquals(0, human.status(), human.err());
        assertTrue(human.out().contains("encoded 384 items") && human.out().contains(distinct + " hits"), human.out());
    }

    @Test
    void badEncoderOptionsGiveClearErrors(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("syn");
        assertEquals(0, run("generate-synthetic", "--out", data.toString()).status());
        Path out = dir.resolve("x.f32");
        CliRunner.Result missing = run("encode", "--data", data.toString(), "--out", out.toString(), "--encoder", dir.resolve("no-model").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("no-model"), missing.err());
        CliRunner.Result url = run("encode", "--data", data.toString(), "--out", out.toString(), "--encoder", "http://127.0.0.1:9/v1");
        assertTrue(url.status() != 0 && url.err().contains("--encoder-model"), url.err());
        CliRunner.Result template = run("encode", "--data", data.toString(), "--out", out.toString(), "--template", "{title");
        assertTrue(template.status() != 0 && template.err().contains("never closed"), template.err());
    }
}
