package dev.llmedt.spark;

import dev.llmedt.text.LanguageModelException;
import dev.llmedt.text.TextGenerator;
import java.util.function.LongSupplier;

/**
 * A generator whose calls take a token from a bucket shared by every task of the executor JVM
 * ({@code requestsPerSecond} tokens a second, bursts of at most {@code burst}): the provider's rate
 * limit divided among executors.
 */
final class RateLimitedGenerator implements TextGenerator {

    /** A token bucket; thread-safe. */
    static final class TokenBucket {
        /** Waits a number of nanoseconds (the real one sleeps; tests advance a clock). */
        interface Sleeper {
            void sleep(long nanos) throws InterruptedException;
        }

        private final double perNano;
        private final double burst;
        private final LongSupplier clock;
        private final Sleeper sleeper;
        private double tokens;
        private long last;

        TokenBucket(double requestsPerSecond, int burst) {
            this(requestsPerSecond, burst, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
        }

        TokenBucket(double requestsPerSecond, int burst, LongSupplier clock, Sleeper sleeper) {
            if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
                throw new IllegalArgumentException("requestsPerSecond must be > 0 and finite, got " + requestsPerSecond);
            }
            if (burst < 1) {
                throw new IllegalArgumentException("burst must be >= 1, got " + burst);
            }
            this.perNano = requestsPerSecond / 1e9;
            this.burst = burst;
            this.clock = clock;
            this.sleeper = sleeper;
            this.tokens = burst;
            this.last = clock.getAsLong();
        }

        /** Takes one token, waiting until one is there. */
        void take() throws InterruptedException {
            while (true) {
                long wait;
                synchronized (this) {
                    long now = clock.getAsLong();
                    tokens = Math.min(burst, tokens + (now - last) * perNano);
                    last = now;
                    if (tokens >= 1) {
                        tokens -= 1;
                        return;
                    }
                    wait = (long) Math.ceil((1 - tokens) / perNano);
                }
                sleeper.sleep(wait);
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
