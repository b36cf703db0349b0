package dev.llmedt.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.llmedt.testing.FuzzInput;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzz test of the LLMCDSR reader (issue 20): any bytes give a dataset or the documented
 * {@link MalformedDataException} (naming file and line), never another exception, a hang or
 * unbounded memory. An input is the reader's files joined by NUL bytes ({@link FuzzInput}); the
 * seeds are in {@code src/test/resources/dev/llmedt/data/LlmcdsrFuzzTestInputs/read/}. A normal build runs
 * them once each (Jazzer's regression mode); {@code mvn verify -pl llmedt-core -Pfuzz} fuzzes for
 * {@value FuzzInput#DURATION}.
 */
class LlmcdsrFuzzTest {

    /** num.txt, items_A.tsv, items_B.tsv, train_A.txt, train_B.txt, train_overlap.txt, valid.txt, test.txt, instance_num.txt. */
    @FuzzTest(maxDuration = FuzzInput.DURATION)
    void read(byte[] input) throws IOException {
        Path dir = FuzzInput.files(input, "num.txt", "items_A.tsv", "items_B.tsv", "train_A.txt", "train_B.txt",
                "train_overlap.txt", "valid.txt", "test.txt", "instance_num.txt");
        try {
            new LlmcdsrReader(dir).read();
        } catch (MalformedDataException expected) {
            // documented
        } finally {
            FuzzInput.delete(dir);
        }
    }
}
