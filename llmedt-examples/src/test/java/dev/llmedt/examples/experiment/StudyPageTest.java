package dev.llmedt.examples.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.examples.report.ReportCharts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.data.category.CategoryDataset;
import org.junit.jupiter.api.Test;

/** The study page's chart: one bar per table row, whatever the rows' first cells. */
class StudyPageTest {

    @Test
    void rowsThatShareTheirFirstCellGetOneBarEach() {
        // The sensitivity study's shape: a parameter, then its value.
        List<List<String>> rows = List.of(
                List.of("defaults", "adapter 32, beta 0 (no profiles)", "0.0351"),
                List.of("adapter size", "16", "0.0337"),
                List.of("adapter size", "64", "0.0374"),
                List.of("tau", "0.4", "0.0222"),
                List.of("tau", "0.6", "0.0346"),
                List.of("K", "32", "0.0241"),
                List.of("K", "128", "0.0239"));
        List<String> labels = StudyPage.labels(rows);
        assertEquals(List.of("defaults adapter 32, beta 0\u2026", "adapter size 16", "adapter size 64", "tau 0.4", "tau 0.6", "K 32",
                "K 128"),
                labels);
        double[] values = rows.stream().mapToDouble(r -> Double.parseDouble(r.get(2))).toArray();
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("test NDCG@10", values);
        JFreeChart chart = ReportCharts.bars("t", "test NDCG@10", labels, series);
        CategoryDataset data = chart.getCategoryPlot().getDataset();
        assertEquals(rows.size(), data.getColumnCount());
        for (int r = 0; r < rows.size(); r++) {
            assertEquals(values[r], data.getValue("test NDCG@10", labels.get(r)).doubleValue(), 0.0, labels.get(r));
        }
        assertEquals(CategoryLabelPositions.UP_45, chart.getCategoryPlot().getDomainAxis().getCategoryLabelPositions(),
                "seven long labels are slanted");
        JFreeChart groups = ReportCharts.bars("t", "v", List.of("all", "Food", "Kitchen", "slice 0", "slice 1-2", "slice 3+"),
                Map.of("v", new double[6]));
        assertEquals(CategoryLabelPositions.STANDARD, groups.getCategoryPlot().getDomainAxis().getCategoryLabelPositions(),
                "short labels stay level");
    }

    @Test
    void aNumericSecondCellStaysOutWhenTheFirstCellIsEnough() {
        assertEquals(List.of("SASRec", "LLM-EDT"), StudyPage.labels(List.of(List.of("SASRec", "937"), List.of("LLM-EDT", "937"))));
        assertEquals(List.of("after-source", "append"), StudyPage.labels(List.of(List.of("after-source", "105689"), List.of("append", "105689"))));
    }

    @Test
    void rowsThatRepeatEntirelyAreNumbered() {
        List<String> labels = StudyPage.labels(List.of(List.of("a", "x"), List.of("a", "x"), List.of("b")));
        assertEquals(List.of("a x", "a x (row 2)", "b"), labels);
        List<String> cut = StudyPage.labels(List.of(List.of("rest (>= 5 in target)", "LLM-EDT"), List.of("rest (>= 5 in target)", "SASRec")));
        assertEquals(List.of("rest (>= 5 in targe\u2026 LLM-EDT", "rest (>= 5 in target) SASRec"), cut, "the second cell stays whole");
        List<String> same = StudyPage.labels(List.of(List.of("a setting whose name goes on and on", "1"),
                List.of("a setting whose name goes on and on", "2")));
        assertEquals(List.of("a setting whose name goes\u2026 1", "a setting whose name goes\u2026 2"), same);
        List<String> long2 = StudyPage.labels(List.of(List.of("p", "a value much longer than the label room"), List.of("p", "a value much longer than the label rooms")));
        assertEquals(List.of("p a value much longer than\u2026", "p a value much longer than\u2026 (row 2)"), long2);
    }

    @Test
    void barsRefuseRepeatedCategoriesInsteadOfDroppingBars() {
        Map<String, double[]> series = Map.of("v", new double[] {1, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReportCharts.bars("t", "v", List.of("beta", "beta"), series));
        assertTrue(e.getMessage().contains("distinct") && e.getMessage().contains("[beta, beta]"), e.getMessage());
    }
}
