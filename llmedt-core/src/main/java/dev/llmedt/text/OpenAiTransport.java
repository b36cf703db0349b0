package dev.llmedt.text;

import dev.llmedt.concurrent.Concurrently;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the OpenAI-compatible clients: JSON POST with retries, back-off and jitter,
 * bounded concurrency, a deadline on the whole exchange, a cap on the answer's size, a circuit
 * breaker and clear errors. Never logs or prints the API key.
 *
 * <p><b>Deadline.</b> Each attempt must deliver its status, headers and whole body within the
 * request time-out; the JDK's own request time-out covers the headers only, so a server that
 * answers the headers and then trickles the body would otherwise hold the caller forever. The
 * exchange runs asynchronously and is cancelled when the deadline passes ({@link BoundedExchange}).
 *
 * <p><b>Circuit breaker.</b> After {@code circuitBreaker} consecutive failed requests (any failure
 * of one HTTP exchange, or an answer that cannot be read; a 429 neither counts nor resets) the
 * breaker opens for the rest of the client's life: it logs that once at WARN, pending retries
 * stop, and every later call fails at once with a {@link LanguageModelException} without a
 * request, counted as refused. A successful request resets the count.
 */
final class OpenAiTransport {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiTransport.class);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int BODY_EXCERPT = 300;

    /** What one attempt came to. */
    private enum Outcome {
        SUCCESS, RETRYABLE, RATE_LIMITED, FINAL
    }

    private final BoundedExchange exchange;
    private final URI baseUrl;
    private final String apiKey;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final int maxConcurrency;
    private final int circuitBreaker;
    private final Semaphore inFlight;

    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicBoolean open = new AtomicBoolean();
    private volatile String openedBecause;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failedRequests = new AtomicLong();

    OpenAiTransport(URI baseUrl, String apiKey, Duration connectTimeout, Duration requestTimeout, int maxAttempts,
            Duration initialBackoff, Duration maxBackoff, int maxConcurrency, long maxResponseBytes, int circuitBreaker) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.maxConcurrency = maxConcurrency;
        this.circuitBreaker = circuitBreaker;
        this.inFlight = new Semaphore(maxConcurrency, true);
        this.exchange = new BoundedExchange(connectTimeout, requestTimeout, maxResponseBytes);
    }

    /** Returns how many requests may be in flight at once. */
    int maxConcurrency() {
        return maxConcurrency;
    }

    /** Returns the endpoint URL without credentials, for messages. */
    String endpoint(String path) {
        return redact(resolve(path));
    }

    /** Returns the base URL without credentials and without a trailing slash (part of the generator's id). */
    String baseEndpoint() {
        String s = redact(baseUrl);
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Returns the counts of this client so far. */
    OpenAiCompatible.CallStatistics statistics() {
        return new OpenAiCompatible.CallStatistics(baseEndpoint(), calls.get(), succeeded.get(), failed.get(), refused.get(),
                requests.get(), failedRequests.get(), open.get());
    }

    private URI resolve(String path) {
        String base = baseUrl.toString();
        return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
    }

    /**
     * POSTs a JSON body and returns the parsed JSON answer, retrying as configured.
     *
     * @param path relative to the base URL, e.g. {@code chat/completions}
     * @throws LanguageModelException on a non-retryable error, a malformed answer, exhausted retries
     *     or an open circuit breaker
     */
    JsonNode post(String path, Object body) {
        return post(path, body, Function.identity());
    }

    /**
     * POSTs a JSON body, retrying as configured, and reads the answer with {@code read}; a
     * {@link LanguageModelException} from {@code read} (a malformed answer) fails the call without
     * retry and counts as a failed request for the circuit breaker.
     */
    <T> T post(String path, Object body, Function<JsonNode, T> read) {
        URI uri = resolve(path);
        String where = "POST " + redact(uri);
        calls.incrementAndGet();
        if (open.get()) {
            refused.incrementAndGet();
            throw new LanguageModelException(where + ": not sent, the circuit breaker is open (" + openedBecause + ")");
        }
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the request JSON: " + e.getMessage(), e);
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
        if (apiKey != null) {
            rb.header("Authorization", "Bearer " + apiKey);
        }
        HttpRequest request = rb.build();
        String lastProblem = null;
        int lastStatus = 0;
        Throwable lastCause = null;
        int attempt = 1;
        for (;; attempt++) {
            HttpResponse<byte[]> response = null;
            Duration retryAfter = null;
            Outcome outcome;
            try {
                inFlight.acquire();
                try {
                    requests.incrementAndGet();
                    response = exchange.send(request);
                } finally {
                    inFlight.release();
                }
            } catch (HttpConnectTimeoutException e) {
                lastProblem = "could not connect within " + connectTimeout.toMillis() + " ms";
                lastStatus = 0;
                lastCause = e;
            } catch (TimeoutException | HttpTimeoutException e) {
                lastProblem = "timed out after " + requestTimeout.toMillis() + " ms (no complete answer: status, headers and body)";
                lastStatus = 0;
                lastCause = e;
            } catch (BoundedExchange.ResponseTooLargeException e) {
                lastProblem = e.getMessage();
                failure(where, lastProblem);
                throw fail(where + ": " + lastProblem, 0, e);
            } catch (IOException e) {
                lastProblem = "connection failed: " + e;
                lastStatus = 0;
                lastCause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.incrementAndGet();
                throw new LanguageModelException(where + ": interrupted", e);
            }
            if (response != null) {
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    T answer;
                    try {
                        answer = read.apply(parse(where, status, response.body()));
                    } catch (LanguageModelException e) {
                        failure(where, e.getMessage());
                        failed.incrementAndGet();
                        throw e;
                    }
                    consecutiveFailures.set(0);
                    succeeded.incrementAndGet();
                    return answer;
                }
                lastStatus = status;
                lastCause = null;
                lastProblem = "HTTP " + status + ": " + excerpt(text(response.body()));
                if (status != 408 && status != 429 && status < 500) {
                    failure(where, lastProblem);
                    throw fail(where + ": " + lastProblem, status, null);
                }
                outcome = status == 429 ? Outcome.RATE_LIMITED : Outcome.RETRYABLE;
                retryAfter = retryAfter(response);
                if (retryAfter != null && retryAfter.compareTo(maxBackoff) > 0) {
                    if (outcome == Outcome.RETRYABLE) {
                        failure(where, lastProblem);
                    }
                    throw fail(where + ": " + lastProblem + "; the server asks to retry after " + retryAfter.toSeconds()
                            + " s, longer than the back-off limit " + maxBackoff.toMillis() + " ms (raise backoff(...) to wait that long)",
                            status, null);
                }
            } else {
                outcome = Outcome.RETRYABLE;
            }
            if (outcome == Outcome.RETRYABLE) {
                failure(where, lastProblem);
            }
            if (attempt == maxAttempts || open.get()) {
                break;
            }
            Duration wait = retryAfter != null ? retryAfter : backoff(attempt);
            LOG.warn("{}: {}; retrying in {} ms (attempt {} of {})", where, lastProblem, wait.toMillis(), attempt + 1, maxAttempts);
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.incrementAndGet();
                throw new LanguageModelException(where + ": interrupted while waiting to retry", e);
            }
            if (open.get()) {
                break; // another call opened the breaker while this one waited
            }
        }
        throw fail(where + ": failed after " + attempt + (attempt == 1 ? " attempt" : " attempts") + "; last: " + lastProblem
                + (open.get() && attempt < maxAttempts ? "; no retry, the circuit breaker is open" : ""), lastStatus, lastCause);
    }

    private LanguageModelException fail(String message, int status, Throwable cause) {
        failed.incrementAndGet();
        return new LanguageModelException(message, status, cause);
    }

    /** Counts one failed request; opens the breaker (and says so once) at the configured number in a row. */
    private void failure(String where, String problem) {
        if (problem.startsWith(where + ": ")) {
            problem = problem.substring(where.length() + 2);
        }
        failedRequests.incrementAndGet();
        int n = consecutiveFailures.incrementAndGet();
        if (n >= circuitBreaker && open.compareAndSet(false, true)) {
            openedBecause = n + " consecutive requests failed, the last: " + problem;
            LOG.warn("{}: {} consecutive requests failed (the last: {}); circuit breaker open: this client sends no further requests "
                    + "and its calls fail at once (the callers fall back as they do for a failed call)", where, n, problem);
        }
    }

    private static String text(byte[] body) {
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }

    private Duration backoff(int attempt) {
        long cap = maxBackoff.toMillis();
        long base = Math.min(cap, initialBackoff.toMillis() << Math.min(attempt - 1, 30));
        if (base <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base - base / 2 + 1));
    }

    /** Reads {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(HttpResponse<?> response) {
        String v = response.headers().firstValue("Retry-After").orElse(null);
        if (v == null || v.isBlank()) {
            return null;
        }
        v = v.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /** Reads a response body as a JSON object; anything else is a {@link LanguageModelException} naming {@code where}. */
    static JsonNode parse(String where, int status, byte[] raw) {
        String body = text(raw);
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new LanguageModelException(where + ": malformed response (HTTP " + status + ", not a JSON object): "
                        + excerpt(body), status, null);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new LanguageModelException(where + ": malformed response (HTTP " + status + ", not JSON: "
                    + e.getOriginalMessage() + "): " + excerpt(body), status, e);
        }
    }

    /** Returns the body on one line, cut to a few hundred characters. */
    static String excerpt(String body) {
        if (body == null || body.isEmpty()) {
            return "(empty body)";
        }
        String flat = body.replaceAll("\\s+", " ").strip();
        return flat.length() <= BODY_EXCERPT ? flat : flat.substring(0, BODY_EXCERPT) + "... (" + body.length() + " chars)";
    }

    /** Returns the URL without user information, query or fragment (which may hold secrets). */
    static String redact(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return uri.getScheme() + "://" + uri.getHost();
        }
    }

    /**
     * Applies {@code f} to every input with up to {@link #maxConcurrency()} threads, keeping the
     * order; the first failure is rethrown.
     */
    <T, R> List<R> mapConcurrently(List<T> inputs, Function<T, R> f) {
        return Concurrently.map(inputs, maxConcurrency, "llmedt-http", f, cause -> cause instanceof InterruptedException
                ? new LanguageModelException("interrupted while waiting for " + redact(baseUrl), cause)
                : new LanguageModelException(cause.toString(), cause));
    }

    @Override
    public String toString() {
        return redact(baseUrl) + (apiKey == null ? "" : " (with API key)");
    }
}
