package dev.llmedt.engine;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Full-catalogue scoring of user vectors against a feature-major item table
 * ({@link Kernels#scoreUsers}), with a single user's items split over two threads when the table is
 * large. One user's scoring reads the whole table (27,637 items x 64 floats = 7.1 MB for the
 * Kitchen domain), more than a core's cache holds, so its latency is bound by one core's memory
 * bandwidth; the second half of the items runs on the common fork-join pool, and when no pool
 * thread takes it in time the caller scores it itself. Batches of users are not split: they are
 * throughput work and bring the table into cache once for many users. Every item is scored by the
 * same code on whichever thread, so the scores do not depend on the split.
 */
public final class ItemScoring {

    /** Below this many multiply-adds (4,096 items of width 64) handing half to another thread does not pay. */
    static final long SPLIT_MULTIPLY_ADDS = 1L << 18;

    private static final boolean CAN_SPLIT = Runtime.getRuntime().availableProcessors() > 1
            && ForkJoinPool.getCommonPoolParallelism() > 0;

    private ItemScoring() {
    }

    /**
     * {@code scores[offset + b][i] = sum_f users[b][f] * table[f][i]} for {@code b < n} and
     * {@code i < items}, as {@link Kernels#scoreUsers} computes it, with one user's items split over
     * two threads when there are at least {@link #SPLIT_MULTIPLY_ADDS} multiply-adds.
     */
    public static void scoreUsers(float[][] users, int n, int width, float[][] table, int items, float[][] scores, int offset) {
        if (n != 1 || !CAN_SPLIT || (long) items * width < SPLIT_MULTIPLY_ADDS) {
            Kernels.scoreUsers(users, n, width, table, items, scores, offset);
            return;
        }
        scoreOneUserSplit(users, width, table, items, scores, offset);
    }

    /** Scores one user's items in two halves, the second forked to the common pool. */
    static void scoreOneUserSplit(float[][] users, int width, float[][] table, int items, float[][] scores, int offset) {
        int middle = items / 2 & ~15; // a multiple of 16 floats: the halves rarely share a cache line of scores
        ForkJoinTask<?> second = ForkJoinTask.adapt(() -> Kernels.scoreUsers(users, 1, width, table, middle, items, scores, offset))
                .fork();
        Kernels.scoreUsers(users, 1, width, table, 0, middle, scores, offset);
        second.join();
    }
}
