package dev.llmedt.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits one line of a delimited file (CSV, TSV) into fields, with RFC 4180 quoting: a field
 * that starts with a double quote runs to the matching closing quote, a doubled quote inside it
 * stands for one quote, and the closing quote must be followed by the delimiter or the end of the
 * line. A quote inside an unquoted field is taken literally. Records span one line only, so a
 * quoted field cannot hold a line break.
 */
final class DelimitedFields {

    private static final char QUOTE = '"';

    private DelimitedFields() {
    }

    /**
     * Splits a line.
     *
     * @param line the line, without its terminator
     * @param delimiter the field separator
     * @param file the file, for error messages
     * @param lineNumber the 1-based line number, for error messages
     * @throws MalformedDataException on an unterminated quoted field or text after a closing quote
     */
    static String[] split(String line, char delimiter, Path file, long lineNumber) throws MalformedDataException {
        if (line.indexOf(QUOTE) < 0) {
            return splitUnquoted(line, delimiter);
        }
        List<String> fields = new ArrayList<>();
        StringBuilder quoted = new StringBuilder();
        int i = 0;
        while (true) {
            if (i < line.length() && line.charAt(i) == QUOTE) {
                quoted.setLength(0);
                i = readQuoted(line, i + 1, quoted, file, lineNumber, fields.size() + 1);
                fields.add(quoted.toString());
                if (i < line.length() && line.charAt(i) != delimiter) {
                    throw new MalformedDataException(file, lineNumber, "unexpected character '" + line.charAt(i)
                            + "' after the closing quote of field " + fields.size() + " (expected the delimiter "
                            + describe(delimiter) + " or the end of the line)");
                }
            } else {
                int end = line.indexOf(delimiter, i);
                end = end < 0 ? line.length() : end;
                fields.add(line.substring(i, end));
                i = end;
            }
            if (i >= line.length()) {
                return fields.toArray(new String[0]);
            }
            i++; // skip the delimiter; a delimiter at the very end starts one more, empty field
        }
    }

    /** Reads a quoted field's content from just after its opening quote; returns the index after the closing quote. */
    private static int readQuoted(String line, int from, StringBuilder out, Path file, long lineNumber, int field)
            throws MalformedDataException {
        int i = from;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == QUOTE) {
                if (i + 1 < line.length() && line.charAt(i + 1) == QUOTE) {
                    out.append(QUOTE);
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            out.append(c);
            i++;
        }
        throw new MalformedDataException(file, lineNumber, "unterminated quote in field " + field
                + " (a quoted field must end with a double quote on the same line)");
    }

    private static String[] splitUnquoted(String line, char delimiter) {
        int count = 1;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == delimiter) {
                count++;
            }
        }
        String[] fields = new String[count];
        int start = 0;
        for (int f = 0; f < count; f++) {
            int end = f == count - 1 ? line.length() : line.indexOf(delimiter, start);
            fields[f] = line.substring(start, end);
            start = end + 1;
        }
        return fields;
    }

    /** Names a delimiter readably: {@code tab}, {@code ','}. */
    static String describe(char delimiter) {
        return delimiter == '\t' ? "tab" : "'" + delimiter + "'";
    }
}
