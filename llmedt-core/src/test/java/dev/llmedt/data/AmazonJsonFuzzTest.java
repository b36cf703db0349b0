package dev.llmedt.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.llmedt.testing.FuzzInput;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzz test of the Amazon reviews reader (JSON Lines) (issue 20): any bytes give a dataset or the documented
 * {@link MalformedDataException} (naming file and line), never another exception, a hang or
 * unbounded memory. An input is the reader's files joined by NUL bytes ({@link FuzzInput}); the
 * seeds are in {@code src/test/resources/dev/llmedt/data/AmazonJsonFuzzTestInputs/read/}. A normal build runs
 * them once each (Jazzer's regression mode); {@code mvn verify -pl llmedt-core -Pfuzz} fuzzes for
 * {@value FuzzInput#DURATION}.
 */
class AmazonJsonFuzzTest {

    /** Two domains' reviews and metadata files. */
    @FuzzTest(maxDuration = FuzzInput.DURATION)
    void read(byte[] input) throws IOException {
        Path dir = FuzzInput.files(input, "reviews_a.json", "meta_a.json", "reviews_b.json", "meta_b.json");
        try {
            AmazonReviewsReader.builder().domain("A", dir.resolve("reviews_a.json"), dir.resolve("meta_a.json"))
                    .domain("B", dir.resolve("reviews_b.json"), dir.resolve("meta_b.json")).build().read();
        } catch (MalformedDataException expected) {
            // documented
        } finally {
            FuzzInput.delete(dir);
        }
    }
}
