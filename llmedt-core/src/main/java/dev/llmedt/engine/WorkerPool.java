package dev.llmedt.engine;

import dev.llmedt.check.Require;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed set of worker threads that run one task together: {@link #run} calls
 * {@code task.run(w)} for every worker {@code w} in {@code [0, size())} (worker 0 on the calling
 * thread) and returns when all are done. Nothing is allocated per call. Not reentrant; one caller
 * at a time. Close it to stop the threads.
 */
public final class WorkerPool implements AutoCloseable {

    /** Work for one worker. */
    @FunctionalInterface
    public interface Task {
        /** Runs the part of worker {@code worker}. */
        void run(int worker);
    }

    private final int size;
    private final Thread[] threads;
    private final CyclicBarrier start;
    private final CyclicBarrier end;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Task task;
    private volatile boolean closed;

    /** Starts {@code size - 1} daemon threads (the caller is worker 0). */
    public WorkerPool(int size) {
        this.size = Require.inRange("threads", size, 1, 256);
        this.start = new CyclicBarrier(size);
        this.end = new CyclicBarrier(size);
        this.threads = new Thread[size - 1];
        for (int w = 1; w < size; w++) {
            int worker = w;
            Thread t = new Thread(() -> loop(worker), "llmedt-worker-" + w);
            t.setDaemon(true);
            threads[w - 1] = t;
            t.start();
        }
    }

    /** Returns the number of workers, the caller included. */
    public int size() {
        return size;
    }

    private void loop(int worker) {
        while (true) {
            try {
                start.await();
                if (closed) {
                    return;
                }
                try {
                    task.run(worker);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
                end.await();
            } catch (InterruptedException | BrokenBarrierException e) {
                return;
            }
        }
    }

    /** Runs the task on every worker and waits; rethrows the first failure. */
    public void run(Task job) {
        if (closed) {
            throw new IllegalStateException("the worker pool is closed");
        }
        if (size == 1) {
            job.run(0);
            return;
        }
        this.task = job;
        await(start);
        try {
            job.run(0);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
        await(end);
        Throwable t = failure.getAndSet(null);
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for workers", e);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException("a worker failed to synchronise", e);
        }
    }

    /**
     * Splits {@code [0, n)} into {@code size()} contiguous, nearly equal parts and returns the start of
     * part {@code w} ({@code w = size()} gives n).
     */
    public long partStart(long n, int w) {
        return n * w / size;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (size > 1) {
            try {
                start.await(1, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                for (Thread t : threads) {
                    t.interrupt();
                }
            }
        }
    }
}
