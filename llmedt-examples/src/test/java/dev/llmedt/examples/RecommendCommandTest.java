package dev.llmedt.examples;

import static dev.llmedt.examples.CliRunner.json;
import static dev.llmedt.examples.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmedt.Recommender;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.LlmcdsrReader;
import dev.llmedt.data.LlmcdsrWriter;
import dev.llmedt.ScoredItem;
import dev.llmedt.onnx.OnnxExporter;
import dev.llmedt.testing.SyntheticModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code llmedt recommend}: one history with titles, and the batch TSV, from model files and from their ONNX exports. */
class RecommendCommandTest {

    @TempDir
    static Path dir;
    private static Path data;
    private static CdsrDataset dataset;

    @BeforeAll
    static void writeDataAndModels() throws Exception {
        data = dir.resolve("syn");
        LlmcdsrWriter.write(SyntheticModels.DATA, data);
        dataset = new LlmcdsrReader(data, List.of("Food", "Kitchen")).read();
        assertEquals(SyntheticModels.DATA.domains(), dataset.domains());
        SyntheticModels.sasrec().save(dir.resolve("sasrec.model"));
        OnnxExporter.export(SyntheticModels.sasrec(), dir.resolve("sasrec.onnx"));
        SyntheticModels.llmEdt().save(dir.resolve("llm-edt.model"));
        OnnxExporter.export(SyntheticModels.llmEdt(), dir.resolve("llm-edt.onnx"));
    }

