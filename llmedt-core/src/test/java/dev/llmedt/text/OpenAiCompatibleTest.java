package dev.llmedt.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmedt.testing.ScriptedServer;
import dev.llmedt.testing.ScriptedServer.Reply;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible clients against a real HTTP server on loopback speaking the OpenAI wire
 * format: successes, retries, exhausted retries, time-outs, malformed answers, wrong dimensions.
 */
class OpenAiCompatibleTest {

    private static final String SECRET = "sk-test-secret-123";

    private static OpenAiCompatible.EmbeddingsBuilder embeddings(ScriptedServer server) {
        return OpenAiCompatible.embeddings(server.baseUrl(), "embed-model").backoff(Duration.ofMillis(5), Duration.ofMillis(50));
    }

    private static OpenAiCompatible.ChatBuilder chat(ScriptedServer server) {
        return OpenAiCompatible.chat(server.baseUrl(), "chat-model").backoff(Duration.ofMillis(5), Duration.ofMillis(50));
    }

    /** Answers each embeddings request with vectors (i+1, 2, 0...) for its inputs, of the given length. */
    private static Reply vectorsFor(JsonNode request, int dim) {
        int n = request.get("input").size();
        float[][] v = new float[n][dim];
        for (int i = 0; i < n; i++) {
            v[i][0] = request.get("input").get(i).asText().length();
            v[i][1] = 2;
        }
        return Reply.json(ScriptedServer.embeddings(v));
    }

