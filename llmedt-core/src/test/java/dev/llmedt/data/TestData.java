package dev.llmedt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.function.Executable;

/** Small helpers for tests that write data files. */
final class TestData {

    private TestData() {
    }

    /** Writes the lines (each followed by a newline) as UTF-8, gzip-compressed when the name ends in .gz. */
    static Path write(Path file, String... lines) throws IOException {
        byte[] bytes = text(lines).getBytes(StandardCharsets.UTF_8);
        if (file.getFileName().toString().endsWith(".gz")) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                out.write(bytes);
            }
        } else {
            Files.write(file, bytes);
        }
        return file;
    }

    static String text(String... lines) {
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    /** Writes bytes that are not gzip data. */
    static Path writeGarbage(Path file) throws IOException {
        Files.write(file, "this is not gzip data at all\n".getBytes(StandardCharsets.US_ASCII));
        return file;
    }

    /** Writes a gzip file of the lines, cut off in the middle of its compressed stream. */
    static Path writeTruncatedGzip(Path file, String... lines) throws IOException {
        Path whole = file.resolveSibling("whole-" + file.getFileName());
        write(whole, lines);
        byte[] bytes = Files.readAllBytes(whole);
        Files.delete(whole);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        return file;
    }

    /**
     * Asserts that reading fails with a MalformedDataException for the file and line, whose
     * message names both and whose reason contains the fragment.
     */
    static MalformedDataException assertMalformed(Path file, long line, String reasonFragment, Executable read) {
        MalformedDataException e = assertThrows(MalformedDataException.class, read);
        assertEquals(file, e.file(), () -> "file of: " + e.getMessage());
        assertEquals(line, e.line(), () -> "line of: " + e.getMessage());
        String location = line > 0 ? file + ":" + line + ": " : file + ": ";
        assertTrue(e.getMessage().startsWith(location), () -> "message '" + e.getMessage() + "' should start with " + location);
        assertTrue(e.reason().contains(reasonFragment), () -> "reason '" + e.reason() + "' should contain '" + reasonFragment + "'");
        return e;
    }

    /** Deletes a directory tree (for property tests, which have no @TempDir). */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
