package dev.llmedt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bound, the reuse and the shrinking of {@link ReplicaPool}, on a clock the test moves. */
class ReplicaPoolTest {

    private static final long SECOND = 1_000_000_000L;

    /** A replica that counts how many callers use it at once. */
    private static final class Counted {
        final int id;
        final AtomicInteger users = new AtomicInteger();

        Counted(int id) {
            this.id = id;
        }
    }

    @Test
    void sixteenCallersShareAtMostTheBoundOfReplicas() throws Exception {
        AtomicInteger made = new AtomicInteger();
        ReplicaPool<Counted> pool = new ReplicaPool<>(() -> new Counted(made.incrementAndGet()), 3, Duration.ofSeconds(60), System::nanoTime);
        AtomicInteger inUse = new AtomicInteger();
        AtomicInteger mostInUse = new AtomicInteger();
        AtomicInteger shared = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                futures.add(threads.submit(() -> {
                    start.await();
                    for (int call = 0; call < 200; call++) {
                        pool.run(r -> {
                            if (r.users.incrementAndGet() != 1) {
                                shared.incrementAndGet();
                            }
                            mostInUse.accumulateAndGet(inUse.incrementAndGet(), Math::max);
                            Thread.onSpinWait();
                            inUse.decrementAndGet();
                            r.users.decrementAndGet();
                        });
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(0, shared.get(), "a replica was lent to two callers at once");
        assertTrue(mostInUse.get() <= 3, mostInUse.get() + " replicas in use at once, bound 3");
        assertTrue(made.get() <= 3, made.get() + " replicas made, bound 3");
        assertEquals(made.get(), pool.size());
        assertEquals(pool.size(), pool.idleCount());
    }

    @Test
    void aCallerBeyondTheBoundWaitsForAReplicaToComeBack() throws Exception {
        ReplicaPool<Counted> pool = new ReplicaPool<>(() -> new Counted(0), 1, Duration.ofSeconds(60), System::nanoTime);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = threads.submit(() -> pool.run(r -> {
                holding.countDown();
                await(release);
            }));
            assertTrue(holding.await(1, TimeUnit.MINUTES));
            AtomicInteger secondRan = new AtomicInteger();
            Future<?> second = threads.submit(() -> pool.run(r -> secondRan.incrementAndGet()));
            Thread.sleep(200);
            assertEquals(0, secondRan.get(), "the second caller ran while the only replica was in use");
            release.countDown();
            first.get(1, TimeUnit.MINUTES);
            second.get(1, TimeUnit.MINUTES);
            assertEquals(1, secondRan.get());
            assertEquals(1, pool.size());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void idleReplicasAreDroppedAfterTheTimeoutSoThePoolShrinks() {
        AtomicLong now = new AtomicLong(5 * SECOND);
        AtomicInteger made = new AtomicInteger();
        ReplicaPool<Counted> pool = new ReplicaPool<>(() -> new Counted(made.incrementAndGet()), 4, Duration.ofSeconds(60), now::get);
        // Nested calls hold three replicas at once; given back innermost first.
        pool.run(a -> pool.run(b -> pool.run(c -> {
        })));
        assertEquals(3, pool.size());
        assertEquals(3, pool.idleCount());

        now.addAndGet(30 * SECOND);
        Counted[] lent = new Counted[1];
        pool.run(r -> lent[0] = r); // one caller keeps one replica busy now and then
        assertEquals(3, pool.idleCount(), "nothing has been idle for 60 s yet");

        now.addAndGet(31 * SECOND); // the two others have been idle 61 s, the one just used 31 s
        pool.run(r -> assertSame(lent[0], r, "the most recently returned replica is lent first"));
        assertEquals(1, pool.size());
        assertEquals(1, pool.idleCount());

        now.addAndGet(60 * SECOND);
        pool.trim();
        assertEquals(0, pool.size(), "trim drops a replica idle for the timeout without a call");
        pool.run(r -> assertEquals(4, r.id, "a new replica once the pool is empty"));
        assertEquals(1, pool.size());
    }

    @Test
    void invalidateRetiresIdleReplicasAndThoseInUse() {
        AtomicInteger made = new AtomicInteger();
        ReplicaPool<Counted> pool = new ReplicaPool<>(() -> new Counted(made.incrementAndGet()), 2, Duration.ofSeconds(60), System::nanoTime);
        pool.run(r -> {
        });
        pool.run(r -> pool.invalidate()); // replica 1, in use while invalidated: not given back
        assertEquals(0, pool.size());
        pool.run(r -> assertEquals(2, r.id));
        assertEquals(1, pool.size());
    }

    @Test
    void aNestedCallOnTheSameThreadDoesNotWaitForTheBound() {
        ReplicaPool<Counted> pool = new ReplicaPool<>(() -> new Counted(0), 1, Duration.ofSeconds(60), System::nanoTime);
        AtomicInteger inner = new AtomicInteger();
        pool.run(outer -> pool.run(r -> inner.incrementAndGet()));
        assertEquals(1, inner.get());
    }

    @Test
    void aFailingFactoryLeavesNoReplicaCountedAndReleasesItsTurn() {
        ReplicaPool<Counted> pool = new ReplicaPool<>(() -> {
            throw new IllegalStateException("no memory");
        }, 1, Duration.ofSeconds(60), System::nanoTime);
        for (int i = 0; i < 3; i++) { // with the turn kept, the second call would wait forever
            assertThrows(IllegalStateException.class, () -> pool.run(r -> {
            }));
        }
        assertEquals(0, pool.size());
    }

    @Test
    void invalidSettingsAreRefusedNamingTheParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReplicaPool<>(Object::new, 0, Duration.ofSeconds(1), System::nanoTime));
        assertEquals("maxReplicas must be >= 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ReplicaPool<>(Object::new, 1, Duration.ZERO, System::nanoTime));
        assertEquals("idleTimeout must be > 0, got PT0S", e.getMessage());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
