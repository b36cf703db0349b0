package dev.llmedt.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable atomic writes: the target holds the old content or the new one, whole; failures leave nothing behind. */
class AtomicFilesTest {

    private static List<String> names(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aDurableWriteReplacesTheFileAndAFailedOneKeepsThePrevious(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.ckpt");
        AtomicFiles.writeDurably(file, out -> out.write("first".getBytes(StandardCharsets.UTF_8)));
        assertEquals("first", Files.readString(file));
        AtomicFiles.writeDurably(file, out -> out.write("second".getBytes(StandardCharsets.UTF_8)));
        assertEquals("second", Files.readString(file));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeDurably(file, out -> {
            out.write(new byte[100_000]); // some of it reaches the temporary file
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("second", Files.readString(file), "the previous content is kept");
        assertEquals(List.of("state.ckpt"), names(dir), "no temporary file is left");
    }

    @Test
    void temporariesOfAKilledWriterAreDeleted(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("state.ckpt"), "kept");
        Files.writeString(dir.resolve(".state.ckpt123.tmp"), "half");
        Files.writeString(dir.resolve(".other.ckpt9.tmp"), "someone else's");
        AtomicFiles.deleteTemporaries(dir.resolve("state.ckpt"));
        assertEquals(List.of(".other.ckpt9.tmp", "state.ckpt"), names(dir));
        AtomicFiles.deleteTemporaries(dir.resolve("missing/state.ckpt"));
    }
}
