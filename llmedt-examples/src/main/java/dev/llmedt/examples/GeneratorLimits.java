package dev.llmedt.examples;

import dev.llmedt.text.OpenAiCompatible;
import dev.llmedt.text.TextCache;
import dev.llmedt.text.TextGenerator;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Option;

/**
 * The bounds of the {@code --generator} calls ({@code --generator-timeout}, {@code --generator-attempts},
 * {@code --generator-circuit-breaker}), the client they configure, and the run's verdict: when the
 * generator answered no prompt at all (every call failed or was refused), the command still
 * writes its output (built with the documented fall-backs), prints one summary line on stderr
 * naming the endpoint and the counts, and exits with {@link #EXIT_GENERATOR_FAILED}.
 */
final class GeneratorLimits {

    /** The exit status of a command whose generator answered none of its prompts. */
    static final int EXIT_GENERATOR_FAILED = 3;

    @Option(names = "--generator-timeout", paramLabel = "SECONDS",
            description = "With --generator: the most one attempt may take, from sending the prompt to the last byte of the answer "
                    + "(default 120).")
    Double timeoutSeconds;

    @Option(names = "--generator-attempts", paramLabel = "N",
            description = "With --generator: attempts per prompt, 1 = no retry (default 4). Only time-outs, connection failures, "
                    + "HTTP 408, 429 and 5xx are retried.")
    Integer attempts;

    @Option(names = "--generator-circuit-breaker", paramLabel = "N",
            description = "With --generator: stop calling the server after N failed requests in a row; the remaining prompts fall "
                    + "back at once as failed ones do (default 5).")
    Integer circuitBreaker;

    /**
     * Fails, before any work, when a limit is out of range or was given without {@code --generator}.
     *
     * @throws IllegalArgumentException naming the flag, the value and the allowed range
     */
    void checkApplies(boolean generator) {
        if (timeoutSeconds != null && !(timeoutSeconds >= 0.001 && timeoutSeconds <= 3600)) {
            throw new IllegalArgumentException("--generator-timeout must be in [0.001, 3600] seconds, got " + timeoutSeconds);
        }
        if (attempts != null && (attempts < 1 || attempts > 20)) {
            throw new IllegalArgumentException("--generator-attempts must be in [1, 20], got " + attempts);
        }
        if (circuitBreaker != null && (circuitBreaker < 1 || circuitBreaker > 1_000_000)) {
            throw new IllegalArgumentException("--generator-circuit-breaker must be in [1, 1000000], got " + circuitBreaker);
        }
        if (generator) {
            return;
        }
        List<String> given = new ArrayList<>();
        if (timeoutSeconds != null) {
            given.add("--generator-timeout");
        }
        if (attempts != null) {
            given.add("--generator-attempts");
        }
        if (circuitBreaker != null) {
            given.add("--generator-circuit-breaker");
        }
        if (!given.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", given) + (given.size() == 1 ? " applies" : " apply")
                    + " to --generator only");
        }
    }

    /** Opens the chat client with these limits (checked by {@link #checkApplies}); wrap it with {@link Run#of}. */
    OpenAiCompatible.Chat open(URI url, String model, String apiKeyVariable) {
        checkApplies(true);
        OpenAiCompatible.ChatBuilder b = OpenAiCompatible.chat(url, model);
        if (apiKeyVariable != null) {
            b.apiKeyFromEnvironment(apiKeyVariable);
        }
        if (timeoutSeconds != null) {
            b.requestTimeout(Duration.ofMillis(Math.max(1, Math.round(timeoutSeconds * 1000))));
        }
        if (attempts != null) {
            b.maxAttempts(attempts);
        }
        if (circuitBreaker != null) {
            b.circuitBreaker(circuitBreaker);
        }
        return b.build();
    }

    /**
     * The generator a command uses (the client, cached when a cache is given) with the count of
     * the prompts it answered and failed, whether from the cache or the server.
     */
    static final class Run implements TextGenerator {
        private final OpenAiCompatible.Chat client;
        private final String model;
        private final TextGenerator generator;
        private final AtomicLong answered = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();

        private Run(OpenAiCompatible.Chat client, String model, TextGenerator generator) {
            this.client = client;
            this.model = model;
            this.generator = generator;
        }

        /** Wraps the client (behind the cache, when given). */
        static Run of(OpenAiCompatible.Chat client, String model, TextCache cache) {
            return new Run(client, model, cache == null ? client : cache.cached(client));
        }

        @Override
        public String modelId() {
            return generator.modelId();
        }

        @Override
        public String generate(String prompt) {
            try {
                String answer = generator.generate(prompt);
                answered.incrementAndGet();
                return answer;
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                throw e;
            }
        }

        @Override
        public List<String> generateAll(List<String> prompts) {
            try {
                List<String> answers = generator.generateAll(prompts);
                answered.addAndGet(answers.size());
                return answers;
            } catch (RuntimeException e) {
                failed.addAndGet(prompts.size());
                throw e;
            }
        }

        /** Returns whether prompts were asked and none was answered. */
        boolean producedNothing() {
            return answered.get() == 0 && failed.get() > 0;
        }

        /**
         * Returns the summary line for a generator that answered nothing, e.g. {@code error: the
         * generator http://127.0.0.1:9/v1 (model fake) answered none of 6 prompts: 3 sent and failed
         * (5 requests), 3 refused without a request; circuit breaker open; ...}.
         */
        String failureSummary() {
            OpenAiCompatible.CallStatistics s = client.statistics();
            return String.format(Locale.ROOT, "error: the generator %s (model %s) answered none of %d prompts: %d sent and failed (%d "
                    + "requests), %d refused without a request%s; the output was written with the fall-backs (exit status %d)",
                    s.endpoint(), model, failed.get(), s.failed(), s.requests(), s.refused(),
                    s.circuitOpen() ? "; circuit breaker open" : "", EXIT_GENERATOR_FAILED);
        }

        @Override
        public void close() {
            generator.close();
        }

        @Override
        public String toString() {
            return generator.toString();
        }
    }
}
