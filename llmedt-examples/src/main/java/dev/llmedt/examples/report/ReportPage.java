package dev.llmedt.examples.report;

import dev.llmedt.io.AtomicFiles;
import dev.llmedt.output.WriteOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;

/**
 * A static HTML page of sections (paragraphs, tables, charts) and a provenance table, written as
 * {@code index.html} plus one PNG per chart into a folder. Charts are rendered headless (the
 * {@code java.awt.headless} property is set when this class loads). Every table's caption names
 * its evaluation protocol: its own ({@link Table#protocol}) or the page's ({@link #protocol}).
 * Not thread-safe.
 */
public final class ReportPage {

    /** The name of the page's HTML file in its folder. */
    public static final String INDEX_FILE = "index.html";

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final Pattern CHART_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private final String title;
    private final List<Section> sections = new ArrayList<>();
    private final List<String> intro = new ArrayList<>();
    private final Set<String> chartNames = new HashSet<>();
    private String protocol;
    private Map<String, Object> provenance;

    private ReportPage(String title) {
        this.title = title;
    }

    /** Starts a page with this title. */
    public static ReportPage titled(String title) {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("title must not be blank, got '" + title + "'");
        }
        return new ReportPage(title);
    }

    /** Sets the evaluation protocol named on every table that does not name its own. */
    public ReportPage protocol(String protocol) {
        if (protocol == null || protocol.isBlank()) {
            throw new IllegalArgumentException("protocol must not be blank, got '" + protocol + "'");
        }
        this.protocol = protocol;
        return this;
    }

    /** Adds a paragraph under the title. */
    public ReportPage paragraph(String text) {
        intro.add(text);
        return this;
    }

    /** Adds a section and returns it, to fill. */
    public Section section(String heading) {
        if (heading == null || heading.isBlank()) {
            throw new IllegalArgumentException("heading must not be blank, got '" + heading + "'");
        }
        Section s = new Section(heading);
        sections.add(s);
        return s;
    }

    /** Sets the provenance (what made the report: versions, seeds, settings), shown as the last table. Nested maps are flattened. */
    public ReportPage provenance(Map<String, ?> provenance) {
        this.provenance = new LinkedHashMap<>(provenance);
        return this;
    }

    /** The page title. */
    public String title() {
        return title;
    }

    /**
     * Writes {@code index.html} and the charts' PNGs into {@code folder} (created if needed;
     * files of an earlier report with the same names are replaced, each atomically and following
     * the rules of {@link dev.llmedt.output}) and returns the HTML file.
     *
     * @param options {@link WriteOption#REPLACE_READ_ONLY} to replace read-only files of an earlier report
     * @throws IllegalStateException when a table names no protocol and the page has none
     * @throws dev.llmedt.output.OutputFileException naming the file and the reason when a file is refused or cannot be written
     */
    public Path write(Path folder, WriteOption... options) throws IOException {
        Files.createDirectories(folder);
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(escape(title))
                .append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n<h1>").append(escape(title)).append("</h1>\n");
        for (String p : intro) {
            html.append("<p>").append(escape(p)).append("</p>\n");
        }
        if (sections.size() > 1) {
            html.append("<nav><ul>\n");
            for (int i = 0; i < sections.size(); i++) {
                html.append("<li><a href=\"#s").append(i + 1).append("\">").append(escape(sections.get(i).heading)).append("</a></li>\n");
            }
            if (provenance != null) {
                html.append("<li><a href=\"#provenance\">Provenance</a></li>\n");
            }
            html.append("</ul></nav>\n");
        }
        for (int i = 0; i < sections.size(); i++) {
            Section s = sections.get(i);
            html.append("<section id=\"s").append(i + 1).append("\">\n<h2>").append(escape(s.heading)).append("</h2>\n");
            for (Block b : s.blocks) {
                b.render(html, folder, options);
            }
            html.append("</section>\n");
        }
        if (provenance != null) {
            Table t = Table.withColumns("key", "value").caption("Provenance: what made this report");
            flatten("", provenance, t);
            html.append("<section id=\"provenance\">\n<h2>Provenance</h2>\n");
            new TableBlock(t).render(html, folder, options);
            html.append("</section>\n");
        }
        html.append("</body>\n</html>\n");
        Path index = folder.resolve(INDEX_FILE);
        AtomicFiles.write(index, html.toString().getBytes(StandardCharsets.UTF_8), options);
        return index;
    }

    private static void flatten(String prefix, Map<?, ?> map, Table t) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
            if (e.getValue() instanceof Map<?, ?> m) {
                flatten(key, m, t);
            } else {
                t.row(key, String.valueOf(e.getValue()));
            }
        }
    }

    /** One section of the page: blocks in the order added. */
    public final class Section {
        private final String heading;
        private final List<Block> blocks = new ArrayList<>();

        private Section(String heading) {
            this.heading = heading;
        }

        /** Adds a paragraph of text. */
        public Section paragraph(String text) {
            blocks.add((html, folder, options) -> html.append("<p>").append(escape(text)).append("</p>\n"));
            return this;
        }

        /** Adds a bulleted list. */
        public Section list(List<String> items) {
            List<String> copy = List.copyOf(items);
            blocks.add((html, folder, options) -> {
                html.append("<ul>\n");
                for (String i : copy) {
                    html.append("<li>").append(escape(i)).append("</li>\n");
                }
                html.append("</ul>\n");
            });
            return this;
        }

        /**
         * Adds a table.
         *
         * @throws IllegalArgumentException when the table has no caption
         */
        public Section table(Table table) {
            if (table.caption().isEmpty()) {
                throw new IllegalArgumentException("a report table needs a caption (columns " + table.columns() + ")");
            }
            blocks.add(new TableBlock(table));
            return this;
        }

        /**
         * Adds a chart, saved as {@code name.png} of {@code width} x {@code height} pixels.
         *
         * @throws IllegalArgumentException when the name is not lower-case letters, digits and
         *     dashes, is used twice on the page, or a size is outside [100, 4000]
         */
        public Section chart(String name, JFreeChart chart, int width, int height) {
            if (name == null || !CHART_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("chart name must match " + CHART_NAME.pattern() + ", got '" + name + "'");
            }
            if (!chartNames.add(name)) {
                throw new IllegalArgumentException("chart name '" + name + "' is used twice on the page");
            }
            if (width < 100 || width > 4000 || height < 100 || height > 4000) {
                throw new IllegalArgumentException("chart size must be in [100, 4000] pixels, got " + width + " x " + height);
            }
            blocks.add((html, folder, options) -> {
                AtomicFiles.write(folder.resolve(name + ".png"), out -> ChartUtils.writeChartAsPNG(out, chart, width, height), options);
                String alt = chart.getTitle() == null ? name : chart.getTitle().getText();
                html.append("<figure><img src=\"").append(name).append(".png\" width=\"").append(width).append("\" height=\"").append(height)
                        .append("\" alt=\"").append(escape(alt)).append("\"></figure>\n");
            });
            return this;
        }

        /** Returns to the page (to add the next section). */
        public ReportPage page() {
            return ReportPage.this;
        }
    }

    @FunctionalInterface
    private interface Block {
        void render(StringBuilder html, Path folder, WriteOption[] options) throws IOException;
    }

    private final class TableBlock implements Block {
        private final Table table;

        TableBlock(Table table) {
            this.table = table;
        }

        @Override
        public void render(StringBuilder html, Path folder, WriteOption[] options) {
            String p = table.protocol() != null ? table.protocol() : protocol;
            if (p == null) {
                throw new IllegalStateException("table '" + table.caption() + "' names no protocol and the page has none: set "
                        + "ReportPage.protocol(...) or Table.protocol(...)");
            }
            html.append("<table>\n<caption>").append(escape(table.caption())).append(" <span class=\"protocol\">Protocol: ")
                    .append(escape(p)).append(".</span></caption>\n<thead><tr>");
            for (String c : table.columns()) {
                html.append("<th>").append(escape(c)).append("</th>");
            }
            html.append("</tr></thead>\n<tbody>\n");
            for (List<String> row : table.rows()) {
                html.append("<tr>");
                for (String cell : row) {
                    html.append(isNumber(cell) ? "<td class=\"num\">" : "<td>").append(escape(cell)).append("</td>");
                }
                html.append("</tr>\n");
            }
            html.append("</tbody>\n</table>\n");
        }
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.matches("[-+]?[0-9]+(\\.[0-9]+)?%?");
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String STYLE = """
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 1100px; margin: 2em auto;
                   padding: 0 1em; color: #222; line-height: 1.45; }
            h1 { font-size: 1.7em; margin-bottom: 0.3em; }
            h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 2em; }
            nav ul { columns: 2; font-size: 0.95em; }
            table { border-collapse: collapse; margin: 1em 0 1.5em; font-size: 0.92em; }
            caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: 0.4em; }
            caption .protocol { font-weight: normal; color: #555; }
            th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
            th { background: #f3f3f3; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            tbody tr:nth-child(even) { background: #fafafa; }
            figure { margin: 1em 0; }
            img { max-width: 100%; height: auto; border: 1px solid #eee; }
            """;
}
