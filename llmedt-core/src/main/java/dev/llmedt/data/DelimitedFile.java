package dev.llmedt.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One file of a {@link DelimitedReader} dataset: reads its header, finds the columns a subclass
 * requires (each by any of its names, case-insensitively), then hands the subclass every row whose
 * field count matches the header, skipping and counting blank lines. Errors name the file and line.
 */
abstract class DelimitedFile {
    final Path file;
    final char delimiter;
    final ReadReport.Builder report;
    Header header;
    int rows;

    DelimitedFile(Path file, char delimiter, ReadReport.Builder report) {
        this.file = file;
        this.delimiter = delimiter;
        this.report = report;
    }

    /** Reads every record; a record's line is its first (a quoted field may hold line breaks). */
    final void read() throws IOException {
        try (DelimitedRecords records = new DelimitedRecords(file, delimiter)) {
            for (String[] fields = records.next(); fields != null; fields = records.next()) {
                long number = records.line();
                if (header == null) {
                    if (records.blank()) {
                        throw new MalformedDataException(file, number, "blank header line: expected the column names "
                                + expectedColumns());
                    }
                    header = new Header(fields, file, number);
                    columns(header);
                } else if (records.blank()) {
                    report.add("blank lines in " + fileName(file) + ", skipped");
                } else {
                    row(number, header.fields(fields, delimiter, number));
                    rows++;
                }
            }
        }
    }

    /** Checks that reading ended with a header and at least one row. */
    final void checkNotEmpty(String what) throws MalformedDataException {
        if (header == null) {
            throw new MalformedDataException(file, 0, "empty: expected a header line naming the columns " + expectedColumns());
        }
        if (rows == 0) {
            throw new MalformedDataException(file, 0, "no " + what + " after the header");
        }
    }

    /** Returns a key field, trimmed, failing when it is empty. */
    final String key(String[] fields, int column, long number) throws MalformedDataException {
        String key = fields[column].strip();
        if (key.isEmpty()) {
            throw new MalformedDataException(file, number, "empty " + header.name(column) + " (column " + (column + 1) + ")");
        }
        return key;
    }

    abstract String expectedColumns();

    abstract void columns(Header header) throws MalformedDataException;

    abstract void row(long number, String[] fields) throws MalformedDataException;

    /** Returns the file's name, or the whole path when it has none. */
    static String fileName(Path file) {
        return file.getFileName() == null ? file.toString() : file.getFileName().toString();
    }

    /** The header columns the two files may have, with the names accepted for each. */
    enum Column {
        USER("user", "user_id", "userid", "uid"),
        ITEM("item", "item_id", "itemid", "iid"),
        DOMAIN("domain"),
        TIMESTAMP("timestamp", "time", "ts", "unix_time"),
        TITLE(Item.TITLE);

        private final List<String> names;

        Column(String... names) {
            this.names = List.of(names);
        }

        boolean matches(String headerName) {
            return names.contains(headerName.strip().toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return names.size() == 1 ? names.get(0) : names.get(0) + " (or " + String.join(", ", names.subList(1, names.size())) + ")";
        }
    }

    /** A parsed header line: column names and where each required column is. */
    static final class Header {
        private final String[] names;
        private final Path file;
        private final long line;

        Header(String[] names, Path file, long line) throws MalformedDataException {
            this.names = names;
            this.file = file;
            this.line = line;
            Map<String, Integer> seen = new HashMap<>();
            for (int c = 0; c < names.length; c++) {
                names[c] = names[c].strip();
                if (names[c].isEmpty()) {
                    throw new MalformedDataException(file, line, "column " + (c + 1) + " of the header has no name");
                }
                Integer previous = seen.putIfAbsent(names[c].toLowerCase(Locale.ROOT), c);
                if (previous != null) {
                    throw new MalformedDataException(file, line, "the header names column '" + names[c] + "' twice (columns "
                            + (previous + 1) + " and " + (c + 1) + ")");
                }
            }
        }

        /** Returns the index of a required column. */
        int require(Column column) throws MalformedDataException {
            int found = -1;
            for (int c = 0; c < names.length; c++) {
                if (column.matches(names[c])) {
                    if (found >= 0) {
                        throw new MalformedDataException(file, line, "the header has two " + column.names.get(0) + " columns: '"
                                + names[found] + "' and '" + names[c] + "'");
                    }
                    found = c;
                }
            }
            if (found < 0) {
                throw new MalformedDataException(file, line, "the header lacks the required column " + column
                        + "; found " + List.of(names));
            }
            return found;
        }

        int size() {
            return names.length;
        }

        String name(int column) {
            return names[column];
        }

        /** Checks a data record's field count. */
        String[] fields(String[] fields, char delimiter, long lineNumber) throws MalformedDataException {
            if (fields.length != names.length) {
                throw new MalformedDataException(file, lineNumber, "expected " + names.length + " fields separated by "
                        + DelimitedRecords.describe(delimiter) + " " + List.of(names) + ", found " + fields.length);
            }
            return fields;
        }
    }
}
