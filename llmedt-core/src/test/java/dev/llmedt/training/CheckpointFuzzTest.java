package dev.llmedt.training;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.llmedt.CheckpointException;
import dev.llmedt.testing.FuzzInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Fuzz test of the checkpoint loader (issue 20): any bytes give a checkpoint or the documented
 * {@link CheckpointException} (naming the file), never another exception, a hang or unbounded
 * memory. The first byte, when odd, makes the SHA-256 trailer right (see {@link FuzzInput#resealed});
 * the rest is the file. Seeds: {@code src/test/resources/dev/llmedt/training/CheckpointFuzzTestInputs/load/}.
 * A normal build runs them once each; {@code mvn verify -pl llmedt-core -Pfuzz} fuzzes for
 * {@value FuzzInput#DURATION}.
 */
class CheckpointFuzzTest {

    @FuzzTest(maxDuration = FuzzInput.DURATION)
    void load(byte[] input) throws IOException {
        byte[] bytes = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        if (input.length > 0 && (input[0] & 1) == 1) {
            bytes = FuzzInput.resealed(bytes);
        }
        Path dir = FuzzInput.files(new byte[0], "run.ckpt");
        Path file = dir.resolve("run.ckpt");
        Files.write(file, bytes);
        try {
            CheckpointFile.read(file);
        } catch (CheckpointException expected) {
            // documented
        } finally {
            FuzzInput.delete(dir);
        }
    }
}
