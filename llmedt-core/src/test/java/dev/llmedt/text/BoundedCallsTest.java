package dev.llmedt.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.testing.ScriptedServer;
import dev.llmedt.testing.ScriptedServer.Reply;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounds of the OpenAI-compatible clients (issue 20, points 3 and 7): the circuit breaker and
 * its counts, the maximum answer size, the endpoint in the chat id (and so in the cache key).
 */
class BoundedCallsTest {

    private static OpenAiCompatible.ChatBuilder chat(URI url) {
        return OpenAiCompatible.chat(url, "chat-model").backoff(Duration.ofMillis(1), Duration.ofMillis(2));
    }

    @Test
    void theBreakerOpensAfterConsecutiveFailedRequestsAndRefusesLaterCalls() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> Reply.status(503, "{\"error\": \"down\"}"))) {
            OpenAiCompatible.Chat gen = chat(server.baseUrl()).maxAttempts(2).circuitBreaker(3).maxConcurrency(1).build();
            LanguageModelException first = assertThrows(LanguageModelException.class, () -> gen.generate("a"));
            assertTrue(first.getMessage().contains("failed after 2 attempts") && first.getMessage().contains("HTTP 503"), first.getMessage());
            assertFalse(gen.statistics().circuitOpen());
            LanguageModelException second = assertThrows(LanguageModelException.class, () -> gen.generate("b"));
            assertTrue(second.getMessage().contains("failed after 1 attempt;") && second.getMessage().contains("no retry, the circuit breaker is open"),
                    second.getMessage());
            for (String p : List.of("c", "d", "e")) {
                LanguageModelException refused = assertThrows(LanguageModelException.class, () -> gen.generate(p));
                assertTrue(refused.getMessage().contains("not sent, the circuit breaker is open (3 consecutive requests failed, the last: HTTP 503"),
                        refused.getMessage());
            }
            assertEquals(3, server.requestCount(), "2 + 1 requests, then none");
            assertEquals(new OpenAiCompatible.CallStatistics(server.baseUrl().toString(), 5, 0, 2, 3, 3, 3, true), gen.statistics());
        }
    }

    @Test
    void aCallWaitingToRetryStopsWhenAnotherCallOpensTheBreaker() throws Exception {
        // Request 1 fails at once, request 2 after 100 ms: the first call is still in its back-off (150-300 ms) when the second
        // failure opens the breaker, and must not send its retry.
        try (ScriptedServer server = new ScriptedServer((n, req) -> new Reply(500, "{}", java.util.Map.of(), n == 1 ? 0 : 100))) {
            OpenAiCompatible.Chat gen = OpenAiCompatible.chat(server.baseUrl(), "m").backoff(Duration.ofMillis(300), Duration.ofMillis(300))
                    .maxAttempts(4).circuitBreaker(2).maxConcurrency(2).build();
            assertThrows(LanguageModelException.class, () -> gen.generateAll(List.of("a", "b")));
            Thread.sleep(400);
            assertEquals(2, server.requestCount(), "no retry once the breaker is open");
            assertEquals(2, gen.statistics().failed());
            assertTrue(gen.statistics().circuitOpen());
        }
    }

    @Test
    void aSuccessResetsTheCountAndRateLimitsDoNotCount() throws Exception {
        // 500, 500, ok, 429 x 3 (then ok), 500, 500, ok: never 3 failures in a row.
        Set<Integer> ok = Set.of(3, 7, 10);
        Set<Integer> limited = Set.of(4, 5, 6);
        try (ScriptedServer server = new ScriptedServer((n, req) -> ok.contains(n) ? Reply.json(ScriptedServer.chat("fine"))
                : limited.contains(n) ? Reply.status(429, "{}") : Reply.status(500, "{}"))) {
            OpenAiCompatible.Chat gen = chat(server.baseUrl()).maxAttempts(4).circuitBreaker(3).maxConcurrency(1).build();
            assertEquals("fine", gen.generate("a"));
            assertEquals("fine", gen.generate("b"));
            assertEquals("fine", gen.generate("c"));
            OpenAiCompatible.CallStatistics s = gen.statistics();
            assertEquals(10, s.requests());
            assertEquals(4, s.failedRequests(), "the 500s; the 429s neither count nor reset");
            assertEquals(3, s.succeeded());
            assertFalse(s.circuitOpen());
        }
    }

    @Test
    void aMalformedAnswerCountsForTheBreaker() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> Reply.json("{\"choices\": []}"))) {
            OpenAiCompatible.Chat gen = chat(server.baseUrl()).circuitBreaker(2).build();
            assertThrows(LanguageModelException.class, () -> gen.generate("a"));
            assertThrows(LanguageModelException.class, () -> gen.generate("b"));
            LanguageModelException refused = assertThrows(LanguageModelException.class, () -> gen.generate("c"));
            assertTrue(refused.getMessage().contains("not sent") && refused.getMessage().contains("no text at choices[0].message.content"),
                    refused.getMessage());
            assertEquals(2, server.requestCount(), "malformed answers are not retried");
        }
    }

    @Test
    void anAnswerBeyondTheSizeLimitFailsWithoutRetry() throws Exception {
        String big = ScriptedServer.chat("x".repeat(5000));
        try (ScriptedServer server = new ScriptedServer((n, req) -> Reply.json(big))) {
            OpenAiCompatible.Chat gen = chat(server.baseUrl()).maxAttempts(3).maxResponseBytes(2048).build();
            LanguageModelException e = assertThrows(LanguageModelException.class, () -> gen.generate("a"));
            assertTrue(e.getMessage().contains("answer too large") && e.getMessage().contains("2048 bytes (maxResponseBytes)"),
                    e.getMessage());
            assertEquals(1, server.requestCount());
            assertEquals("x".repeat(5000), chat(server.baseUrl()).maxResponseBytes(8192).build().generate("a"));
        }
    }

    @Test
    void oneCallEndsWithinDeadlineTimesAttemptsWhenTheServerIsSilent() throws Exception {
        try (ScriptedServer server = new ScriptedServer((n, req) -> new Reply(200, "{}", java.util.Map.of(), 60_000))) {
            OpenAiCompatible.Chat gen = chat(server.baseUrl()).requestTimeout(Duration.ofMillis(300)).maxAttempts(3).build();
            long t0 = System.nanoTime();
            LanguageModelException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(LanguageModelException.class, () -> gen.generate("a")));
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis >= 900 && millis < 900 + 3000, "3 x 300 ms + slack, took " + millis + " ms");
            assertTrue(e.getMessage().contains("timed out after 300 ms"), e.getMessage());
        }
    }

    @Test
    void theChatIdNamesTheEndpointSoTwoServersNeverShareCachedAnswers(@TempDir Path dir) throws Exception {
        try (ScriptedServer a = new ScriptedServer((n, req) -> Reply.json(ScriptedServer.chat("from A")));
                ScriptedServer b = new ScriptedServer((n, req) -> Reply.json(ScriptedServer.chat("from B")))) {
            TextCache cache = TextCache.open(dir);
            OpenAiCompatible.Chat clientA = chat(a.baseUrl()).build();
            OpenAiCompatible.Chat clientB = chat(b.baseUrl()).build();
            assertEquals("openai-compatible/chat-model@" + a.baseUrl() + ";temperature=0.0;max_tokens=512", clientA.modelId());
            assertEquals(clientA.modelId(), chat(URI.create(a.baseUrl() + "/")).build().modelId(), "a trailing slash is the same endpoint");
            assertEquals("from A", cache.cached(clientA).generate("p"));
            assertEquals("from B", cache.cached(clientB).generate("p"), "B's answer, not A's cached one");
            assertEquals("from A", cache.cached(clientA).generate("p"));
            assertEquals(1, a.requestCount());
            assertEquals(1, b.requestCount());

            // An entry cached under the old id (model and settings, no URL) is not found, never misread; the prompt is asked again.
            String oldId = "openai-compatible/chat-model;temperature=0.0;max_tokens=512";
            cache.putText(oldId, "q", "stale answer of an unknown server");
            assertEquals("from B", cache.cached(clientB).generate("q"));
            assertEquals("stale answer of an unknown server", cache.getText(oldId, "q"), "the old entry stays, unused");
        }
    }

    @Test
    void theNewSettingsCheckTheirArguments() {
        URI url = URI.create("http://127.0.0.1:9/v1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenAiCompatible.chat(url, "m").circuitBreaker(0));
        assertEquals("circuitBreaker must be in [1, 1000000], got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OpenAiCompatible.chat(url, "m").maxResponseBytes(100));
        assertEquals("maxResponseBytes must be in [1024, 1073741824], got 100", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OpenAiCompatible.embeddings(url, "m").maxResponseBytes(1L << 31));
        assertTrue(e.getMessage().contains("2147483648"), e.getMessage());
    }
}