    @Test
    void embeddingsSucceedInBatchesInOrderNormalisedAndWithTheKey() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> vectorsFor(req, 3))) {
            TextEncoder enc = embeddings(server).apiKeyFromEnvironment("MY_KEY").environment(name -> "MY_KEY".equals(name) ? SECRET : null)
                    .batchSize(2).dimension(3).build();
            float[][] out = enc.encode(List.of("a", "bb", "ccc", "dddd", "eeeee"));
            assertEquals(3, server.requestCount(), "5 texts in batches of 2");
            for (int i = 0; i < 5; i++) {
                double len = i + 1;
                double norm = Math.sqrt(len * len + 4);
                assertArrayEquals(new float[] {(float) (len / norm), (float) (2 / norm), 0}, out[i], 1e-6f, "text " + i);
            }
            ScriptedServer.Request first = server.requests.get(0);
            assertEquals("/v1/embeddings", first.path());
            assertEquals("Bearer " + SECRET, first.authorization());
            assertEquals("embed-model", first.body().get("model").asText());
            assertEquals("float", first.body().get("encoding_format").asText());
            assertEquals(3, enc.dimension());
            assertFalse(enc.toString().contains(SECRET), enc.toString());
            assertEquals("openai-compatible/embed-model", enc.modelId());
        }
    }

    @Test
    void theDimensionIsLearntFromTheServerWhenNotGiven() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> vectorsFor(req, 5))) {
            TextEncoder enc = embeddings(server).build();
            assertEquals(5, enc.dimension());
            assertEquals(1, server.requestCount());
            assertEquals(5, enc.encode("tea").length);
        }
    }

    @Test
    void tooManyRequestsIsRetriedThenSucceeds() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> n == 1
                ? new Reply(429, "{\"error\": {\"message\": \"slow down\"}}", Map.of("Retry-After", "0"), 0)
                : vectorsFor(req, 3))) {
            float[][] out = embeddings(server).dimension(3).build().encode(List.of("tea"));
            assertEquals(2, server.requestCount());
            assertEquals(3, out[0].length);
        }
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> n == 1
                ? new Reply(503, "busy", Map.of("Retry-After", "1"), 0) : vectorsFor(req, 3))) {
            long start = System.nanoTime();
            embeddings(server).backoff(Duration.ofMillis(5), Duration.ofSeconds(5)).build().encode(List.of("tea"));
            assertTrue(System.nanoTime() - start >= 950_000_000L, "waited the second the server asked for");
            assertEquals(2, server.requestCount());
        }
    }

    @Test
    void aRetryAfterBeyondTheBackoffLimitFailsAtOnce() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> new Reply(429, "quota", Map.of("Retry-After", "3600"), 0))) {
            LanguageModelException e = assertThrows(LanguageModelException.class, () -> embeddings(server).build().encode(List.of("tea")));
            assertEquals(1, server.requestCount());
            assertEquals(429, e.statusCode());
            assertTrue(e.getMessage().contains("3600 s") && e.getMessage().contains("backoff"), e.getMessage());
        }
    }

    @Test
    void repeatedServerErrorsFailClearlyAfterTheRetryBudget() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> Reply.status(500, "{\"error\": \"model crashed\"}"))) {
            TextEncoder enc = embeddings(server).maxAttempts(3).dimension(3).build();
            LanguageModelException e = assertThrows(LanguageModelException.class, () -> enc.encode(List.of("tea")));
            assertEquals(3, server.requestCount());
            assertEquals(500, e.statusCode());
            String m = e.getMessage();
            assertTrue(m.contains("failed after 3 attempts") && m.contains("HTTP 500") && m.contains("model crashed")
                    && m.contains(server.baseUrl() + "/embeddings"), m);
        }
    }

    @Test
    void aSlowServerTimesOutAndIsRetriedThenFails() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> new Reply(200, "{}", Map.of(), 3_000))) {
            TextEncoder enc = embeddings(server).requestTimeout(Duration.ofMillis(200)).maxAttempts(2).dimension(3).build();
            // Had the client waited for the server's late reply ("{}"), the error would be about a missing
            // 'data' array, not a time-out: the message alone shows it gave up, no clock needed.
            LanguageModelException e = assertThrows(LanguageModelException.class, () -> enc.encode(List.of("tea")));
            assertTrue(e.getMessage().contains("timed out after 200 ms") && e.getMessage().contains("2 attempts"), e.getMessage());
            assertEquals(0, e.statusCode());
            assertEquals(2, server.requestCount());
        }
    }

    @Test
    void malformedJsonIsAClearErrorWithoutRetry() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> Reply.json("{\"data\": [{\"embedding\": [1, 2,"))) {
            LanguageModelException e = assertThrows(LanguageModelException.class,
                    () -> embeddings(server).dimension(3).build().encode(List.of("tea")));
            assertEquals(1, server.requestCount());
            assertTrue(e.getMessage().contains("malformed response") && e.getMessage().contains("not JSON")
                    && e.getMessage().contains("{\"data\""), e.getMessage());
        }
        try (ScriptedServer server = new ScriptedServer((n, req) -> Reply.json("{\"object\": \"list\"}"))) {
            LanguageModelException e = assertThrows(LanguageModelException.class,
                    () -> embeddings(server).dimension(3).build().encode(List.of("tea")));
            assertTrue(e.getMessage().contains("no 'data' array"), e.getMessage());
        }
    }

    @Test
    void aVectorOfTheWrongDimensionIsAClearError() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> vectorsFor(req, 3))) {
            LanguageModelException e = assertThrows(LanguageModelException.class,
                    () -> embeddings(server).dimension(4).build().encode(List.of("tea", "rice")));
            assertTrue(e.getMessage().contains("3 values for input") && e.getMessage().contains("expected dimension 4"), e.getMessage());
        }
    }

    @Test
    void aZeroVectorNamesItsInput() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> Reply.json(ScriptedServer.embeddings(new float[] {1, 0}, new float[2])))) {
            LanguageModelException e = assertThrows(LanguageModelException.class,
                    () -> embeddings(server).build().encode(List.of("tea", "rice")));
            assertTrue(e.getMessage().contains("input 1") && e.getMessage().contains("zero norm"), e.getMessage());
        }
    }

    @Test
    void clientErrorsFailAtOnceWithStatusBodyAndNoSecrets() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> Reply.status(401, "{\"error\": {\"message\": \"bad key\"}}"))) {
            URI withSecrets = URI.create("http://user:pw@127.0.0.1:" + server.baseUrl().getPort() + "/v1?api-key=hidden");
            TextGenerator gen = OpenAiCompatible.chat(withSecrets, "chat-model").apiKeyFromEnvironment("K").environment(k -> SECRET).build();
            LanguageModelException e = assertThrows(LanguageModelException.class, () -> gen.generate("hello"));
            assertEquals(1, server.requestCount(), "4xx is not retried");
            assertEquals(401, e.statusCode());
            String m = e.getMessage();
            assertTrue(m.contains("HTTP 401") && m.contains("bad key"), m);
            for (String secret : new String[] {SECRET, "pw", "hidden"}) {
                assertFalse(m.contains(secret), m);
                assertFalse(gen.toString().contains(secret), gen.toString());
            }
        }
    }

    @Test
    void chatSendsTheWireFormatAndReturnsTheContent() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> Reply.json(ScriptedServer.chat(
                "echo: " + req.at("/messages/1/content").asText())))) {
            TextGenerator gen = chat(server).systemPrompt("You recommend kitchenware.").temperature(0.3).maxTokens(64).seed(7).build();
            assertEquals("echo: tea lover", gen.generate("tea lover"));
            JsonNode body = server.requests.get(0).body();
            assertEquals("/v1/chat/completions", server.requests.get(0).path());
            assertNull(server.requests.get(0).authorization());
            assertEquals("chat-model", body.get("model").asText());
            assertEquals("system", body.at("/messages/0/role").asText());
            assertEquals("You recommend kitchenware.", body.at("/messages/0/content").asText());
            assertEquals("user", body.at("/messages/1/role").asText());
            assertEquals(0.3, body.get("temperature").asDouble(), 1e-12);
            assertEquals(64, body.get("max_tokens").asInt());
            assertEquals(7, body.get("seed").asLong());
            assertTrue(gen.modelId().startsWith("openai-compatible/chat-model@" + server.baseUrl() + ";temperature=0.3;max_tokens=64;system="),
                    gen.modelId());
        }
    }

    @Test
    void chatRequestsRunConcurrentlyWithinTheBound() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> new Reply(200,
                ScriptedServer.chat("re: " + req.at("/messages/0/content").asText()), Map.of(), 150))) {
            TextGenerator gen = chat(server).maxConcurrency(2).build();
            List<String> prompts = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                prompts.add("p" + i);
                expected.add("re: p" + i);
            }
            assertEquals(expected, gen.generateAll(prompts));
            assertEquals(2, server.maxInFlight(), "never more than maxConcurrency requests at once");
        }
    }

    @Test
    void malformedChatAnswersAreClearErrors() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> Reply.json("{\"choices\": []}"))) {
            LanguageModelException e = assertThrows(LanguageModelException.class, () -> chat(server).build().generate("x"));
            assertTrue(e.getMessage().contains("choices[0].message.content") && e.getMessage().contains("/v1/chat/completions"),
                    e.getMessage());
        }
        try (ScriptedServer server = new ScriptedServer((n, req) -> Reply.json("<html>gateway</html>"))) {
            LanguageModelException e = assertThrows(LanguageModelException.class, () -> chat(server).build().generate("x"));
            assertTrue(e.getMessage().contains("not JSON") && e.getMessage().contains("<html>gateway</html>"), e.getMessage());
        }
        try (ScriptedServer server = new ScriptedServer((n, req) -> Reply.status(400, "{\"error\": \"context length exceeded\"}"))) {
            LanguageModelException e = assertThrows(LanguageModelException.class, () -> chat(server).build().generate("x"));
            assertTrue(e.getMessage().contains("HTTP 400") && e.getMessage().contains("context length exceeded"), e.getMessage());
            assertEquals(1, server.requestCount());
        }
    }

    @Test
    void aRefusedConnectionIsRetriedThenReported() throws Exception {
        URI closed;
        try (ScriptedServer server = new ScriptedServer((n, req) -> Reply.json("{}"))) {
            closed = server.baseUrl();
        }
        TextGenerator gen = OpenAiCompatible.chat(closed, "m").maxAttempts(2).backoff(Duration.ZERO, Duration.ZERO).build();
        LanguageModelException e = assertThrows(LanguageModelException.class, () -> gen.generate("x"));
        assertTrue(e.getMessage().contains("connection failed") && e.getMessage().contains("2 attempts"), e.getMessage());
    }

    @Test
    void buildersCheckTheirArguments() {
        URI url = URI.create("http://127.0.0.1:9/v1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenAiCompatible.chat(url, "m").temperature(3));
        assertEquals("temperature must be in [0.0, 2.0], got 3.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OpenAiCompatible.chat(url, "m").maxAttempts(0));
        assertTrue(e.getMessage().contains("maxAttempts") && e.getMessage().contains("got 0"));
        e = assertThrows(IllegalArgumentException.class, () -> OpenAiCompatible.embeddings(url, "m").batchSize(5000));
        assertTrue(e.getMessage().contains("batchSize") && e.getMessage().contains("5000"));
        e = assertThrows(IllegalArgumentException.class, () -> OpenAiCompatible.chat(URI.create("ftp://x/v1"), "m"));
        assertTrue(e.getMessage().contains("baseUrl"));
        e = assertThrows(IllegalArgumentException.class,
                () -> OpenAiCompatible.chat(url, "m").backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("initial"));
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> OpenAiCompatible.chat(url, "m").apiKeyFromEnvironment("LLMEDT_SURELY_UNSET").environment(k -> null).build());
        assertTrue(missing.getMessage().contains("LLMEDT_SURELY_UNSET"));
    }
}
