package dev.llmedt.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Exact top-k selection in two passes: every item is scored approximately from the compact
 * {@link ScreeningTable} (a quarter of the bytes of the float table), which bounds each exact score
 * within an interval; only the items whose interval reaches the k-th best lower bound can be in the
 * top k, and only they are scored exactly (the expression of {@link Kernels#scoreUsers}, bit for bit)
 * and selected as {@link TopKScoring#select} selects: higher score first, equal scores by smaller
 * index, skipped items left out.
 *
 * <p><b>Why the result is exact.</b> Let {@code tau} be the k-th largest lower bound over the items
 * not skipped. Those k items have exact scores at least {@code tau}, so the k-th best exact score is
 * at least {@code tau}; an item whose upper bound is below {@code tau} has an exact score below it,
 * strictly worse than k other items, and cannot be selected whatever the tie rule. Every other item
 * is scored exactly and ranked, so the selection is the one of scoring everything exactly.
 *
 * <p>A user whose vector is not finite or so large that a score could overflow, fewer items than
 * {@code 8 k}, or a table without a compact copy (it holds a non-finite value) take the exact path,
 * which reports a NaN score as always.
 */
final class ScreenedTopK {

    /** Blocks per chunk: 2,048 items, whose codes (128 KB at width 64) stay in cache while every user of the batch is screened. */
    static final int CHUNK_BLOCKS = 128;

    private ScreenedTopK() {
    }

    /**
     * The selection of {@link TopKScoring#select} with a screening pass.
     *
     * @param screen the compact copy of {@code table} ({@link ScreeningTable#of}), or null for none
     * @param vector whether to screen with the Vector API kernel (else the scalar one)
     */
    static TopKScoring.Selection[] select(float[][] users, int n, int width, float[][] table, ScreeningTable screen, int items,
            int[][] skip, int k, int firstItem, boolean vector) {
        int size = Math.min(k, items);
        if (screen == null || screen.source != table || !screen.usable() || size == 0 || (long) size * 8 > items) {
            return TopKScoring.selectExact(users, n, width, table, items, skip, k, firstItem);
        }
        User[] state = new User[n];
        int[] screened = new int[n];
        int count = 0;
        List<Integer> exact = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            float norm = norm(users[b], width);
            if (Float.isFinite(norm) && (double) norm * screen.largestNorm < 1e37) {
                state[b] = new User(size, norm, skip == null ? null : skip[b]);
                screened[count++] = b;
            } else {
                exact.add(b);
            }
        }
        int groupSize = Math.min(4, Math.max(count, 1));
        float[][] buffers = new float[groupSize][CHUNK_BLOCKS * ScreeningTable.BLOCK];
        boolean[][] hot = new boolean[groupSize][CHUNK_BLOCKS];
        float[] norms = new float[4];
        float[] taus = new float[4];
        float[][] group = new float[4][];
        for (int blockFrom = 0; blockFrom < screen.blocks; blockFrom += CHUNK_BLOCKS) {
            int blockTo = Math.min(screen.blocks, blockFrom + CHUNK_BLOCKS);
            // Users in groups of four (each vector of codes widened once for all of them).
            for (int g = 0; g < count; g += 4) {
                int m = Math.min(4, count - g);
                for (int j = 0; j < m; j++) {
                    User user = state[screened[g + j]];
                    group[j] = users[screened[g + j]];
                    norms[j] = user.norm;
                    taus[j] = user.tau;
                }
                if (vector) {
                    ScreenKernels.approximate(screen, group, 0, m, blockFrom, blockTo, buffers, norms, taus, hot);
                } else {
                    for (int j = 0; j < m; j++) {
                        screen.approximate(group[j], blockFrom * ScreeningTable.BLOCK, blockTo * ScreeningTable.BLOCK, buffers[j]);
                        Arrays.fill(hot[j], true);
                    }
                }
                for (int j = 0; j < m; j++) {
                    User user = state[screened[g + j]];
                    for (int b = blockFrom; b < blockTo; b++) {
                        if (hot[j][b - blockFrom]) {
                            int from = b * ScreeningTable.BLOCK;
                            user.offer(buffers[j], blockFrom * ScreeningTable.BLOCK, from, Math.min(items, from + ScreeningTable.BLOCK),
                                    screen.slack);
                        }
                    }
                }
            }
        }
        TopKScoring.Selection[] out = new TopKScoring.Selection[n];
        for (int c = 0; c < count; c++) {
            int b = screened[c];
            out[b] = state[b].finish(users[b], width, table, size, firstItem);
        }
        if (!exact.isEmpty()) {
            float[][] rest = new float[exact.size()][];
            int[][] restSkip = skip == null ? null : new int[exact.size()][];
            for (int j = 0; j < rest.length; j++) {
                rest[j] = users[exact.get(j)];
                if (restSkip != null) {
                    restSkip[j] = skip[exact.get(j)];
                }
            }
            TopKScoring.Selection[] done = TopKScoring.selectExact(rest, rest.length, width, table, items, restSkip, k, firstItem);
            for (int j = 0; j < rest.length; j++) {
                out[exact.get(j)] = done[j];
            }
        }
        return out;
    }

    /** The Euclidean norm of {@code u[0, width)}, computed in double and rounded up to a float (infinite or NaN when u is). */
    static float norm(float[] u, int width) {
        double s = 0;
        for (int f = 0; f < width; f++) {
            s += (double) u[f] * u[f];
        }
        float norm = (float) Math.sqrt(s);
        return Float.isFinite(norm) ? Math.nextUp(norm) : norm;
    }

    /** One user's screening: the k largest lower bounds so far (a min-heap) and the items whose upper bound reached them. */
    private static final class User {
        private final float norm;
        private final TopKScoring.SkipCursor skip;
        private final float[] lower;
        private int filled;
        /** The k-th largest lower bound so far; -infinity until k items were offered. */
        private float tau = Float.NEGATIVE_INFINITY;
        /** Sized for a typical query (food-kitchen Kitchen top-10: about 115 candidates), so that few grow. */
        private int[] candidates = new int[256];
        private float[] uppers = new float[256];
        private int candidateCount;

        User(int size, float norm, int[] skip) {
            this.norm = norm;
            this.skip = new TopKScoring.SkipCursor(skip);
            this.lower = new float[size];
        }

        /** Offers the items {@code [from, to)}, approximate scores {@code approx[i - first]}, in index order. */
        void offer(float[] approx, int first, int from, int to, float[] slack) {
            for (int i = from; i < to; i++) {
                float a = approx[i - first];
                float bound = norm * slack[i];
                float upper = a + bound;
                if (upper < tau || skip.skipped(i)) {
                    continue;
                }
                float low = a - bound;
                if (filled < lower.length) {
                    lower[filled] = low;
                    siftUp(filled++);
                    if (filled == lower.length) {
                        tau = lower[0];
                    }
                } else if (low > lower[0]) {
                    lower[0] = low;
                    siftDown();
                    tau = lower[0];
                }
                if (candidateCount == candidates.length) {
                    candidates = Arrays.copyOf(candidates, 2 * candidateCount);
                    uppers = Arrays.copyOf(uppers, 2 * candidateCount);
                }
                candidates[candidateCount] = i;
                uppers[candidateCount++] = upper;
            }
        }

        private void siftUp(int i) {
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (lower[p] <= lower[i]) {
                    return;
                }
                float t = lower[p];
                lower[p] = lower[i];
                lower[i] = t;
                i = p;
            }
        }

        private void siftDown() {
            int i = 0;
            int size = lower.length;
            while (true) {
                int l = 2 * i + 1;
                if (l >= size) {
                    return;
                }
                int c = l + 1 < size && lower[l + 1] < lower[l] ? l + 1 : l;
                if (lower[i] <= lower[c]) {
                    return;
                }
                float t = lower[c];
                lower[c] = lower[i];
                lower[i] = t;
                i = c;
            }
        }

        /**
         * Scores the surviving candidates exactly and selects the best {@code size} of them as
         * {@link TopKScoring#select} does (its heap: tie rule, NaN check); skipped items never became
         * candidates.
         */
        TopKScoring.Selection finish(float[] user, int width, float[][] table, int size, int firstItem) {
            TopKScoring.Heap heap = new TopKScoring.Heap(size, null);
            float[] one = new float[1];
            for (int c = 0; c < candidateCount; c++) {
                if (uppers[c] >= tau) { // candidates are in index order, as the heap needs
                    one[0] = 0;
                    TopKScoring.scoreTail(user, width, table, candidates[c], 0, 1, one);
                    heap.offer(candidates[c], one[0], firstItem);
                }
            }
            return heap.sorted();
        }
    }
}
