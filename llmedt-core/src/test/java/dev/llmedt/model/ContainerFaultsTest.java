package dev.llmedt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.io.ChecksummedContainer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 20, point 7: a corrupt model file is named as corrupt, by every entry point, with the file name. */
class ContainerFaultsTest {

    @TempDir
    Path dir;

    private Path model() throws IOException {
        Path file = dir.resolve("m.llmedt");
        ObjectNode provenance = new ObjectMapper().createObjectNode().put("seed", 1);
        ModelFile.write(file, "sasrec", provenance.objectNode(), Provenance.fromJson(provenance),
                List.of(new ModelFile.Tensor("w", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6})));
        return file;
    }

    /** Rewrites the SHA-256 trailer so that the file is valid again. */
    private static byte[] resealed(byte[] bytes) {
        var sha = ChecksummedContainer.sha256();
        sha.update(bytes, 0, bytes.length - 32);
        byte[] out = bytes.clone();
        System.arraycopy(sha.digest(), 0, out, bytes.length - 32, 32);
        return out;
    }

    @Test
    void aFlippedVersionByteIsCorruptionNotANewerFormat() throws IOException {
        Path file = model();
        byte[] bytes = Files.readAllBytes(file);
        bytes[8] ^= 0x02; // version 1 -> 3
        Files.write(file, bytes);
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.read(file));
        assertTrue(e.getMessage().startsWith(file + ": checksum mismatch: the file is corrupt or truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("version field reads 3"), e.getMessage());
        assertFalse(e.getMessage().contains("upgrade"), e.getMessage());
        // A file that is whole and says version 3 was written by a newer llmedt.
        Files.write(file, resealed(bytes));
        ModelFileException newer = assertThrows(ModelFileException.class, () -> ModelFile.read(file));
        assertTrue(newer.getMessage().contains("model format 3 by a newer llmedt") && newer.getMessage().contains("upgrade"),
                newer.getMessage());
    }

    @Test
    void aCorruptHeaderIsNamedAsLoadingNamesIt() throws IOException {
        Path file = model();
        byte[] bytes = Files.readAllBytes(file);
        int header = 16;
        assertEquals('{', bytes[header]);
        bytes[header] = '#';
        Files.write(file, bytes);
        ModelFileException kind = assertThrows(ModelFileException.class, () -> ModelFile.kind(file));
        ModelFileException read = assertThrows(ModelFileException.class, () -> ModelFile.read(file));
        assertEquals(file + ": checksum mismatch: the file is corrupt or truncated", kind.getMessage());
        assertEquals(read.getMessage(), kind.getMessage());
        // Whole again but not JSON: still named, never a raw parser exception.
        Files.write(file, resealed(bytes));
        ModelFileException json = assertThrows(ModelFileException.class, () -> ModelFile.kind(file));
        assertTrue(json.getMessage().startsWith(file + ": invalid header (not JSON"), json.getMessage());
    }

    @Test
    void aDirectoryIsNamedWithTheReason() throws IOException {
        Path d = Files.createDirectories(dir.resolve("model-dir"));
        assertEquals(d + ": is a directory, not a model file", assertThrows(ModelFileException.class, () -> ModelFile.kind(d)).getMessage());
        assertEquals(d + ": is a directory, not a model file", assertThrows(ModelFileException.class, () -> ModelFile.read(d)).getMessage());
    }

    @Test
    void hugeOrNegativeTensorShapesAreRefusedNotAllocated() throws IOException {
        Path file = model();
        byte[] bytes = Files.readAllBytes(file);
        int length = ByteBuffer.wrap(bytes, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        String header = new String(bytes, 16, length, java.nio.charset.StandardCharsets.UTF_8);
        for (String shape : List.of("[65536,65536]", "[-2,-3]", "[3000000000]")) {
            String changed = header.replace("[2,3]", shape);
            byte[] h = changed.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] out = new byte[16 + h.length + (bytes.length - 16 - length)];
            System.arraycopy(bytes, 0, out, 0, 12);
            ByteBuffer.wrap(out, 12, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(h.length);
            System.arraycopy(h, 0, out, 16, h.length);
            System.arraycopy(bytes, 16 + length, out, 16 + h.length, bytes.length - 16 - length);
            Files.write(file, resealed(out));
            ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.read(file), shape);
            assertTrue(e.getMessage().contains("tensor w"), shape + ": " + e.getMessage());
        }
    }
}
