package dev.llmedt.training;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A batch of sequences split into a fixed number of contiguous chunks with nearly equal work,
 * decided by the batch alone, never by the number of threads. Each chunk has its own gradient
 * accumulators, the workers take chunks as they come free ({@link #claim}), and the chunks'
 * gradients are summed in chunk order ({@link GradientSteps}), so a seed gives the same weights for
 * any thread count. <b>Internal</b>.
 */
public final class BatchChunks {

    /**
     * Chunks per batch: enough to keep 16 threads busy; the chunks' dense gradients are small next
     * to the batch's activations.
     */
    public static final int COUNT = 16;

    private final int[][] members;
    private final int[] count;
    private final AtomicInteger next = new AtomicInteger();

    /** Allocates chunks for batches of at most {@code capacity} sequences. */
    public BatchChunks(int capacity) {
        members = new int[COUNT][capacity];
        count = new int[COUNT];
    }

    /**
     * The most weight a chunk can get ({@link #split}) when every sequence weighs at most
     * {@code maxWeight} and a batch at most {@code maxTotal} (at least 1).
     */
    public static int capacity(long maxTotal, int maxWeight) {
        return (int) Math.max(1, Math.min(maxTotal, (maxTotal + COUNT - 1) / COUNT + 1 + maxWeight));
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
     * {@link #COUNT} contiguous chunks of nearly equal total weight (some may be empty). A chunk's
     * weight exceeds a 1/COUNT share of the total by less than one sequence's weight plus one.
     */
    public void split(int[] order, int[] ids, int from, int to, IntUnaryOperator weight) {
        long total = 0;
        for (int i = from; i < to; i++) {
            total += weight.applyAsInt(ids[order[i]]);
        }
        java.util.Arrays.fill(count, 0);
        int c = 0;
        long cumulative = 0;
        for (int i = from; i < to; i++) {
            int s = ids[order[i]];
            while (c < COUNT - 1 && cumulative >= total * (c + 1) / COUNT) {
                c++;
            }
            members[c][count[c]++] = s;
            cumulative += weight.applyAsInt(s);
        }
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

    /** Returns the next chunk no worker has taken yet, or -1 when all are taken. */
    public int claim() {
        int c = next.getAndIncrement();
        return c < COUNT ? c : -1;
    }
}
