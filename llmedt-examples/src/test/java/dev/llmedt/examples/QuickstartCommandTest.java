package dev.llmedt.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quickstart end to end on the small themed dataset: console table, report and results.json agree. */
class QuickstartCommandTest {

    @Test
    void writesAReportWhoseTablesNameTheProtocolAndWhoseImagesDecode(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report");
        CliRunner.Result r = CliRunner.run("quickstart", "--size", "small", "--max-epochs", "3,2", "--threads", "2", "--seed", "7",
                "--out", out.toString(), "--cache", dir.resolve("cache").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("test users of synthetic-themed-food-kitchen, protocol full"), r.out());

        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals(List.of("popular", "sasrec", "llm-edt"), iterable(results.fieldNames()));
        for (JsonNode model : results) {
            assertEquals("synthetic-themed-food-kitchen", model.path("dataset").asText());
            assertEquals("test", model.path("split").asText());
            assertEquals(60, model.at("/all/n").asInt());
            assertEquals(30, model.at("/domains/Kitchen/n").asInt());
            double ndcg = model.at("/all/NDCG@10").asDouble(-1);
            assertTrue(ndcg >= 0 && ndcg <= model.at("/all/HR@10").asDouble(), model.toString());
        }

        Document html = Jsoup.parse(out.resolve("index.html").toFile(), "UTF-8");
        List<Element> tables = html.select("table");
        assertTrue(tables.size() >= 7, "tables: " + tables.size());
        for (Element table : tables) {
            String caption = table.selectFirst("caption").text();
            assertTrue(caption.contains("Protocol: "), caption);
            assertTrue(table.select("tbody tr").size() > 0, "no rows under " + caption);
        }
        // The metric tables name full ranking and agree with results.json.
        Element all = tables.stream().filter(t -> t.selectFirst("caption").text().startsWith("Metrics of all evaluated users")).findFirst()
                .orElseThrow();
        assertTrue(all.selectFirst("caption").text().contains("full ranking"));
        for (Element row : all.select("tbody tr")) {
            List<String> cells = row.select("td").eachText();
            JsonNode m = results.path(cells.get(0));
            assertEquals(String.format(Locale.ROOT, "%.4f", m.at("/all/NDCG@10").asDouble()), cells.get(5), cells.get(0));
            assertEquals(String.format(Locale.ROOT, "%.4f", m.at("/all/HR@10").asDouble()), cells.get(3), cells.get(0));
        }
        for (String caption : List.of("The most frequent bridges", "Sample profiles with their users' items", "Training of each phase",
                "Provenance")) {
            assertTrue(tables.stream().anyMatch(t -> t.selectFirst("caption").text().startsWith(caption)), caption);
        }
        // Both phase 1s at SASRec's schedule (a constant rate within the cap), not the library's halving from epoch 25.
        Element provenance = tables.stream().filter(t -> t.selectFirst("caption").text().startsWith("Provenance")).findFirst().orElseThrow();
        Map<String, String> settings = new HashMap<>();
        for (Element row : provenance.select("tr")) {
            List<String> cells = row.select("td").eachText();
            if (cells.size() == 2) {
                settings.put(cells.get(0), cells.get(1));
            }
        }
        assertEquals("0", settings.get("llm-edt.config.pretraining.plateau_patience"), "phase 1's plateau patience");
        assertEquals("3", settings.get("llm-edt.config.pretraining.max_epochs"), "phase 1's epoch cap");
        List<Element> images = html.select("img");
        assertEquals(List.of("ndcg-by-group.png", "training-loss.png", "training-ndcg.png", "domain-share.png", "item-map.png"),
                images.stream().map(i -> i.attr("src")).toList());
        for (Element img : images) {
            Path png = out.resolve(img.attr("src"));
            assertTrue(Files.isRegularFile(png), png::toString);
            BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, png + " does not decode");
            assertTrue(image.getWidth() >= 400 && image.getHeight() >= 300, png + " " + image.getWidth() + "x" + image.getHeight());
        }
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
