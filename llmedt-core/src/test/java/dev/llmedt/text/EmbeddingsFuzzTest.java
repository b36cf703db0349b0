package dev.llmedt.text;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.testing.FuzzInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * Fuzz test of the item embeddings reader (issue 20): any sidecar and matrix give embeddings or the
 * documented {@link IOException} (naming the file), never another exception, a hang or unbounded
 * memory. The input is the sidecar JSON and the matrix joined by a NUL byte; when the sidecar is a
 * JSON object its {@code sha256} is made right, so that the fuzzer reaches the dtype, byte order,
 * size and row checks. Seeds: {@code src/test/resources/dev/llmedt/text/EmbeddingsFuzzTestInputs/read/}.
 * A normal build runs them once each; {@code mvn verify -pl llmedt-core -Pfuzz} fuzzes for
 * {@value FuzzInput#DURATION}.
 */
class EmbeddingsFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @FuzzTest(maxDuration = FuzzInput.DURATION)
    void read(byte[] input) throws IOException {
        List<byte[]> parts = FuzzInput.split(input, 2);
        byte[] sidecar = parts.get(0);
        byte[] matrix = parts.get(1);
        try {
            JsonNode meta = JSON.readTree(sidecar);
            if (meta instanceof ObjectNode o && o.has("sha256")) {
                o.put("sha256", HexFormat.of().formatHex(FuzzInput.sha256(matrix, matrix.length)));
                sidecar = JSON.writeValueAsBytes(o);
            }
        } catch (IOException notJson) {
            // the reader sees it as it is
        }
        Path dir = FuzzInput.files(new byte[0], "items.f32");
        Path file = dir.resolve("items.f32");
        Files.write(file, matrix);
        Files.write(ItemEmbeddings.sidecar(file), sidecar);
        try {
            ItemEmbeddings.read(file);
        } catch (IOException expected) {
            // documented
        } finally {
            FuzzInput.delete(dir);
        }
    }
}
