package dev.llmedt.examples.experiment;

import dev.llmedt.examples.report.ReportCharts;
import dev.llmedt.examples.report.ReportPage;
import dev.llmedt.examples.report.Table;
import dev.llmedt.output.WriteOption;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A study's report page ({@code index.html} beside its JSON and Markdown): the table under its
 * protocol, a bar chart of the rows' test NDCG@10 when the table has that column, the notes, the
 * command and the provenance (the study's header: data, fingerprint, seeds, options).
 */
final class StudyPage {

    /** The column the chart draws, when the table has it. */
    static final String CHART_COLUMN = "test NDCG@10";

    private StudyPage() {
    }

    /** Writes {@code folder/index.html} (and its chart) for the table; returns the HTML file. */
    static Path write(Path folder, StudyTable table, boolean complete, String command, Map<String, Object> provenance,
            WriteOption... options) throws IOException {
        ReportPage page = ReportPage.titled(table.title()).protocol(table.protocol());
        if (!complete) {
            page.paragraph("Partial: the study is still running or was stopped; run the same command to continue.");
        }
        Table t = Table.withColumns(table.columns().toArray(String[]::new)).caption(table.title() + ".");
        for (List<String> row : table.rows()) {
            t.row(row.toArray());
        }
        ReportPage.Section results = page.section("Results").table(t);
        int column = table.columns().indexOf(CHART_COLUMN);
        if (column >= 0 && !table.rows().isEmpty()) {
            List<String> labels = labels(table.rows());
            double[] values = new double[table.rows().size()];
            for (int r = 0; r < values.length; r++) {
                values[r] = leadingNumber(table.rows().get(r).get(column));
            }
            Map<String, double[]> series = new LinkedHashMap<>();
            series.put(CHART_COLUMN, values);
            results.chart("test-ndcg10", ReportCharts.bars(table.title(), CHART_COLUMN, labels, series), 900, 380);
        }
        if (!table.notes().isEmpty()) {
            page.section("Notes").list(table.notes());
        }
        page.section("Command").paragraph(command);
        page.provenance(provenance);
        return page.write(folder, options);
    }

    private static final int MAX_LABEL = 28;

    /**
     * One bar label per row: the first cell, joined with the second where the first does not tell rows apart (the
     * sensitivity study's "adapter size" / "16"), or where the second is a name rather than a number; a row number is
     * added if labels still repeat, since a chart merges bars of the same label. Labels are cut to 28 characters, the
     * first cell before the second (the table below the chart has the whole row).
     */
    static List<String> labels(List<List<String>> rows) {
        Map<String, Integer> firstCells = new HashMap<>();
        for (List<String> row : rows) {
            firstCells.merge(row.get(0), 1, Integer::sum);
        }
        List<String> labels = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            boolean join = row.size() > 1 && (firstCells.get(row.get(0)) > 1 || !numeric(row.get(1)));
            String label;
            if (!join) {
                label = cut(row.get(0), MAX_LABEL);
            } else {
                // Keep the second cell (what tells the rows apart) whole when it is short; cut the first.
                int room = MAX_LABEL - row.get(1).length() - 1;
                label = room >= 6 ? cut(row.get(0), room) + " " + row.get(1) : cut(row.get(0) + " " + row.get(1), MAX_LABEL);
            }
            labels.add(seen.add(label) ? label : label + " (row " + (r + 1) + ")");
        }
        return labels;
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1).stripTrailing() + "\u2026";
    }

    private static boolean numeric(String cell) {
        return !Double.isNaN(leadingNumber(cell));
    }

    /** The number a cell starts with ({@code 0.0351 ± 0.0020} gives 0.0351), or NaN. */
    static double leadingNumber(String cell) {
        String s = cell.strip();
        int end = 0;
        while (end < s.length() && "+-0123456789.eE".indexOf(s.charAt(end)) >= 0) {
            end++;
        }
        try {
            return end == 0 ? Double.NaN : Double.parseDouble(s.substring(0, end));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
