package dev.llmedt.training;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmedt.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 20, point 7: a flipped version byte in a checkpoint is corruption, not a newer format. */
class CheckpointFaultsTest {

    @Test
    void aFlippedVersionByteIsCorruption(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run.ckpt");
        CheckpointFile.write(file, new ObjectMapper().createObjectNode().put("phase", "x"), List.of());
        byte[] bytes = Files.readAllBytes(file);
        bytes[8] ^= 0x04; // version 1 -> 5
        Files.write(file, bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(file));
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains("version field reads 5"), e.getMessage());
        assertFalse(e.getMessage().contains("newer llmedt"), e.getMessage());
    }
}
