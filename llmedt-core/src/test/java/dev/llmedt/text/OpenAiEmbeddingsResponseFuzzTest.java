package dev.llmedt.text;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmedt.testing.FuzzInput;
import java.net.URI;
import java.util.List;

/**
 * Fuzz test of the OpenAI-compatible embeddings response parser (issue 20): any response body
 * gives one finite vector per input, all of one dimension, or the documented
 * {@link LanguageModelException} (which the clients count as a failed request), never another
 * exception. The body goes through the same steps as a real response: {@code OpenAiTransport.parse}
 * (JSON object or not), then the embeddings client's {@code data[*].embedding}. No request is sent. Seeds:
 * {@code src/test/resources/dev/llmedt/text/OpenAiEmbeddingsResponseFuzzTestInputs/embeddings/}; {@code -Pfuzz} fuzzes
 * for {@value FuzzInput#DURATION}.
 */
class OpenAiEmbeddingsResponseFuzzTest {

    private static final URI UNUSED = URI.create("http://127.0.0.1:9/v1");

    @FuzzTest(maxDuration = FuzzInput.DURATION)
    void embeddings(byte[] body) throws Exception {
        // The first byte chooses the batch size (1-4), so that count checks are reached either way.
        int inputs = body.length == 0 ? 1 : 1 + (body[0] & 3);
        byte[] rest = body.length == 0 ? body : java.util.Arrays.copyOfRange(body, 1, body.length);
        try (OpenAiEmbeddingEncoder encoder = (OpenAiEmbeddingEncoder) OpenAiCompatible.embeddings(UNUSED, "fuzz").build()) {
            List<String> batch = java.util.Collections.nCopies(inputs, "x");
            float[][] vectors;
            try {
                JsonNode answer = OpenAiTransport.parse("fuzz", 200, rest);
                vectors = encoder.vectors(answer, batch, 0);
            } catch (LanguageModelException documented) {
                return;
            }
            if (vectors.length != inputs) {
                throw new AssertionError(vectors.length + " vectors for " + inputs + " inputs");
            }
            for (float[] v : vectors) {
                if (v == null || v.length == 0 || v.length != vectors[0].length) {
                    throw new AssertionError("every input gets a vector of one dimension");
                }
                for (float x : v) {
                    if (!Float.isFinite(x)) {
                        throw new AssertionError("a vector the client returns is finite");
                    }
                }
            }
        }
    }
}
