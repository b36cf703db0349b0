package dev.llmedt.text;

import dev.llmedt.concurrent.Concurrently;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the OpenAI-compatible clients: JSON POST with retries, back-off and jitter,
 * bounded concurrency and clear errors. Never logs or prints the API key.
 */
final class OpenAiTransport {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiTransport.class);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int BODY_EXCERPT = 300;

    private final HttpClient http;
    private final URI baseUrl;
    private final String apiKey;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final int maxConcurrency;
    private final Semaphore inFlight;

    OpenAiTransport(URI baseUrl, String apiKey, Duration connectTimeout, Duration requestTimeout, int maxAttempts,
            Duration initialBackoff, Duration maxBackoff, int maxConcurrency) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.maxConcurrency = maxConcurrency;
        this.inFlight = new Semaphore(maxConcurrency, true);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
    }

    /** Returns how many requests may be in flight at once. */
    int maxConcurrency() {
        return maxConcurrency;
    }

    /** Returns the endpoint URL without credentials, for messages. */
    String endpoint(String path) {
        return redact(resolve(path));
    }

    private URI resolve(String path) {
        String base = baseUrl.toString();
        return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
    }

    /**
     * POSTs a JSON body and returns the parsed JSON answer, retrying as configured.
     *
     * @param path relative to the base URL, e.g. {@code chat/completions}
     * @throws LanguageModelException on a non-retryable error, a malformed answer or exhausted retries
     */
    JsonNode post(String path, Object body) {
        URI uri = resolve(path);
        String where = "POST " + redact(uri);
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
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            HttpResponse<String> response = null;
            Duration retryAfter = null;
            try {
                inFlight.acquire();
                try {
                    response = http.send(request, HttpResponse.BodyHandlers.ofString());
                } finally {
                    inFlight.release();
                }
            } catch (HttpConnectTimeoutException e) {
                lastProblem = "could not connect within " + connectTimeout.toMillis() + " ms";
                lastStatus = 0;
                lastCause = e;
            } catch (HttpTimeoutException e) {
                lastProblem = "timed out after " + requestTimeout.toMillis() + " ms";
                lastStatus = 0;
                lastCause = e;
            } catch (IOException e) {
                lastProblem = "connection failed: " + e;
                lastStatus = 0;
                lastCause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LanguageModelException(where + ": interrupted", e);
            }
            if (response != null) {
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return parse(where, status, response.body());
                }
                lastStatus = status;
                lastCause = null;
                lastProblem = "HTTP " + status + ": " + excerpt(response.body());
                if (status != 408 && status != 429 && status < 500) {
                    throw new LanguageModelException(where + ": " + lastProblem, status, null);
                }
                retryAfter = retryAfter(response);
                if (retryAfter != null && retryAfter.compareTo(maxBackoff) > 0) {
                    throw new LanguageModelException(where + ": " + lastProblem + "; the server asks to retry after "
                            + retryAfter.toSeconds() + " s, longer than the back-off limit " + maxBackoff.toMillis()
                            + " ms (raise backoff(...) to wait that long)", status, null);
                }
            }
            if (attempt == maxAttempts) {
                break;
            }
            Duration wait = retryAfter != null ? retryAfter : backoff(attempt);
            LOG.warn("{}: {}; retrying in {} ms (attempt {} of {})", where, lastProblem, wait.toMillis(), attempt + 1, maxAttempts);
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LanguageModelException(where + ": interrupted while waiting to retry", e);
            }
        }
        throw new LanguageModelException(where + ": failed after " + maxAttempts + (maxAttempts == 1 ? " attempt" : " attempts")
                + "; last: " + lastProblem, lastStatus, lastCause);
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

    private static JsonNode parse(String where, int status, String body) {
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
