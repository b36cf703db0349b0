package dev.llmedt.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.llmedt.testing.FuzzInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Fuzz test of the CSV/TSV reader (through {@link CdsrDataset#read}) (issue 20): any bytes give a dataset or the documented
 * {@link MalformedDataException} (naming file and line), never another exception, a hang or
 * unbounded memory. An input is the reader's files joined by NUL bytes ({@link FuzzInput}); the
 * seeds are in {@code src/test/resources/dev/llmedt/data/DelimitedFuzzTestInputs/read/}. A normal build runs
 * them once each (Jazzer's regression mode); {@code mvn verify -pl llmedt-core -Pfuzz} fuzzes for
 * {@value FuzzInput#DURATION}.
 */
class DelimitedFuzzTest {

    /** items.csv, interactions.csv (first byte odd: .tsv names, so tabs). */
    @FuzzTest(maxDuration = FuzzInput.DURATION)
    void read(byte[] input) throws IOException {
        boolean tsv = input.length > 0 && (input[0] & 1) == 1;
        byte[] rest = input.length > 0 ? Arrays.copyOfRange(input, 1, input.length) : input;
        String ext = tsv ? "tsv" : "csv";
        Path dir = FuzzInput.files(rest, "items." + ext, "interactions." + ext);
        try {
            CdsrDataset.read(dir);
        } catch (MalformedDataException expected) {
            // documented
        } finally {
            FuzzInput.delete(dir);
        }
    }
}
