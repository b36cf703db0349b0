package dev.llmedt.engine;

import dev.llmedt.check.Require;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Per-call working sets (networks with their activation buffers and weight snapshots) that
 * concurrent callers of a model borrow and give back, so a call allocates nothing once the pool
 * is warm. The pool is bounded and shrinks:
 * <ul>
 *   <li>at most {@link #maxReplicas()} replicas are in use at once (by default
 *       {@link #defaultMaxReplicas()}, four per available processor); further callers wait, in
 *       arrival order, until one is given back. One per processor would be enough to keep the cores
 *       busy, but a caller that waits is handed its replica by a thread switch on every call: with
 *       8 callers of a SASRec model on 2 cores that capped throughput at one caller's (about 5,000
 *       top-10 queries/s), where 8 replicas let the cores serve 1.8 times as many; a replica is small
 *       (one window of activations and the weight copies, well under a megabyte for SASRec);</li>
 *   <li>a replica left idle for the idle timeout (60 s by default) is dropped when the pool is next
 *       used or {@link #trim() trimmed}; the most recently returned replica is lent first, so under
 *       lighter load the surplus ages out;</li>
 *   <li>{@link #invalidate} retires every replica made before it (their weight snapshots are stale
 *       once the shared parameters changed).</li>
 * </ul>
 * A call made on a thread that already holds one of this pool's replicas (a nested call) does not
 * wait for the bound, which would deadlock; it borrows or makes one more replica.
 *
 * @param <R> the replica type
 */
public final class ReplicaPool<R> {

    /** How long a replica may stay idle before it is dropped, unless the constructor is told otherwise. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private record Idle<R>(R replica, long since) {
    }

    private final Supplier<R> factory;
    private final int maxReplicas;
    private final long idleTimeoutNanos;
    private final LongSupplier nanoClock;
    private final Semaphore permits;
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);
    /** Idle replicas of the current generation, the most recently returned first; guarded by this. */
    private final ArrayDeque<Idle<R>> idle = new ArrayDeque<>();
    /** Replicas of the current generation, idle or in use; guarded by this. */
    private int live;
    /** Guarded by this. */
    private int generation;

    /**
     * Creates a pool of at most {@link #defaultMaxReplicas()} replicas, dropping replicas idle for
     * {@link #DEFAULT_IDLE_TIMEOUT}; {@code factory} makes a replica when none is idle.
     */
    public ReplicaPool(Supplier<R> factory) {
        this(factory, defaultMaxReplicas(), DEFAULT_IDLE_TIMEOUT, System::nanoTime);
    }

    /** The bound of a pool made without one: four replicas per available processor. */
    public static int defaultMaxReplicas() {
        return 4 * Runtime.getRuntime().availableProcessors();
    }

    /**
     * Creates a pool.
     *
     * @param factory makes a replica when none is idle
     * @param maxReplicas the most replicas in use at once, >= 1
     * @param idleTimeout how long a replica may stay idle before it is dropped, > 0
     * @param nanoClock the time in nanoseconds ({@code System::nanoTime}; tests pass their own)
     * @throws IllegalArgumentException naming the parameter, its value and the allowed range
     */
    public ReplicaPool(Supplier<R> factory, int maxReplicas, Duration idleTimeout, LongSupplier nanoClock) {
        this.factory = Objects.requireNonNull(factory, "factory");
        Require.atLeast("maxReplicas", maxReplicas, 1);
        Require.positive("idleTimeout", idleTimeout);
        this.maxReplicas = maxReplicas;
        this.idleTimeoutNanos = saturatedNanos(idleTimeout);
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.permits = new Semaphore(maxReplicas, true);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Runs {@code work} on an idle replica of the current generation (a new one when there is
     * none), then gives it back. Waits while {@link #maxReplicas()} replicas are in use (not when
     * the thread already holds one of this pool's replicas).
     */
    public void run(Consumer<R> work) {
        int[] held = depth.get();
        boolean bounded = held[0] == 0;
        if (bounded) {
            permits.acquireUninterruptibly();
        }
        held[0]++;
        try {
            Idle<R> lent;
            int g;
            synchronized (this) {
                dropExpired(nanoClock.getAsLong());
                g = generation; // read before making one: a replica made across an invalidation counts as old
                lent = idle.pollFirst();
                if (lent == null) {
                    live++;
                }
            }
            R replica;
            if (lent != null) {
                replica = lent.replica();
            } else {
                try {
                    replica = factory.get();
                } catch (RuntimeException | Error e) {
                    synchronized (this) {
                        if (g == generation) {
                            live--;
                        }
                    }
                    throw e;
                }
            }
            try {
                work.accept(replica);
            } finally {
                synchronized (this) {
                    long now = nanoClock.getAsLong();
                    if (g == generation) {
                        idle.addFirst(new Idle<>(replica, now));
                    }
                    dropExpired(now);
                }
            }
        } finally {
            if (--held[0] == 0) {
                depth.remove();
            }
            if (bounded) {
                permits.release();
            }
        }
    }

    /** Drops the idle replicas (the least recently returned are last) that have been idle for the timeout. */
    private void dropExpired(long now) {
        for (Idle<R> oldest = idle.peekLast(); oldest != null && now - oldest.since() >= idleTimeoutNanos; oldest = idle.peekLast()) {
            idle.pollLast();
            live--;
        }
    }

    /** Drops the replicas idle for the timeout now (the pool also does this whenever it is used). */
    public synchronized void trim() {
        dropExpired(nanoClock.getAsLong());
    }

    /** Retires every replica made so far: idle ones are dropped now, those in use when given back. */
    public synchronized void invalidate() {
        generation++;
        idle.clear();
        live = 0;
    }

    /** Returns the most replicas in use at once (nested calls aside). */
    public int maxReplicas() {
        return maxReplicas;
    }

    /** Returns the number of replicas the pool holds, idle or in use (made since the last {@link #invalidate}). */
    public synchronized int size() {
        return live;
    }

    /** Returns the number of idle replicas. */
    public synchronized int idleCount() {
        return idle.size();
    }

    /** Hands every idle replica to {@code action} under the pool's lock (diagnostics: measuring their working sets). */
    public synchronized void forEachIdle(Consumer<? super R> action) {
        for (Idle<R> e : idle) {
            action.accept(e.replica());
        }
    }
}
