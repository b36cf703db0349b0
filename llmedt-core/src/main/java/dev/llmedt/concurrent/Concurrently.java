package dev.llmedt.concurrent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Applies a function to every input on a short-lived pool of daemon threads and returns the
 * results in input order. A failure of the function propagates unchanged when it is a runtime
 * exception or an error; a checked cause or an interruption (the interrupt flag is restored)
 * is turned into the caller's exception.
 */
public final class Concurrently {

    private Concurrently() {
    }

    /**
     * Maps the inputs on at most {@code threads} threads ({@code <= 1}: on the calling thread).
     *
     * @param threadName the name of the pool's threads, for thread dumps
     * @param failure turns a checked cause or an {@link InterruptedException} into the exception to throw
     */
    public static <T, R> List<R> map(List<T> inputs, int threads, String threadName, Function<T, R> function,
            Function<Throwable, RuntimeException> failure) {
        int size = Math.min(threads, inputs.size());
        List<R> out = new ArrayList<>(inputs.size());
        if (size <= 1) {
            for (T in : inputs) {
                out.add(function.apply(in));
            }
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(size, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<R>> futures = new ArrayList<>(inputs.size());
            for (T in : inputs) {
                futures.add(pool.submit(() -> function.apply(in)));
            }
            for (Future<R> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure.apply(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw failure.apply(cause);
        } finally {
            pool.shutdownNow();
        }
    }
}
