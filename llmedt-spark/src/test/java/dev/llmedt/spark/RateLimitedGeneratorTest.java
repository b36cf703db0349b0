package dev.llmedt.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.text.LanguageModelException;
import dev.llmedt.text.TextGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-executor token bucket, on a simulated clock: a burst passes at once, then one call per 1/rate seconds. */
class RateLimitedGeneratorTest {

    /** A clock that only moves when the bucket sleeps. */
    private static final class FakeTime {
        final AtomicLong now = new AtomicLong(1_000_000_000L);
        final List<Long> sleeps = new ArrayList<>();

        RateLimitedGenerator.TokenBucket bucket(double rate, int burst) {
            return new RateLimitedGenerator.TokenBucket(rate, burst, now::get, nanos -> {
                sleeps.add(nanos);
                now.addAndGet(nanos);
            });
        }
    }

    @Test
    void aBurstPassesAtOnceThenCallsAreSpacedByTheRate() throws Exception {
        FakeTime time = new FakeTime();
        RateLimitedGenerator.TokenBucket bucket = time.bucket(4, 3); // 4 calls a second, bursts of 3
        long start = time.now.get();
        for (int i = 0; i < 3; i++) {
            bucket.take();
        }
        assertEquals(List.of(), time.sleeps, "the first burst does not wait");
        for (int i = 0; i < 8; i++) {
            bucket.take();
        }
        assertEquals(8, time.sleeps.size(), "each call after the burst waits once");
        for (long s : time.sleeps) {
            assertEquals(250_000_000L, s, 1, "a quarter of a second per token");
        }
        assertEquals(2_000_000_000L, time.now.get() - start, 8, "11 calls at 4/s with a burst of 3 take 2 s");
    }

    @Test
    void idleTimeRefillsTheBucketUpToTheBurstOnly() throws Exception {
        FakeTime time = new FakeTime();
        RateLimitedGenerator.TokenBucket bucket = time.bucket(2, 2);
        bucket.take();
        bucket.take();
        time.now.addAndGet(60_000_000_000L); // a minute idle: 120 tokens' worth, capped at 2
        bucket.take();
        bucket.take();
        assertEquals(List.of(), time.sleeps);
        bucket.take();
        assertEquals(List.of(500_000_000L), time.sleeps, "the third call after the idle minute waits: the burst is 2");
    }

    @Test
    void callsGoThroughTheBucketToTheGenerator() {
        FakeTime time = new FakeTime();
        List<String> prompts = new ArrayList<>();
        TextGenerator echo = new TextGenerator() {
            @Override
            public String modelId() {
                return "echo";
            }

            @Override
            public String generate(String prompt) {
                prompts.add(prompt);
                return "answer to " + prompt;
            }
        };
        try (RateLimitedGenerator limited = new RateLimitedGenerator(echo, time.bucket(10, 1))) {
            assertEquals("echo", limited.modelId());
            assertEquals("answer to a", limited.generate("a"));
            assertEquals("answer to b", limited.generate("b"));
        }
        assertEquals(List.of("a", "b"), prompts);
        assertEquals(List.of(100_000_000L), time.sleeps, "the second call waited for its token");
    }

    @Test
    void anInterruptedWaitIsALanguageModelErrorAndKeepsTheInterrupt() throws Exception {
        RateLimitedGenerator.TokenBucket bucket = new RateLimitedGenerator.TokenBucket(1, 1, () -> 0L, nanos -> {
            throw new InterruptedException();
        });
        TextGenerator never = new TextGenerator() {
            @Override
            public String modelId() {
                return "never";
            }

            @Override
            public String generate(String prompt) {
                throw new AssertionError("not reached");
            }
        };
        bucket.take(); // the burst of one is spent: the next call must wait, and its wait is interrupted
        RateLimitedGenerator limited = new RateLimitedGenerator(never, bucket);
        LanguageModelException e = assertThrows(LanguageModelException.class, () -> limited.generate("second"));
        assertTrue(e.getMessage().contains("interrupted while waiting for the generator's rate limit"), e.getMessage());
        assertTrue(Thread.interrupted(), "the thread's interrupt status is kept (and cleared here)");
    }

    @Test
    void badSettingsNameTheValue() {
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class, () -> new RateLimitedGenerator.TokenBucket(0, 1));
        assertTrue(rate.getMessage().contains("requestsPerSecond must be > 0 and finite, got 0.0"), rate.getMessage());
        IllegalArgumentException burst = assertThrows(IllegalArgumentException.class, () -> new RateLimitedGenerator.TokenBucket(1, 0));
        assertEquals("burst must be >= 1, got 0", burst.getMessage());
    }
}
