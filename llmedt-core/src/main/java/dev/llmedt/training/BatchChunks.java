package dev.llmedt.training;

import dev.llmedt.check.Require;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A batch of sequences split into contiguous chunks with nearly equal work, how many and which
 * decided by the batch alone, never by the number of threads. Each chunk has its own gradient
 * accumulators, the workers take chunks as they come free ({@link #claim}), and the chunks'
 * gradients are summed in chunk order ({@link GradientSteps}), so a seed gives the same weights for
 * any thread count. <b>Internal</b>.
 *
 * <p>A chunk costs a pass over the dense gradients (written, summed, zeroed) besides its rows, and
 * the kernels run slower on passes of few rows (the inner loops run over rows), so a batch has a
 * power of two of chunks, as many as give each a weight of at least {@code minWeight} (a caller's
 * constant, {@value #MIN_WEIGHT} rows for one network pass per chunk), and at most
 * {@value #MAX_COUNT} (enough for 16 threads on long batches): the default food-kitchen batch of
 * SASRec (128 sequences, about 770 rows) gets 8 chunks. On food-kitchen, 16 chunks of about 48 rows
 * cost 13% more CPU than 8.
 */
public final class BatchChunks {

    /** The most chunks of a batch. */
    public static final int MAX_COUNT = 16;
    /** The least rows per chunk that a batch is split for when a chunk is one network pass. */
    public static final int MIN_WEIGHT = 64;

    private final int minWeight;
    private final int[][] members;
    private final int[] count;
    private int chunks;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * Allocates chunks for batches of at most {@code capacity} sequences.
     *
     * @param minWeight the least weight per chunk that a batch is split for
     */
    public BatchChunks(int capacity, int minWeight) {
        this.minWeight = Require.atLeast("minWeight", minWeight, 1);
        members = new int[MAX_COUNT][capacity];
        count = new int[MAX_COUNT];
    }

    /** The number of chunks of a batch of total weight {@code total}: a power of two in [1, {@link #MAX_COUNT}]. */
    public int countFor(long total) {
        return (int) Math.min(MAX_COUNT, Long.highestOneBit(Math.max(1, total / minWeight)));
    }

    /**
     * The most weight a chunk can get ({@link #split}) when every sequence weighs at most
     * {@code maxWeight} and a batch at most {@code maxTotal} (at least 1). With c chunks, a chunk's
     * weight exceeds total / c by less than one sequence's weight plus one; total / c is below
     * 2 minWeight unless c is {@link #MAX_COUNT}.
     */
    public int capacity(long maxTotal, int maxWeight) {
        long share = Math.max(2L * minWeight, (maxTotal + MAX_COUNT - 1) / MAX_COUNT);
        return (int) Math.max(1, Math.min(maxTotal, share + 1 + maxWeight));
    }

    /** The most weight a batch of at most {@code batchSize} of the sequences {@code ids} can have: its largest weights summed. */
    public static long maxBatchWeight(int[] ids, IntUnaryOperator weight, int batchSize) {
        int[] w = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            w[i] = weight.applyAsInt(ids[i]);
        }
        java.util.Arrays.sort(w);
        long total = 0;
        for (int i = w.length - 1; i >= Math.max(0, w.length - batchSize); i--) {
            total += w[i];
        }
        return total;
    }

    /** The largest weight of the sequences {@code ids}. */
    public static int maxWeight(int[] ids, IntUnaryOperator weight) {
        int max = 0;
        for (int s : ids) {
            max = Math.max(max, weight.applyAsInt(s));
        }
        return max;
    }

    /**
     * Splits the sequences {@code ids[order[i]]}, {@code i} in {@code [from, to)}, in that order, into
     * {@link #countFor} their total weight contiguous chunks of nearly equal weight (some may be
     * empty).
     */
    public void split(int[] order, int[] ids, int from, int to, IntUnaryOperator weight) {
        long total = 0;
        for (int i = from; i < to; i++) {
            total += weight.applyAsInt(ids[order[i]]);
        }
        chunks = countFor(total);
        java.util.Arrays.fill(count, 0);
        int c = 0;
        long cumulative = 0;
        for (int i = from; i < to; i++) {
            int s = ids[order[i]];
            while (c < chunks - 1 && cumulative >= total * (c + 1) / chunks) {
                c++;
            }
            members[c][count[c]++] = s;
            cumulative += weight.applyAsInt(s);
        }
    }

    /** Returns the number of chunks of the last split batch. */
    public int count() {
        return chunks;
    }

    /** Returns the number of sequences of chunk c. */
    public int size(int c) {
        return count[c];
    }

    /** Returns the k-th sequence of chunk c. */
    public int member(int c, int k) {
        return members[c][k];
    }

    /** Makes every chunk available to {@link #claim} again (call before the workers start). */
    public void reset() {
        next.set(0);
    }

    /** Returns the next chunk of the batch no worker has taken yet, or -1 when all are taken. */
    public int claim() {
        int c = next.getAndIncrement();
        return c < chunks ? c : -1;
    }
}
