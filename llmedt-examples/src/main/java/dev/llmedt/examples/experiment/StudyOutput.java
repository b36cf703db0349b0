package dev.llmedt.examples.experiment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A study's table as it fills: each row is added as a JSON record (snake_case keys) and as its
 * cells, and handed at once to a writer, so that the files of a study stopped half-way hold the
 * rows it finished.
 */
final class StudyOutput {

    /** Writes the study's files (called after every row and at the end). */
    interface Writer {
        void write(StudyOutput output, boolean complete) throws IOException;
    }

    private final String title;
    private final String protocol;
    private final List<String> columns;
    private final List<Map<String, Object>> records = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Object> details = new LinkedHashMap<>();
    private final Writer writer;

    StudyOutput(String title, String protocol, List<String> columns, Writer writer) {
        this.title = title;
        this.protocol = protocol;
        this.columns = List.copyOf(columns);
        this.writer = writer;
    }

    /** Adds a row and writes the files so far. */
    void add(Map<String, Object> record, List<String> cells) throws IOException {
        if (cells.size() != columns.size()) {
            throw new IllegalArgumentException(cells.size() + " cells for the columns " + columns);
        }
        records.add(record);
        rows.add(List.copyOf(cells));
        writer.write(this, false);
    }

    void note(String note) {
        notes.add(note);
    }

    /** Adds a study-level detail to the JSON (settings, measurements that are not rows). */
    void detail(String key, Object value) {
        details.put(key, value);
    }

    List<Map<String, Object>> records() {
        return records;
    }

    Map<String, Object> details() {
        return details;
    }

    StudyTable table() {
        return new StudyTable(title, protocol, columns, rows, notes);
    }
}
