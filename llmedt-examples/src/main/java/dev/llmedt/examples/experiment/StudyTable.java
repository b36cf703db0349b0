package dev.llmedt.examples.experiment;

import java.util.List;
import java.util.Objects;

/**
 * A study's table as text, ready to render (Markdown here; an HTML page writer may render the
 * same record): a title, the evaluation protocol it was measured under, the column names, the
 * rows (one cell per column) and notes.
 *
 * @param title what the table shows
 * @param protocol how the figures were measured (named in every rendering)
 * @param columns the column names
 * @param rows the rows, each with one cell per column
 * @param notes remarks printed under the table
 */
public record StudyTable(String title, String protocol, List<String> columns, List<List<String>> rows, List<String> notes) {

    /** Checks that every row has one cell per column. */
    public StudyTable {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(protocol, "protocol");
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        notes = List.copyOf(notes);
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).size() != columns.size()) {
                throw new IllegalArgumentException("row " + i + " has " + rows.get(i).size() + " cells, the table has " + columns.size()
                        + " columns " + columns);
            }
        }
    }

    /** Returns the table as Markdown: a heading, the protocol, the table and the notes. */
    public String toMarkdown() {
        StringBuilder s = new StringBuilder();
        s.append("# ").append(title).append("\n\n");
        s.append("Protocol: ").append(protocol).append("\n\n");
        s.append('|');
        for (String c : columns) {
            s.append(' ').append(escape(c)).append(" |");
        }
        s.append("\n|");
        for (int i = 0; i < columns.size(); i++) {
            s.append("---|");
        }
        s.append('\n');
        for (List<String> row : rows) {
            s.append('|');
            for (String cell : row) {
                s.append(' ').append(escape(cell)).append(" |");
            }
            s.append('\n');
        }
        if (!notes.isEmpty()) {
            s.append('\n');
            for (String n : notes) {
                s.append("- ").append(n).append('\n');
            }
        }
        return s.toString();
    }

    private static String escape(String cell) {
        return cell.replace("|", "\\|").replace("\n", " ");
    }
}
