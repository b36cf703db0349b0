package dev.llmedt.text;

import dev.llmedt.check.Require;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Clients for OpenAI-compatible servers (vLLM, llama.cpp server, Ollama, OpenAI and others):
 * {@link #chat} builds a {@link TextGenerator} over {@code POST {baseUrl}/chat/completions},
 * {@link #embeddings} a {@link TextEncoder} over {@code POST {baseUrl}/embeddings}.
 *
 * <pre>{@code
 * TextGenerator llm = OpenAiCompatible.chat(URI.create("http://localhost:8000/v1"), "Qwen2.5-7B-Instruct")
 *     .apiKeyFromEnvironment("OPENAI_API_KEY").temperature(0.2).maxTokens(256).build();
 * }</pre>
 *
 * <p>The base URL includes the API version path, as in OpenAI's own clients:
 * {@code http://localhost:8000/v1} (vLLM), {@code http://localhost:8080/v1} (llama.cpp),
 * {@code http://localhost:11434/v1} (Ollama), {@code https://api.openai.com/v1}.
 *
 * <p>Both clients send JSON with the JDK's HttpClient (HTTP/1.1), retry on HTTP 408, 429 and 5xx,
 * on time-outs and on connection failures with exponential back-off and jitter (honouring a
 * {@code Retry-After} header up to the back-off limit), bound the number of requests in flight,
 * and fail with a {@link LanguageModelException} naming the URL (without credentials), the status
 * and a shortened body for other 4xx answers, for malformed answers and when the retries are
 * exhausted. The API key is read from an environment variable; it is sent only in the
 * {@code Authorization} header and never logged or shown by {@code toString()}.
 *
 * <p><b>Bounded calls.</b> One attempt must deliver its whole answer (status, headers and body)
 * within the {@linkplain ConnectionBuilder#requestTimeout request time-out} and at most
 * {@linkplain ConnectionBuilder#maxResponseBytes maxResponseBytes}; a server that sends the
 * headers and then trickles the body is abandoned at the deadline. One call therefore takes at most
 * about {@code maxAttempts x requestTimeout} plus the back-off. A
 * {@linkplain ConnectionBuilder#circuitBreaker circuit breaker} stops a client from calling an
 * endpoint that failed that many requests in a row: it says so once (WARN), and every later call
 * fails at once without a request, so callers fall back as they do for any failed call (the
 * augmenter skips that user's generated items, the profiler writes the extractive profile).
 * {@link Chat#statistics()} and {@link Embeddings#statistics()} count calls, failures and refusals.
 */
public final class OpenAiCompatible {

    private OpenAiCompatible() {
    }

    /**
     * Starts a chat-completions client.
     *
     * @param baseUrl the server's API root, e.g. {@code http://localhost:8000/v1}
     * @param model the model name the server knows
     */
    public static ChatBuilder chat(URI baseUrl, String model) {
        return new ChatBuilder(baseUrl, model);
    }

    /**
     * Starts an embeddings client.
     *
     * @param baseUrl the server's API root, e.g. {@code http://localhost:8000/v1}
     * @param model the embedding model name the server knows
     */
    public static EmbeddingsBuilder embeddings(URI baseUrl, String model) {
        return new EmbeddingsBuilder(baseUrl, model);
    }

    /** A chat-completions client: a {@link TextGenerator} that counts its calls. */
    public interface Chat extends TextGenerator {

        /** Returns the calls made so far, their outcomes and the state of the circuit breaker. */
        CallStatistics statistics();
    }

    /** An embeddings client: a {@link TextEncoder} that counts its calls. */
    public interface Embeddings extends TextEncoder {

        /** Returns the calls made so far, their outcomes and the state of the circuit breaker. */
        CallStatistics statistics();
    }

    /**
     * The counts of one client. A call is one prompt (chat) or one batch of texts (embeddings);
     * a request is one HTTP attempt of a call.
     *
     * @param endpoint the base URL, without credentials
     * @param calls calls made, refused ones included
     * @param succeeded calls answered
     * @param failed calls that were sent and failed (after their retries)
     * @param refused calls failed at once, without a request, because the circuit breaker was open
     * @param requests HTTP requests sent (attempts)
     * @param failedRequests requests that counted as failures for the circuit breaker
     * @param circuitOpen whether the circuit breaker is open
     */
    public record CallStatistics(String endpoint, long calls, long succeeded, long failed, long refused, long requests,
            long failedRequests, boolean circuitOpen) {
    }

    /**
     * The connection options shared by both clients. Each setter checks its argument at once and
     * names it, the value and the allowed range in its exception.
     *
     * @param <B> the concrete builder
     */
    public abstract static class ConnectionBuilder<B extends ConnectionBuilder<B>> {

        final URI baseUrl;
        final String model;
        String apiKeyVariable;
        UnaryOperator<String> environment = System::getenv;
        Duration connectTimeout = Duration.ofSeconds(10);
        Duration requestTimeout;
        int maxAttempts = 4;
        Duration initialBackoff = Duration.ofMillis(500);
        Duration maxBackoff = Duration.ofSeconds(30);
        int maxConcurrency = 4;
        long maxResponseBytes = 32L << 20;
        int circuitBreaker = 5;
        String modelId;

        ConnectionBuilder(URI baseUrl, String model, Duration requestTimeout) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(model, "model");
            String scheme = baseUrl.getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || baseUrl.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL such as http://localhost:8000/v1, got '"
                        + OpenAiTransport.redact(baseUrl) + "'");
            }
            if (model.isBlank()) {
                throw new IllegalArgumentException("model must not be blank");
            }
            this.baseUrl = baseUrl;
            this.model = model;
            this.requestTimeout = requestTimeout;
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /**
         * Sends {@code Authorization: Bearer <value of the variable>}. The variable must be set
         * when {@code build()} is called. Default: no API key (local servers).
         *
         * @param variable the environment variable's name, e.g. {@code OPENAI_API_KEY}
         */
        public B apiKeyFromEnvironment(String variable) {
            Objects.requireNonNull(variable, "variable");
            if (variable.isBlank()) {
                throw new IllegalArgumentException("apiKeyFromEnvironment: the variable name must not be blank");
            }
            this.apiKeyVariable = variable;
            return self();
        }

        /** Replaces the environment lookup (tests). */
        B environment(UnaryOperator<String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return self();
        }

        /**
         * Sets the time to open a connection (default 10 s).
         *
         * @throws IllegalArgumentException unless 1 ms to 10 minutes
         */
        public B connectTimeout(Duration timeout) {
            this.connectTimeout = checkDuration("connectTimeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(10));
            return self();
        }

        /**
         * Sets the time one attempt may take, from sending the request to the last byte of the
         * answer (status, headers and body; default 120 s for chat, 60 s for embeddings). An
         * attempt that takes longer is abandoned and counts as a retryable failure.
         *
         * @throws IllegalArgumentException unless 1 ms to 1 hour
         */
        public B requestTimeout(Duration timeout) {
            this.requestTimeout = checkDuration("requestTimeout", timeout, Duration.ofMillis(1), Duration.ofHours(1));
            return self();
        }

        /**
         * Sets how many times one request is tried in all before its error is thrown (default 4;
         * 1 means no retry).
         *
         * @throws IllegalArgumentException unless 1 to 20
         */
        public B maxAttempts(int attempts) {
            this.maxAttempts = Require.inRange("maxAttempts", attempts, 1, 20);
            return self();
        }

        /**
         * Sets the back-off between attempts: the k-th retry waits a random time between half and
         * all of {@code min(max, initial * 2^(k-1))} (defaults 500 ms and 30 s). A
         * {@code Retry-After} answer is honoured when it is at most {@code max}; a longer one
         * fails at once.
         *
         * @throws IllegalArgumentException unless {@code 0 <= initial <= max <= 1 hour}
         */
        public B backoff(Duration initial, Duration max) {
            Duration i = checkDuration("backoff initial", initial, Duration.ZERO, Duration.ofHours(1));
            Duration m = checkDuration("backoff max", max, Duration.ZERO, Duration.ofHours(1));
            if (i.compareTo(m) > 0) {
                throw new IllegalArgumentException("backoff initial " + i + " must not exceed max " + m);
            }
            this.initialBackoff = i;
            this.maxBackoff = m;
            return self();
        }

        /**
         * Sets how many requests of this client may be in flight at once (default 4).
         *
         * @throws IllegalArgumentException unless 1 to 256
         */
        public B maxConcurrency(int requests) {
            this.maxConcurrency = Require.inRange("maxConcurrency", requests, 1, 256);
            return self();
        }

        /**
         * Sets the largest answer accepted, in bytes (default 32 MiB). A longer answer (announced
         * or received) is abandoned at once and fails the call without retry.
         *
         * @throws IllegalArgumentException unless 1 KiB to 1 GiB
         */
        public B maxResponseBytes(long bytes) {
            this.maxResponseBytes = Require.inRange("maxResponseBytes", bytes, 1024, 1L << 30);
            return self();
        }

        /**
         * Sets how many requests in a row may fail before the client stops calling the endpoint
         * (default 5). A failed request is one attempt that timed out, could not connect, was
         * answered with HTTP 408 or 5xx, or whose answer could not be used (another 4xx, a
         * malformed or too large answer); an HTTP 429 neither counts nor resets the count, a
         * success resets it. Once open, the breaker stays open for this client: pending retries
         * stop and every call fails at once with a {@link LanguageModelException}, counted as
         * refused. Build a new client to try the endpoint again.
         *
         * @throws IllegalArgumentException unless 1 to 1,000,000
         */
        public B circuitBreaker(int consecutiveFailures) {
            this.circuitBreaker = Require.inRange("circuitBreaker", consecutiveFailures, 1, 1_000_000);
            return self();
        }

        /**
         * Overrides the model id used for caching and provenance. Default for chat: the model
         * name, the base URL (without credentials) and the settings that change outputs, e.g.
         * {@code openai-compatible/qwen@http://localhost:8000/v1;temperature=0.0;max_tokens=512},
         * so that answers of two servers are never mixed in one cache (answers cached by versions
         * before 0.x, whose ids had no URL, are not found under the new id: they stay on disk,
         * unused, and the prompts are asked again). Default for embeddings: the model name only,
         * as the vectors of one model do not depend on the server (item embeddings written
         * earlier stay valid). Set it when two servers serve different weights under one name, or
         * to share a chat cache between URLs of one server.
         */
        public B modelId(String id) {
            Objects.requireNonNull(id, "modelId");
            if (id.isBlank()) {
                throw new IllegalArgumentException("modelId must not be blank");
            }
            this.modelId = id;
            return self();
        }

        OpenAiTransport transport() {
            String key = null;
            if (apiKeyVariable != null) {
                key = environment.apply(apiKeyVariable);
                if (key == null || key.isBlank()) {
                    throw new IllegalStateException("environment variable " + apiKeyVariable
                            + " (named by apiKeyFromEnvironment) is not set or empty");
                }
            }
            return new OpenAiTransport(baseUrl, key, connectTimeout, requestTimeout, maxAttempts, initialBackoff, maxBackoff,
                    maxConcurrency, maxResponseBytes, circuitBreaker);
        }

        static Duration checkDuration(String name, Duration d, Duration min, Duration max) {
            return Require.inRange(name, d, min, max);
        }
    }

    /** Builds a chat-completions {@link TextGenerator}. */
    public static final class ChatBuilder extends ConnectionBuilder<ChatBuilder> {

        String systemPrompt;
        double temperature = 0.0;
        int maxTokens = 512;
        Long seed;

        private ChatBuilder(URI baseUrl, String model) {
            super(baseUrl, model, Duration.ofSeconds(120));
        }

        /** Sends a system message before every prompt (default: none). */
        public ChatBuilder systemPrompt(String prompt) {
            Objects.requireNonNull(prompt, "systemPrompt");
            this.systemPrompt = prompt.isBlank() ? null : prompt;
            return this;
        }

        /**
         * Sets the sampling temperature (default 0: the most deterministic answers, which the
         * cache then replays exactly).
         *
         * @throws IllegalArgumentException unless 0 to 2
         */
        public ChatBuilder temperature(double temperature) {
            this.temperature = Require.inRange("temperature", temperature, 0, 2);
            return this;
        }

        /**
         * Sets the maximum number of tokens of an answer (default 512).
         *
         * @throws IllegalArgumentException unless 1 to 1,000,000
         */
        public ChatBuilder maxTokens(int tokens) {
            this.maxTokens = Require.inRange("maxTokens", tokens, 1, 1_000_000);
            return this;
        }

        /** Sends a sampling seed (servers that support it answer reproducibly; default: none). */
        public ChatBuilder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Returns the client.
         *
         * @throws IllegalStateException when the API key's environment variable is not set
         */
        public Chat build() {
            return new OpenAiChatGenerator(this, transport());
        }
    }

    /** Builds an embeddings {@link TextEncoder}. */
    public static final class EmbeddingsBuilder extends ConnectionBuilder<EmbeddingsBuilder> {

        int dimension;
        int batchSize = 64;
        String queryPrefix = "";
        String documentPrefix = "";

        private EmbeddingsBuilder(URI baseUrl, String model) {
            super(baseUrl, model, Duration.ofSeconds(60));
        }

        /**
         * Sets the vector length the server must return; any other length is an error. Default:
         * learnt from the first answer ({@link TextEncoder#dimension()} asks the server once when
         * called before any encoding).
         *
         * @throws IllegalArgumentException unless 1 to 65,536
         */
        public EmbeddingsBuilder dimension(int dimension) {
            this.dimension = Require.inRange("dimension", dimension, 1, 65_536);
            return this;
        }

        /**
         * Sets how many texts one request carries (default 64).
         *
         * @throws IllegalArgumentException unless 1 to 2,048
         */
        public EmbeddingsBuilder batchSize(int texts) {
            this.batchSize = Require.inRange("batchSize", texts, 1, 2048);
            return this;
        }

        /**
         * Sets the prefixes some models were trained with (e5: {@code "query: "} and
         * {@code "passage: "}); default none.
         *
         * @param query put before texts of {@link TextEncoder#encodeQueries}
         * @param document put before texts of {@link TextEncoder#encode}
         */
        public EmbeddingsBuilder prefixes(String query, String document) {
            this.queryPrefix = Objects.requireNonNull(query, "query prefix");
            this.documentPrefix = Objects.requireNonNull(document, "document prefix");
            return this;
        }

        /**
         * Returns the client.
         *
         * @throws IllegalStateException when the API key's environment variable is not set
         */
        public Embeddings build() {
            return new OpenAiEmbeddingEncoder(this, transport());
        }
    }
}
