package dev.llmedt.spark;

import dev.llmedt.text.OpenAiCompatible;
import dev.llmedt.text.TextGenerator;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;

/** Builds a text generator on an executor; its calls are rate-limited per executor by the jobs. */
@FunctionalInterface
public interface TextGeneratorFactory extends Serializable {

    /** Builds the generator. */
    TextGenerator create();

    /** An OpenAI-compatible chat endpoint ({@code /v1/chat/completions} under {@code baseUrl}), no API key, default timeouts. */
    static TextGeneratorFactory openAiChat(String baseUrl, String model) {
        return new OpenAiChat(baseUrl, model, null, 120_000, 4, 5);
    }

    /**
     * An OpenAI-compatible chat endpoint, built on each executor by
     * {@link OpenAiCompatible#chat}: the same client and settings as the one-machine command line's
     * {@code --generator URL --model NAME --generator-api-key-env VAR}. The values are checked when
     * the record is made (on the driver); the API key is read on each executor when it builds the
     * client, so the variable must be set there (for example {@code spark.executorEnv.VAR}).
     *
     * @param baseUrl the server's base URL, such as {@code http://localhost:8000/v1}
     * @param model the chat model's name on the server
     * @param apiKeyVariable the environment variable holding the API key, or null for none
     * @param requestTimeoutMillis the time one request may take, in [1, 3600000] ms
     * @param maxAttempts tries per request before its error counts as a failed call, in [1, 20]
     * @param circuitBreaker consecutive failed requests after which a client stops calling the
     *        server (the library's circuit breaker), in [1, 1000000]
     */
    record OpenAiChat(String baseUrl, String model, String apiKeyVariable, long requestTimeoutMillis, int maxAttempts, int circuitBreaker)
            implements TextGeneratorFactory {

        /** Checks the values (the client's own checks: URL, model, key variable name, timeout, attempts). */
        public OpenAiChat {
            Checks.present("baseUrl", baseUrl);
            Checks.present("model", model);
            if (requestTimeoutMillis < 1 || requestTimeoutMillis > 3_600_000) {
                throw new IllegalArgumentException("requestTimeoutMillis must be in [1, 3600000], got " + requestTimeoutMillis);
            }
            builder(baseUrl, model, apiKeyVariable, requestTimeoutMillis, maxAttempts, circuitBreaker);
        }

        private static OpenAiCompatible.ChatBuilder builder(String baseUrl, String model, String apiKeyVariable, long timeoutMillis,
                int attempts, int circuitBreaker) {
            URI uri;
            try {
                uri = URI.create(baseUrl);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL such as http://localhost:8000/v1, got '" + baseUrl
                        + "'", e);
            }
            OpenAiCompatible.ChatBuilder b = OpenAiCompatible.chat(uri, model).requestTimeout(Duration.ofMillis(timeoutMillis))
                    .maxAttempts(attempts).circuitBreaker(circuitBreaker);
            if (apiKeyVariable != null) {
                b.apiKeyFromEnvironment(apiKeyVariable);
            }
            return b;
        }

        @Override
        public TextGenerator create() {
            return builder(baseUrl, model, apiKeyVariable, requestTimeoutMillis, maxAttempts, circuitBreaker).build();
        }
    }
}
