package dev.llmedt.engine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Per-call working sets (networks with their activation buffers and weight snapshots) that
 * concurrent callers of a model borrow and give back, so a call allocates nothing once the pool
 * is warm. {@link #invalidate} retires every replica made before it (their weight snapshots are
 * stale once the shared parameters changed); a retired replica is dropped when met.
 *
 * @param <R> the replica type
 */
public final class ReplicaPool<R> {

    private record Entry<R>(R replica, int generation) {
    }

    private final Supplier<R> factory;
    private final ConcurrentLinkedQueue<Entry<R>> idle = new ConcurrentLinkedQueue<>();
    private volatile int generation;

    /** Creates a pool that makes replicas with {@code factory} when none is idle. */
    public ReplicaPool(Supplier<R> factory) {
        this.factory = factory;
    }

    /** Runs {@code work} on an idle replica of the current generation (a new one when there is none), then gives it back. */
    public void run(Consumer<R> work) {
        Entry<R> e = idle.poll();
        while (e != null && e.generation() != generation) {
            e = idle.poll();
        }
        if (e == null) {
            int g = generation; // read before making it: a replica made across an invalidation counts as old
            e = new Entry<>(factory.get(), g);
        }
        try {
            work.accept(e.replica());
        } finally {
            idle.offer(e);
        }
    }

    /** Retires every replica made so far. */
    public void invalidate() {
        generation++;
        idle.clear();
    }
}
