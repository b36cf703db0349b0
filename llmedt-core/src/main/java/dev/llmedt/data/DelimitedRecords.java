package dev.llmedt.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The records of a delimited file (CSV, TSV), read by Apache Commons CSV as RFC 4180 says: a field
 * that starts with a double quote runs to the matching closing quote, across line breaks; a doubled
 * quote inside it stands for one quote; a quote inside an unquoted field is taken literally.
 *
 * <p>Commons CSV reads the file's lines as {@link TextFiles.Lines} gives them (gzip, byte-order
 * mark, strict UTF-8 reported at its own line, a trailing carriage return dropped), each followed
 * by a line feed; so a line break inside a quoted field reads as {@code \n} whether the file ends
 * its lines with {@code \n} or {@code \r\n}. A carriage return inside a line is text, as it always
 * was here (Commons CSV would end a record there): it reaches Commons CSV as a stand-in that
 * UTF-8 text cannot hold, and the fields get it back. The lines a record spans are kept until the next
 * record starts, which places every record on its first line exactly (from its character position)
 * and lets a syntax error be re-read to name its line and field.
 *
 * <p>Where each error is reported: a character after a closing quote at the line of that
 * character; a quote still open at the end of the file, and a record longer than the limit, at the
 * first line of their record; everything the caller checks ({@link #line()}) at the first line of
 * the record.
 */
final class DelimitedRecords implements Closeable {

    /** The longest record read, in characters: a longer one is an error, not an unbounded buffer. */
    static final int MAX_RECORD_CHARS = TextFiles.MAX_LINE_BYTES;

    private static final char QUOTE = '"';

    /** What a carriage return inside a line reaches Commons CSV as: a lone surrogate, which decoded UTF-8 never holds. */
    private static final char CARRIAGE_RETURN_STAND_IN = '\uDFFF';

    private final Path file;
    private final char delimiter;
    private final long maxRecordChars;
    private final LineFeed feed;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private long recordStart;
    private long line;
    private boolean blank;

    /** Opens a file; see {@link TextFiles.Lines#Lines(Path)}. */
    DelimitedRecords(Path file, char delimiter) throws IOException {
        this(file, delimiter, MAX_RECORD_CHARS);
    }

    DelimitedRecords(Path file, char delimiter, long maxRecordChars) throws IOException {
        this.file = file;
        this.delimiter = delimiter;
        this.maxRecordChars = maxRecordChars;
        this.feed = new LineFeed(new TextFiles.Lines(file));
        this.parser = format(delimiter, false).parse(feed);
        this.records = parser.iterator();
    }

    /** RFC 4180 with this delimiter; every line is a record (a blank one too), the caller decides. */
    private static CSVFormat format(char delimiter, boolean lenient) {
        return CSVFormat.RFC4180.builder().setDelimiter(delimiter).setQuote(QUOTE).setIgnoreEmptyLines(false)
                .setLenientEof(lenient).setTrailingData(lenient).get();
    }

    /**
     * Returns the fields of the next record, untrimmed, or null at the end of the file. A blank
     * line (white space only) is returned as a record of blank fields, with {@link #blank()}.
     *
     * @throws MalformedDataException on a quoting error (names the line and the field), a record
     *     longer than {@link #MAX_RECORD_CHARS} characters, or as {@link TextFiles.Lines#next()}
     */
    String[] next() throws IOException {
        CSVRecord record;
        try {
            if (!records.hasNext()) {
                return null;
            }
            record = records.next();
        } catch (UncheckedIOException e) {
            throw e.getCause() instanceof CSVException syntax ? syntaxError(syntax) : e.getCause();
        }
        recordStart = record.getCharacterPosition();
        Line first = feed.keepFrom(recordStart);
        line = first.number;
        blank = first.text.isBlank();
        String[] fields = record.values();
        if (feed.carriageReturns) {
            for (int f = 0; f < fields.length; f++) {
                fields[f] = fields[f].replace(CARRIAGE_RETURN_STAND_IN, '\r');
            }
        }
        return fields;
    }

    /** Returns the 1-based line where the record {@link #next()} returned last starts. */
    long line() {
        return line;
    }

    /** Whether the record {@link #next()} returned last is a blank line. */
    boolean blank() {
        return blank;
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    /** Names a delimiter readably: {@code tab}, {@code ','}. */
    static String describe(char delimiter) {
        return delimiter == '\t' ? "tab" : "'" + delimiter + "'";
    }

    /**
     * Turns Commons CSV's error into one that names the line and the field. Commons CSV throws on a
     * character after a closing quote (its message gives the character position) and on a quote
     * still open at the end of the file; the record is re-read leniently up to that point to count
     * its fields.
     */
    private MalformedDataException syntaxError(CSVException e) throws MalformedDataException {
        long after = characterPosition(e.getMessage());
        if (!feed.ended && after > 0) {
            long at = feed.afterClosingQuote(after - 1); // Commons CSV counts the offending character as read
            CSVRecord partial = reread(at);
            return new MalformedDataException(file, feed.lineAt(at).number, "unexpected character '" + feed.charAt(at)
                    + "' after the closing quote of field " + partial.size() + " (expected the delimiter "
                    + describe(delimiter) + " or the end of the line)");
        }
        if (feed.ended) {
            CSVRecord partial = reread(feed.delivered);
            return new MalformedDataException(file, feed.lineAt(recordStart + partial.getCharacterPosition()).number,
                    "unterminated quote in field " + partial.size()
                            + " (a quoted field must end with a double quote; this one runs to the end of the file)");
        }
        Line last = feed.lines.peekLast();
        return new MalformedDataException(file, last == null ? 0 : last.number, "not readable as delimited text: " + e.getMessage());
    }

    /** Re-reads the kept text from the last good record's start to {@code end}; returns its last (partial) record. */
    private CSVRecord reread(long end) throws MalformedDataException {
        String text = feed.text(recordStart, end);
        try (CSVParser again = format(delimiter, true).parse(new StringReader(text))) {
            CSVRecord last = null;
            for (CSVRecord record : again) {
                last = record;
            }
            if (last == null) {
                throw new IllegalStateException("no record in the text kept for a syntax error");
            }
            return last;
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("re-reading kept text failed", e); // a StringReader cannot fail
        }
    }

    /** The "position: N" of a Commons CSV message (grouped as the default locale groups), or -1. */
    private static long characterPosition(String message) {
        int at = message == null ? -1 : message.lastIndexOf("position: ");
        if (at < 0) {
            return -1;
        }
        long position = -1;
        for (int i = at + "position: ".length(); i < message.length(); i++) {
            int digit = Character.digit(message.charAt(i), 10);
            if (digit >= 0) {
                position = Math.max(position, 0) * 10 + digit;
            } else if (Character.isLetter(message.charAt(i))) {
                break;
            }
        }
        return position;
    }

    /** A line of the file: its number, the position of its first character for Commons CSV, and its text. */
    private record Line(long number, long start, String text) {
        long end() {
            return start + text.length() + 1; // the line feed after it
        }
    }

    /**
     * Gives Commons CSV the file's lines, each followed by a line feed, and keeps the lines from the
     * start of the last record returned on (usually one or two).
     */
    private final class LineFeed extends Reader {
        private final TextFiles.Lines source;
        private final ArrayDeque<Line> lines = new ArrayDeque<>();
        private String current = "";
        private int at = 1; // past the line feed of the (empty) line before the first
        private long delivered;
        private long keptAfterFirst;
        private boolean ended;
        private boolean carriageReturns;

        LineFeed(TextFiles.Lines source) {
            this.source = source;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (at > current.length() && !nextLine()) {
                return -1;
            }
            int n = Math.min(length, current.length() - at);
            current.getChars(at, at + n, buffer, offset);
            at += n;
            if (n < length && at == current.length()) {
                buffer[offset + n++] = '\n';
                at++;
            }
            return n;
        }

        private boolean nextLine() throws IOException {
            String text = source.next();
            if (text == null) {
                ended = true;
                return false;
            }
            Line line = new Line(source.number(), delivered, text);
            if (!lines.isEmpty()) {
                keptAfterFirst += text.length();
                if (keptAfterFirst > maxRecordChars) {
                    lines.add(line);
                    delivered = line.end();
                    CSVRecord partial = reread(delivered);
                    throw new MalformedDataException(file, lineAt(recordStart + partial.getCharacterPosition()).number,
                            "record longer than " + maxRecordChars + " characters (an unterminated quote in field "
                                    + partial.size() + "?)");
                }
            }
            lines.add(line);
            current = text;
            if (text.indexOf('\r') >= 0) {
                current = text.replace('\r', CARRIAGE_RETURN_STAND_IN);
                carriageReturns = true;
            }
            at = 0;
            delivered = line.end();
            return true;
        }

        /** Forgets the lines before the one holding {@code position}, and returns that one. */
        Line keepFrom(long position) {
            while (lines.size() > 1 && lines.peekFirst().end() <= position) {
                lines.pollFirst();
                keptAfterFirst -= lines.peekFirst().text.length();
            }
            return lines.peekFirst();
        }

        Line lineAt(long position) {
            for (Line line : lines) {
                if (position < line.end()) {
                    return line;
                }
            }
            return lines.getLast();
        }

        /**
         * Returns the position of the first character after the closing quote before {@code position}:
         * Commons CSV passes over white space there and names the character after it.
         */
        long afterClosingQuote(long position) {
            Line line = lineAt(position);
            int i = (int) (position - line.start);
            while (i > 0 && i <= line.text.length() && Character.isWhitespace(line.text.charAt(i - 1))) {
                i--;
            }
            return line.start + i;
        }

        char charAt(long position) {
            Line line = lineAt(position);
            int i = (int) (position - line.start);
            return i < line.text.length() ? line.text.charAt(i) : '\n';
        }

        /** The kept text from {@code from} (inside the first kept line) to {@code to}. */
        String text(long from, long to) {
            StringBuilder text = new StringBuilder();
            for (Line line : lines) {
                if (line.start >= to) {
                    break;
                }
                text.append(line.text.replace('\r', CARRIAGE_RETURN_STAND_IN)).append('\n');
            }
            long first = lines.isEmpty() ? 0 : lines.peekFirst().start;
            return text.substring((int) (from - first), (int) Math.min(text.length(), to - first));
        }

        @Override
        public void close() throws IOException {
            source.close();
        }
    }
}
