package dev.llmedt.examples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page builder writes valid HTML whose tables name their protocol and whose images exist and decode. */
class ReportPageTest {

    @Test
    void writesTablesWithProtocolCaptionsAndChartsThatDecode(@TempDir Path dir) throws Exception {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("model A", new double[] {0.1, 0.2, 0.25});
        series.put("model <B>", new double[] {0.05, 0.15, 0.3});
        ReportPage page = ReportPage.titled("Study & results").protocol("full ranking, test users");
        page.paragraph("An introduction with <angle brackets>.");
        page.section("Metrics")
                .table(Table.withColumns("group", "NDCG@10", "n").caption("By group.").row("all", 0.123456, 300).row("Food", 0.5, 150))
                .table(Table.withColumns("phase", "epochs").caption("Training.").protocol("validation users").row("phase-1", 12))
                .chart("curve", ReportCharts.lines("Validation NDCG@10", "epoch", "NDCG@10", series), 640, 300)
                .chart("bars", ReportCharts.bars("By group", "NDCG@10", List.of("all", "Food", "Kitchen"), series), 500, 300);
        page.section("Map").chart("map", ReportCharts.labels(ReportCharts.segments(ReportCharts.scatter("Items", "x", "y",
                Map.of("Food", List.of(new double[] {0, 0}, new double[] {1, 1}), "Kitchen", List.of(new double[] {2, 0}))),
                List.of(new double[] {0, 0, 2, 0}), java.awt.Color.GRAY), Map.of("Coffee", new double[] {0.5, 0.5})), 400, 400);
        Map<String, Object> provenance = new LinkedHashMap<>(); // in order: Map.of's order differs from run to run
        provenance.put("seed", 42);
        provenance.put("settings", Map.of("tau", 0.5));
        page.provenance(provenance);
        Path index = page.write(dir);

        assertEquals(dir.resolve("index.html"), index);
        Document html = Jsoup.parse(index.toFile(), "UTF-8");
        assertEquals("Study & results", html.title());
        assertTrue(html.body().text().contains("An introduction with <angle brackets>."));
        List<Element> tables = html.select("table");
        assertEquals(3, tables.size());
        for (Element table : tables) {
            assertTrue(table.selectFirst("caption").text().contains("Protocol: "), table.selectFirst("caption").text());
            assertTrue(table.select("tbody tr").size() > 0, "a table without rows");
        }
        assertTrue(tables.get(0).selectFirst("caption").text().endsWith("Protocol: full ranking, test users."));
        assertTrue(tables.get(1).selectFirst("caption").text().endsWith("Protocol: validation users."));
        assertEquals(List.of("all", "0.1235", "300"), tables.get(0).select("tbody tr").get(0).select("td").eachText());
        assertEquals(List.of("seed", "42"), tables.get(2).select("tbody tr").get(0).select("td").eachText());
        assertEquals(List.of("settings.tau", "0.5"), tables.get(2).select("tbody tr").get(1).select("td").eachText());
        List<Element> images = html.select("img");
        assertEquals(3, images.size());
        for (Element img : images) {
            Path png = dir.resolve(img.attr("src"));
            assertTrue(Files.isRegularFile(png), png::toString);
            BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, png + " does not decode");
            assertEquals(Integer.parseInt(img.attr("width")), image.getWidth());
            assertEquals(Integer.parseInt(img.attr("height")), image.getHeight());
        }
    }

    @Test
    void badInputIsRefusedWithWhatAndWhere(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Table.withColumns("a", "b").caption("T").row(1));
        assertEquals("a row of table 'T' must have 2 cells, got 1", e.getMessage());
        ReportPage page = ReportPage.titled("x");
        ReportPage.Section s = page.section("s");
        e = assertThrows(IllegalArgumentException.class, () -> s.chart("Bad Name", ReportCharts.lines("t", "x", "y",
                Map.of("a", new double[] {1})), 300, 200));
        assertTrue(e.getMessage().startsWith("chart name must match"), e.getMessage());
        s.chart("ok", ReportCharts.lines("t", "x", "y", Map.of("a", new double[] {1})), 300, 200);
        e = assertThrows(IllegalArgumentException.class, () -> s.chart("ok", ReportCharts.lines("t", "x", "y",
                Map.of("a", new double[] {1})), 300, 200));
        assertEquals("chart name 'ok' is used twice on the page", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.table(Table.withColumns("a")));
        assertTrue(e.getMessage().startsWith("a report table needs a caption"), e.getMessage());
        s.table(Table.withColumns("a").caption("No protocol anywhere").row(1));
        IllegalStateException noProtocol = assertThrows(IllegalStateException.class, () -> page.write(dir));
        assertTrue(noProtocol.getMessage().contains("'No protocol anywhere' names no protocol"), noProtocol.getMessage());
    }
}
