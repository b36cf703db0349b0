package dev.llmedt.spark;

import dev.llmedt.text.LanguageModelException;
import dev.llmedt.text.TextGenerator;

/**
 * A generator whose calls take a token from a bucket shared by every task of the executor JVM
 * ({@code requestsPerSecond} tokens a second, bursts of at most {@code burst}): the provider's rate
 * limit divided among executors.
 */
final class RateLimitedGenerator implements TextGenerator {

    /** A token bucket; thread-safe. */
    static final class TokenBucket {
        private final double perNano;
        private final double burst;
        private double tokens;
        private long last;

        TokenBucket(double requestsPerSecond, int burst) {
            if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
                throw new IllegalArgumentException("requestsPerSecond must be > 0 and finite, got " + requestsPerSecond);
            }
            if (burst < 1) {
                throw new IllegalArgumentException("burst must be >= 1, got " + burst);
            }
            this.perNano = requestsPerSecond / 1e9;
            this.burst = burst;
            this.tokens = burst;
            this.last = System.nanoTime();
        }

        /** Takes one token, waiting until one is there. */
        void take() throws InterruptedException {
            while (true) {
                long wait;
                synchronized (this) {
                    long now = System.nanoTime();
                    tokens = Math.min(burst, tokens + (now - last) * perNano);
                    last = now;
                    if (tokens >= 1) {
                        tokens -= 1;
                        return;
                    }
                    wait = (long) Math.ceil((1 - tokens) / perNano);
                }
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }

    private final TextGenerator generator;
    private final TokenBucket bucket;

    RateLimitedGenerator(TextGenerator generator, TokenBucket bucket) {
        this.generator = generator;
        this.bucket = bucket;
    }

    @Override
    public String modelId() {
        return generator.modelId();
    }

    @Override
    public String generate(String prompt) {
        try {
            bucket.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LanguageModelException("interrupted while waiting for the generator's rate limit", e);
        }
        return generator.generate(prompt);
    }

    @Override
    public void close() {
        generator.close();
    }
}
