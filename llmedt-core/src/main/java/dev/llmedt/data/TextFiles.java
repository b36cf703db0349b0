package dev.llmedt.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Line-by-line reading of text files (optionally gzip-compressed) with line numbers and strict UTF-8. */
final class TextFiles {

    private TextFiles() {
    }

    /** Receives one line (without its terminator and without a trailing carriage return). */
    @FunctionalInterface
    interface LineHandler {
        void line(long number, String text) throws IOException;
    }

    /**
     * Calls the handler for every line of the file. Files ending in {@code .gz} are decompressed.
     *
     * @throws MalformedDataException when the file is missing, not valid UTF-8 or not valid gzip
     */
    static void forEachLine(Path file, LineHandler handler) throws IOException {
        long number = 0;
        try (BufferedReader reader = open(file)) {
            String line;
            while (true) {
                try {
                    line = reader.readLine();
                } catch (CharacterCodingException e) {
                    throw new MalformedDataException(file, number + 1, "not valid UTF-8 text");
                } catch (java.util.zip.ZipException | java.io.EOFException e) {
                    throw new MalformedDataException(file, number + 1, "corrupt or truncated gzip data (" + e.getMessage() + ")");
                }
                if (line == null) {
                    break;
                }
                number++;
                if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                    line = line.substring(0, line.length() - 1);
                }
                handler.line(number, line);
            }
        }
    }

    static BufferedReader open(Path file) throws IOException {
        InputStream in;
        try {
            in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new MalformedDataException(file, 0, "file not found");
        }
        try {
            if (file.getFileName().toString().endsWith(".gz")) {
                in = new GZIPInputStream(in, 1 << 16);
            }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            in.close();
            throw new MalformedDataException(file, 0, "not a valid gzip file (" + e.getMessage() + ")");
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
    }

    /**
     * Parses a non-negative decimal int from {@code text[from, to)}, or returns -1 when it is not one
     * (empty, a sign, another character, or more than {@link Integer#MAX_VALUE}).
     */
    static int parseNonNegativeInt(String text, int from, int to) {
        if (from >= to || to - from > 10) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    /** Parses a whole string as a non-negative int, after trimming spaces; -1 when it is not one. */
    static int parseNonNegativeInt(String text) {
        String t = text.strip();
        return parseNonNegativeInt(t, 0, t.length());
    }

    /** Shortens a value for an error message. */
    static String quote(String value) {
        String v = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return "'" + v + "'";
    }
}
