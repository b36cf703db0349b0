package dev.llmedt.engine;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Full-catalogue scoring of user vectors against a feature-major item table
 * ({@link Kernels#scoreUsers}), with a single user's items split over two threads when the table is
 * large. One user's scoring reads the whole table (27,637 items x 64 floats = 7.1 MB for the
 * Kitchen domain), more than a core's cache holds, so its latency is bound by one core's memory
 * bandwidth; a helper task on the common fork-join pool scores chunks of items alongside the
 * caller, and when no pool thread takes it in time the caller scores everything itself. Batches of
 * users are not split: they are throughput work and bring the table into cache once for many
 * users. Every item is scored by the same code on whichever thread, so the scores do not depend on
 * the split.
 */
public final class ItemScoring {

    /** Below this many multiply-adds (4,096 items of width 64) sharing the work with another thread does not pay. */
    static final long SPLIT_MULTIPLY_ADDS = 1L << 18;

    private static final boolean CAN_SPLIT = Runtime.getRuntime().availableProcessors() > 1
            && ForkJoinPool.getCommonPoolParallelism() > 0;

    private ItemScoring() {
    }

    /**
     * {@code scores[offset + b][i] = sum_f users[b][f] * table[f][i]} for {@code b < n} and
     * {@code i < items}, as {@link Kernels#scoreUsers} computes it, with one user's items shared by
     * two threads when there are at least 2^18 multiply-adds (4,096 items of width 64).
     */
    public static void scoreUsers(float[][] users, int n, int width, float[][] table, int items, float[][] scores, int offset) {
        if (n != 1 || !CAN_SPLIT || (long) items * width < SPLIT_MULTIPLY_ADDS) {
            Kernels.scoreUsers(users, n, width, table, items, scores, offset);
            return;
        }
        scoreOneUserSplit(users, width, table, items, scores, offset);
    }

    /** Items per chunk that the two threads take in turn. */
    static final int CHUNK = 2048;

    /**
     * Scores one user's items in chunks taken in turn by the caller and by a helper task forked to
     * the common pool. A helper that starts late (a parked pool thread can take tens of
     * microseconds to wake) finds fewer chunks left, so a query never waits for it beyond the
     * chunk it is scoring; a helper that has not started when the caller is done never runs.
     */
    static void scoreOneUserSplit(float[][] users, int width, float[][] table, int items, float[][] scores, int offset) {
        int chunks = (items + CHUNK - 1) / CHUNK;
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean helperClaimed = new AtomicBoolean();
        ForkJoinTask<?> helper = ForkJoinTask.adapt(() -> {
            if (helperClaimed.compareAndSet(false, true)) {
                scoreChunks(users, width, table, items, scores, offset, next, chunks);
            }
        }).fork();
        scoreChunks(users, width, table, items, scores, offset, next, chunks);
        if (!helperClaimed.compareAndSet(false, true)) {
            helper.join(); // the helper is scoring its last chunk
        }
    }

    private static void scoreChunks(float[][] users, int width, float[][] table, int items, float[][] scores, int offset,
            AtomicInteger next, int chunks) {
        for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
            Kernels.scoreUsers(users, 1, width, table, c * CHUNK, Math.min(items, (c + 1) * CHUNK), scores, offset);
        }
    }
}