    private static CliRunner.Result recommend(String... args) {
        String[] base = {"recommend", "--data", data.toString(), "--domain-names", "Food,Kitchen"};
        String[] all = new String[base.length + args.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(args, 0, all, base.length, args.length);
        return run(all);
    }

    @Test
    void oneHistoryGivesTheModelsTopItemsWithTitles() throws Exception {
        Domain kitchen = dataset.domain("Kitchen");
        History h = dataset.test().get(0).input();
        String ids = String.join(",", java.util.Arrays.stream(h.toArray()).mapToObj(Integer::toString).toList());
        List<ScoredItem> expected = SyntheticModels.llmEdt().recommend(h, kitchen, 7);
        for (String file : List.of("llm-edt.model", "llm-edt.onnx")) {
            JsonNode r = json(recommend("--model", dir.resolve(file).toString(), "--history", ids, "--domain", "kitchen", "--k", "7",
                    "--json"));
            assertEquals("Kitchen", r.path("domain").asText());
            JsonNode items = r.path("recommendations");
            assertEquals(7, items.size());
            for (int i = 0; i < 7; i++) {
                int item = items.get(i).path("item").asInt();
                assertEquals(i + 1, items.get(i).path("rank").asInt());
                assertEquals(expected.get(i).item(), item, file + " rank " + (i + 1));
                assertEquals(expected.get(i).score(), items.get(i).path("score").floatValue(), 1e-4);
                assertEquals(dataset.items().item(item).title(), items.get(i).path("title").asText());
                assertFalse(h.contains(item));
            }
        }
        CliRunner.Result human = recommend("--model", dir.resolve("sasrec.onnx").toString(), "--history", ids, "--domain", "Food");
        assertEquals(0, human.status(), human.err());
        int best = SyntheticModels.sasrec().recommend(h, dataset.domain("Food"), 1).get(0).item();
        assertTrue(human.out().contains(dataset.items().item(best).title()), human.out());
        assertEquals(11, human.out().strip().split("\n").length, "a heading and 10 items: " + human.out());
    }

    @Test
    void anEmptyHistoryIsServed() throws Exception {
        JsonNode r = json(recommend("--model", dir.resolve("sasrec.model").toString(), "--history", "", "--domain", "Food", "--k", "3",
                "--json"));
        assertEquals(3, r.path("recommendations").size());
        assertEquals(SyntheticModels.sasrec().recommend(History.empty(), dataset.domain("Food"), 1).get(0).item(),
                r.at("/recommendations/0/item").asInt());
    }

    @Test
    void badInputNamesWhatIsWrong() {
        CliRunner.Result unknown = recommend("--model", dir.resolve("sasrec.model").toString(), "--history", "1,99999", "--domain", "Food");
        assertEquals(1, unknown.status());
        assertTrue(unknown.err().contains("item 99999 at position 2"), unknown.err());
        CliRunner.Result notNumber = recommend("--model", dir.resolve("sasrec.onnx").toString(), "--history", "1,x", "--domain", "Food");
        assertTrue(notNumber.err().contains("'x' at position 2"), notNumber.err());
        CliRunner.Result domain = recommend("--model", dir.resolve("sasrec.model").toString(), "--history", "1", "--domain", "Books");
        assertTrue(domain.err().contains("domain 'Books'") && domain.err().contains("Kitchen"), domain.err());
        CliRunner.Result both = recommend("--model", dir.resolve("sasrec.model").toString(), "--history", "1", "--domain", "Food",
                "--split", "test");
        assertTrue(both.err().contains("not both"), both.err());
        CliRunner.Result corrupt = recommend("--model", data.resolve("num.txt").toString(), "--history", "1", "--domain", "Food");
        assertEquals(1, corrupt.status());
        assertTrue(corrupt.err().contains("num.txt"), corrupt.err());
    }

    @Test
    void theBatchFileIsTheSameFromTheModelAndItsExport() throws Exception {
        for (String name : List.of("sasrec", "llm-edt")) {
            Path fromJava = dir.resolve(name + "-java.tsv");
            Path fromOnnx = dir.resolve(name + "-onnx.tsv");
            JsonNode j = json(recommend("--model", dir.resolve(name + ".model").toString(), "--split", "test", "--k", "10", "--out",
                    fromJava.toString(), "--json"));
            json(recommend("--model", dir.resolve(name + ".onnx").toString(), "--split", "test", "--k", "10", "--out", fromOnnx.toString(),
                    "--threads", "2", "--json"));
            assertEquals(dataset.test().size(), j.path("users").asInt());
            List<String> lines = Files.readAllLines(fromJava);
            assertSameUpToFloatRounding(lines, Files.readAllLines(fromOnnx), name);
            assertEquals(RecommendCommand.HEADER, lines.get(0));
            assertEquals(1 + 10 * dataset.test().size(), lines.size());
            // The first user's lines are the Java model's top-10 in the target's domain.
            EvaluationCase first = dataset.test().get(0);
            Domain target = dataset.items().domainOf(first.target());
            Recommender model = name.equals("sasrec") ? SyntheticModels.sasrec() : SyntheticModels.llmEdt();
            List<ScoredItem> top = model.recommend(first.input(), target, 10);
            for (int r = 0; r < 10; r++) {
                assertEquals(String.format(Locale.ROOT, "%s\t%s\t%d\t%d\t%.4f", first.user(), target.name(), r + 1, top.get(r).item(),
                        top.get(r).score()), lines.get(1 + r));
            }
        }
    }

    @Test
    void aDataDirectoryWithReorderedItemsIsRefusedNamingBothFingerprints() throws Exception {
        // Issue 20, point 5: the same domains and sizes, two items' rows swapped; once served with the wrong titles, exit 0.
        Path reordered = dir.resolve("reordered");
        dev.llmedt.data.ItemCatalog c = dataset.items();
        List<dev.llmedt.data.Item> items = new java.util.ArrayList<>();
        for (int id = 0; id < c.size(); id++) {
            int from = id == 0 ? 1 : id == 1 ? 0 : id;
            items.add(new dev.llmedt.data.Item(id, c.item(id).domain(), c.item(from).externalId(), c.item(from).text()));
        }
        CdsrDataset swapped = new CdsrDataset(dataset.name(), new dev.llmedt.data.ItemCatalog(c.domains(), items), dataset.train(),
                dataset.valid(), dataset.test(), dataset.readReport());
        LlmcdsrWriter.write(swapped, reordered);
        String trained = c.fingerprint();
        String other = new LlmcdsrReader(reordered).read().items().fingerprint();
        assertTrue(!trained.equals(other));
        for (String model : List.of("sasrec.model", "llm-edt.model", "sasrec.onnx")) {
            CliRunner.Result r = run("recommend", "--data", reordered.toString(), "--domain-names", "Food,Kitchen", "--model",
                    dir.resolve(model).toString(), "--history", "2,3", "--domain", "Food");
            assertEquals(1, r.status(), model + ": " + r.out());
            assertTrue(r.err().contains(trained) && r.err().contains(other) && r.err().contains(model), r.err());
        }
        CliRunner.Result e = run("evaluate", "--data", reordered.toString(), "--domain-names", "Food,Kitchen", "--model",
                dir.resolve("sasrec.model").toString());
        assertEquals(1, e.status(), e.out());
        assertTrue(e.err().contains(trained) && e.err().contains(other) && e.err().contains("--allow-other-data"), e.err());
    }

    /**
     * The ONNX file has the same users, domains and ranks line by line; the same item at each rank
     * except where two items' Java scores are within 1e-4 (a near-tie float rounding may order
     * either way); and scores within 1e-4 (the last printed digit may differ when a score sits on
     * a rounding boundary).
     */
    private static void assertSameUpToFloatRounding(List<String> java, List<String> onnx, String name) {
        assertEquals(java.size(), onnx.size(), name);
        assertEquals(java.get(0), onnx.get(0));
        int identical = 0;
        for (int i = 1; i < java.size(); i++) {
            String[] a = java.get(i).split("\t");
            String[] b = onnx.get(i).split("\t");
            assertEquals(List.of(a[0], a[1], a[2]), List.of(b[0], b[1], b[2]), name + " line " + (i + 1));
            assertEquals(Float.parseFloat(a[4]), Float.parseFloat(b[4]), 1.5e-4, name + " line " + (i + 1));
            if (!a[3].equals(b[3])) {
                boolean nearTie = java.stream().skip(1).map(l -> l.split("\t"))
                        .anyMatch(o -> o[0].equals(a[0]) && o[3].equals(b[3]) && Math.abs(Float.parseFloat(o[4]) - Float.parseFloat(a[4])) <= 1e-4);
                assertTrue(nearTie, name + " line " + (i + 1) + ": " + java.get(i) + " vs " + onnx.get(i));
            }
            identical += java.get(i).equals(onnx.get(i)) ? 1 : 0;
        }
        LoggerFactory.getLogger(RecommendCommandTest.class).info("{}: {} of {} lines identical in the Java and ONNX files", name, identical,
                java.size() - 1);
    }
}
