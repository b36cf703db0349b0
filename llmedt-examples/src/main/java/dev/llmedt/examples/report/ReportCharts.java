package dev.llmedt.examples.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * JFreeChart charts for {@link ReportPage}s in one style (white background, light grid, a fixed
 * palette): lines over epochs, grouped bars, and scatter maps with arrows and labels.
 */
public final class ReportCharts {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** The series colours, in order (colour-blind friendly Okabe-Ito palette). */
    private static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0xF0E442), new Color(0x000000)};

    private ReportCharts() {
    }

    /** The colour of the i-th series (cycling through the palette). */
    public static Paint color(int series) {
        return PALETTE[series % PALETTE.length];
    }

    /**
     * Lines with markers: one per entry of {@code series}, its values at x = 1, 2, ... (epochs).
     *
     * @throws IllegalArgumentException when there is no series
     */
    public static JFreeChart lines(String title, String xLabel, String yLabel, Map<String, double[]> series) {
        if (series.isEmpty()) {
            throw new IllegalArgumentException("a line chart needs at least one series, got 0");
        }
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            XYSeries s = new XYSeries(e.getKey());
            double[] ys = e.getValue();
            for (int i = 0; i < ys.length; i++) {
                s.add(i + 1, ys[i]);
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, color(i));
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
        }
        plot.setRenderer(renderer);
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        return style(chart);
    }

    /**
     * Grouped vertical bars: for each category, one bar per entry of {@code series} (whose array
     * holds a value per category, in order).
     *
     * @throws IllegalArgumentException when a series has another length than the categories
     */
    public static JFreeChart bars(String title, String valueLabel, List<String> categories, Map<String, double[]> series) {
        if (new HashSet<>(categories).size() != categories.size()) {
            // The dataset would silently keep one bar per repeated label.
            throw new IllegalArgumentException("bar categories must be distinct, got " + categories);
        }
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            if (e.getValue().length != categories.size()) {
                throw new IllegalArgumentException("series '" + e.getKey() + "' has " + e.getValue().length + " values for "
                        + categories.size() + " categories");
            }
            for (int c = 0; c < categories.size(); c++) {
                data.addValue(e.getValue()[c], e.getKey(), categories.get(c));
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(title, null, valueLabel, data, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        for (int i = 0; i < series.size(); i++) {
            renderer.setSeriesPaint(i, color(i));
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        int longest = categories.stream().mapToInt(String::length).max().orElse(0);
        if (categories.size() > 4 && longest > 12) {
            // Many bars with long labels: slanted labels instead of labels cut to "augment...".
            plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
            plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(3f);
        }
        return style(chart);
    }

    /**
     * A scatter map: one point series per entry of {@code points} (each point {x, y}).
     *
     * @throws IllegalArgumentException when there is no series
     */
    public static JFreeChart scatter(String title, String xLabel, String yLabel, Map<String, List<double[]>> points) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("a scatter chart needs at least one series, got 0");
        }
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, List<double[]>> e : points.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), false, true);
            for (double[] p : e.getValue()) {
                s.add(p[0], p[1]);
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createScatterPlot(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, color(i));
            renderer.setSeriesShape(i, i % 2 == 0 ? new Ellipse2D.Double(-3.5, -3.5, 7, 7) : new Rectangle2D.Double(-3.5, -3.5, 7, 7));
        }
        plot.setRenderer(renderer);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
        return style(chart);
    }

    /** Draws a line segment {x1, y1, x2, y2} on an XY chart for each entry of {@code segments} (say, bridges between items). */
    public static JFreeChart segments(JFreeChart chart, List<double[]> segments, Color color) {
        XYPlot plot = chart.getXYPlot();
        BasicStroke stroke = new BasicStroke(1.1f);
        for (double[] s : segments) {
            plot.addAnnotation(new XYLineAnnotation(s[0], s[1], s[2], s[3], stroke, color));
        }
        return chart;
    }

    /** Writes each label at its {x, y} on an XY chart. */
    public static JFreeChart labels(JFreeChart chart, Map<String, double[]> labels) {
        XYPlot plot = chart.getXYPlot();
        Font font = new Font(Font.SANS_SERIF, Font.BOLD, 11);
        for (Map.Entry<String, double[]> e : labels.entrySet()) {
            XYTextAnnotation a = new XYTextAnnotation(e.getKey(), e.getValue()[0], e.getValue()[1]);
            a.setFont(font);
            a.setPaint(new Color(0x333333));
            a.setBackgroundPaint(new Color(255, 255, 255, 190));
            plot.addAnnotation(a);
        }
        return chart;
    }

    private static JFreeChart style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        if (chart.getTitle() != null) {
            chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        }
        if (chart.getPlot() instanceof XYPlot plot) {
            plot.setBackgroundPaint(Color.WHITE);
            plot.setDomainGridlinePaint(new Color(0xDDDDDD));
            plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        }
        return chart;
    }
}
