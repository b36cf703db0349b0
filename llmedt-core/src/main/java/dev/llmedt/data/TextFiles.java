package dev.llmedt.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
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

    /** The longest line read, in bytes: a longer one is an error, not an unbounded buffer. */
    static final int MAX_LINE_BYTES = 64 << 20;

    /**
     * Calls the handler for every line of the file, as {@link Lines} reads them.
     *
     * @throws MalformedDataException as {@link Lines#next()}
     */
    static void forEachLine(Path file, LineHandler handler) throws IOException {
        try (Lines lines = new Lines(file)) {
            for (String text = lines.next(); text != null; text = lines.next()) {
                handler.line(lines.number(), text);
            }
        }
    }

    /**
     * The lines of a file, one at a time. Files ending in {@code .gz} are decompressed. A UTF-8
     * byte-order mark at the start of the file is skipped. Each line is decoded on its own, so
     * invalid UTF-8 is reported at the line that holds it.
     */
    static final class Lines implements Closeable {
        private final Path file;
        private final InputStream in;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private final byte[] chunk = new byte[1 << 16];
        private int position;
        private int end;
        private boolean endOfFile;
        private byte[] line = new byte[256];
        private int length;
        private long number;

        /**
         * Opens a file.
         *
         * @throws MalformedDataException when the file is missing, a directory or not valid gzip
         */
        Lines(Path file) throws IOException {
            this.file = file;
            this.in = open(file);
        }

        /**
         * Returns the next line, without its terminator and without a trailing carriage return, or
         * null at the end of the file.
         *
         * @throws MalformedDataException when the line is not valid UTF-8 (names the line), the gzip
         *     data is corrupt, or the line is longer than {@value TextFiles#MAX_LINE_BYTES} bytes
         */
        String next() throws IOException {
            while (true) {
                if (position == end && !fill()) {
                    return length > 0 ? finishLine() : null;
                }
                int newline = position;
                while (newline < end && chunk[newline] != '\n') {
                    newline++;
                }
                line = append(file, number, line, length, chunk, position, newline - position);
                length += newline - position;
                if (newline < end) {
                    position = newline + 1;
                    return finishLine();
                }
                position = end;
            }
        }

        /** Returns the 1-based number of the line {@link #next()} returned last (0 before the first). */
        long number() {
            return number;
        }

        private String finishLine() throws MalformedDataException {
            number++;
            String text = decode(file, number, decoder, line, length);
            length = 0;
            return text;
        }

        private boolean fill() throws IOException {
            if (endOfFile) {
                return false;
            }
            int n;
            try {
                n = in.read(chunk);
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                throw new MalformedDataException(file, number + 1, "corrupt or truncated gzip data (" + e.getMessage() + ")");
            } catch (IOException e) {
                // "Is a directory", an I/O error: name the file with the reason.
                throw new java.nio.file.FileSystemException(file.toString(), null, e.getMessage());
            }
            endOfFile = n < 0;
            position = 0;
            end = Math.max(n, 0);
            return !endOfFile;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static byte[] append(Path file, long number, byte[] line, int length, byte[] chunk, int from, int count)
            throws MalformedDataException {
        if (count == 0) {
            return line;
        }
        if ((long) length + count > MAX_LINE_BYTES) {
            throw new MalformedDataException(file, number + 1, "line longer than " + MAX_LINE_BYTES + " bytes");
        }
        byte[] out = line;
        if (length + count > out.length) {
            out = java.util.Arrays.copyOf(out, (int) Math.min(MAX_LINE_BYTES, Math.max(length + count, 2L * out.length)));
        }
        System.arraycopy(chunk, from, out, length, count);
        return out;
    }

    /** Decodes one line strictly, without a trailing carriage return, and (line 1) without a byte-order mark. */
    private static String decode(Path file, long number, CharsetDecoder decoder, byte[] line, int length) throws MalformedDataException {
        int start = number == 1 && length >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF ? 3 : 0;
        int end = length > start && line[length - 1] == '\r' ? length - 1 : length;
        try {
            return decoder.reset().decode(ByteBuffer.wrap(line, start, end - start)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedDataException(file, number, "not valid UTF-8 text");
        }
    }

    /** Opens a file for reading, decompressing a {@code .gz} one. */
    static InputStream open(Path file) throws IOException {
        InputStream in;
        if (Files.isDirectory(file)) {
            throw new MalformedDataException(file, 0, "is a directory, not a file");
        }
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
        return in;
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
