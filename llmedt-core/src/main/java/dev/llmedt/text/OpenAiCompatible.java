package dev.llmedt.text;

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
         * Sets the time one request may take, answer included (default 120 s for chat, 60 s for
         * embeddings). A request that takes longer is abandoned and retried.
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
            if (attempts < 1 || attempts > 20) {
                throw new IllegalArgumentException("maxAttempts must be in [1, 20], got " + attempts);
            }
            this.maxAttempts = attempts;
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
            if (requests < 1 || requests > 256) {
                throw new IllegalArgumentException("maxConcurrency must be in [1, 256], got " + requests);
            }
            this.maxConcurrency = requests;
            return self();
        }

        /**
         * Overrides the model id used for caching and provenance (default: derived from the model
         * name and the settings that change outputs). Set it when two servers serve different
         * weights under one name.
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
                    maxConcurrency);
        }

        static Duration checkDuration(String name, Duration d, Duration min, Duration max) {
            Objects.requireNonNull(d, name);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + d);
            }
            return d;
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
            if (!(temperature >= 0 && temperature <= 2)) {
                throw new IllegalArgumentException("temperature must be in [0, 2], got " + temperature);
            }
            this.temperature = temperature;
            return this;
        }

        /**
         * Sets the maximum number of tokens of an answer (default 512).
         *
         * @throws IllegalArgumentException unless 1 to 1,000,000
         */
        public ChatBuilder maxTokens(int tokens) {
            if (tokens < 1 || tokens > 1_000_000) {
                throw new IllegalArgumentException("maxTokens must be in [1, 1000000], got " + tokens);
            }
            this.maxTokens = tokens;
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
        public TextGenerator build() {
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
            if (dimension < 1 || dimension > 65_536) {
                throw new IllegalArgumentException("dimension must be in [1, 65536], got " + dimension);
            }
            this.dimension = dimension;
            return this;
        }

        /**
         * Sets how many texts one request carries (default 64).
         *
         * @throws IllegalArgumentException unless 1 to 2,048
         */
        public EmbeddingsBuilder batchSize(int texts) {
            if (texts < 1 || texts > 2048) {
                throw new IllegalArgumentException("batchSize must be in [1, 2048], got " + texts);
            }
            this.batchSize = texts;
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
        public TextEncoder build() {
            return new OpenAiEmbeddingEncoder(this, transport());
        }
    }
}
