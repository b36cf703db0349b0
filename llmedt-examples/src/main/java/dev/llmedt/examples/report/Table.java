package dev.llmedt.examples.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A table of a {@link ReportPage}: a caption, a header and rows of cells. Numbers are shown with
 * four decimals ({@code double}, {@code float}) or as integers; everything else with {@code toString}.
 * Not thread-safe; build it, then hand it to a page.
 */
public final class Table {

    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();
    private String caption = "";
    private String protocol;

    private Table(List<String> columns) {
        this.columns = List.copyOf(columns);
    }

    /**
     * Starts a table with these column names.
     *
     * @throws IllegalArgumentException when there is no column
     */
    public static Table withColumns(String... columns) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column, got 0");
        }
        return new Table(List.of(columns));
    }

    /** Sets the caption (what the table shows); the protocol is added to it when rendered. */
    public Table caption(String caption) {
        if (caption == null || caption.isBlank()) {
            throw new IllegalArgumentException("caption must not be blank, got '" + caption + "'");
        }
        this.caption = caption;
        return this;
    }

    /** Sets this table's evaluation protocol, named in its caption (default: the page's). */
    public Table protocol(String protocol) {
        if (protocol == null || protocol.isBlank()) {
            throw new IllegalArgumentException("protocol must not be blank, got '" + protocol + "'");
        }
        this.protocol = protocol;
        return this;
    }

    /**
     * Adds a row.
     *
     * @throws IllegalArgumentException when the row has another number of cells than the table has columns
     */
    public Table row(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException("a row of table '" + caption + "' must have " + columns.size() + " cells, got " + cells.length);
        }
        List<String> row = new ArrayList<>(cells.length);
        for (Object c : cells) {
            row.add(format(c));
        }
        rows.add(Collections.unmodifiableList(row));
        return this;
    }

    static String format(Object cell) {
        if (cell == null) {
            return "";
        }
        if (cell instanceof Double || cell instanceof Float) {
            double v = ((Number) cell).doubleValue();
            return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
        }
        return cell.toString();
    }

    /** The column names. */
    public List<String> columns() {
        return columns;
    }

    /** The rows as formatted cells. */
    public List<List<String>> rows() {
        return Collections.unmodifiableList(rows);
    }

    /** The caption as given (without the protocol). */
    public String caption() {
        return caption;
    }

    /** This table's own protocol, or null to use the page's. */
    public String protocol() {
        return protocol;
    }
}
