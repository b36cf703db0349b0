package dev.llmedt.engine;

import dev.llmedt.check.Require;
import java.util.Arrays;

/**
 * The {@code k} best items of a feature-major item table for a batch of user vectors, scored and
 * selected block by block: a block of items is scored for every user of the batch (the block stays
 * in cache across them) and fed to each user's bounded heap, so no user's full score row is ever
 * stored. Full-catalogue top-k then reads the table once per batch and writes nothing per item,
 * where scoring full rows first writes and reads {@code 4 x items} bytes per user (2 MB per user
 * for 500k items) besides allocating them.
 *
 * <p>Each item's score is computed by the expression of {@link Kernels#scoreUsers} (bit for bit the
 * same value), and the selection is the one of a full sort: higher score first, equal scores by
 * smaller index; items in a user's skip list are left out. A NaN score that could enter the top k
 * fails the call naming the item.
 */
public final class TopKScoring {

    /** Items per block: 2,048 items of width 64 are 512 KB of table, scored for every user of the batch before the next block. */
    static final int ITEM_BLOCK = 2048;

    private TopKScoring() {
    }

    /**
     * One user's selection.
     *
     * @param items local item indices, best first
     * @param scores their scores
     */
    public record Selection(int[] items, float[] scores) {
    }

    /** Receives the scores of {@link #scoreBlocks}. */
    public interface Sink {
        /** The score of user {@code user}'s pinned item. */
        void pinned(int user, float score);

        /** User {@code user}'s scores of the items {@code [from, to)}: {@code scores[0, to - from)} (valid during the call only). */
        void block(int user, float[] scores, int from, int to);
    }

    /**
     * Streams the scores {@code sum_f users[b][f] * table[f][i]} of every item {@code i < items} for
     * each user {@code b < n}, bit for bit the values of {@link Kernels#scoreUsers}: first, when
     * {@code pinned} is not null, each user's pinned item ({@code pinned[pinnedFrom + b]}, a local
     * index, or -1 for none) to {@link Sink#pinned}; then block by block of items, ascending, each
     * user's block to {@link Sink#block} with user index {@code userOffset + b}.
     */
    public static void scoreBlocks(float[][] users, int n, int width, float[][] table, int items, int[] pinned, int userOffset,
            Sink sink) {
        if (pinned != null) {
            float[][] column = new float[width][1];
            float[] one = new float[1];
            for (int b = 0; b < n; b++) {
                int item = pinned[userOffset + b];
                if (item >= 0) {
                    for (int f = 0; f < width; f++) {
                        column[f][0] = table[f][item];
                    }
                    one[0] = 0;
                    Kernels.addWeightedRows(users[b], column, width, one, 0, 1);
                    sink.pinned(userOffset + b, one[0]);
                }
            }
        }
        if (Kernels.VECTOR) {
            scoreBlocksVector(users, n, width, table, items, userOffset, sink);
            return;
        }
        int cap = Math.min(ITEM_BLOCK, Math.max(items, 1));
        float[] block = new float[cap];
        // The block's columns copied out, so that the kernel indexes scores and table alike (and vectorizes as for full rows).
        float[][] columns = new float[width][cap];
        for (int from = 0; from < items; from += ITEM_BLOCK) {
            int to = Math.min(items, from + ITEM_BLOCK);
            int len = to - from;
            for (int f = 0; f < width; f++) {
                System.arraycopy(table[f], from, columns[f], 0, len);
            }
            for (int b = 0; b < n; b++) {
                Arrays.fill(block, 0, len, 0);
                Kernels.addWeightedRows(users[b], columns, width, block, 0, len);
                sink.block(userOffset + b, block, from, to);
            }
        }
    }

    /**
     * The blocks of {@link #scoreBlocks} on the Vector API: four users at a time share each vector of
     * the table they load ({@code VectorKernels.productRows}, read straight from the table, no column
     * copy), a remaining user alone; items past the last full vector of a block are scored by
     * {@link #scoreTail}. Every score is the same float as the scalar path's.
     */
    private static void scoreBlocksVector(float[][] users, int n, int width, float[][] table, int items, int userOffset, Sink sink) {
        int cap = Math.min(ITEM_BLOCK, Math.max(items, 1));
        float[][] blocks = new float[Math.min(n, 4)][cap];
        float[][] columns = n % 4 == 0 ? null : new float[width][cap];
        for (int from = 0; from < items; from += ITEM_BLOCK) {
            int to = Math.min(items, from + ITEM_BLOCK);
            int len = to - from;
            int full = len - len % VectorKernels.LANES;
            int b = 0;
            for (; b + 3 < n; b += 4) {
                for (int j = 0; j < 4; j++) {
                    Arrays.fill(blocks[j], 0, len, 0);
                }
                VectorKernels.productRows(users[b], users[b + 1], users[b + 2], users[b + 3], table, width, from, full, blocks[0], blocks[1],
                        blocks[2], blocks[3]);
                for (int j = 0; j < 4; j++) {
                    scoreTail(users[b + j], width, table, from, full, len, blocks[j]);
                    sink.block(userOffset + b + j, blocks[j], from, to);
                }
            }
            if (b < n) {
                // One to three users left: the block's columns copied out first (a streaming copy from
                // memory, then every pass over them from cache, as on the scalar path).
                for (int f = 0; f < width; f++) {
                    System.arraycopy(table[f], from, columns[f], 0, len);
                }
            }
            for (; b < n; b++) {
                Arrays.fill(blocks[0], 0, len, 0);
                VectorKernels.productRow(users[b], columns, width, 0, full, blocks[0]);
                scoreTail(users[b], width, columns, 0, full, len, blocks[0]);
                sink.block(userOffset + b, blocks[0], from, to);
            }
        }
    }

    /**
     * {@code out[c] += sum_f user[f] * table[f][from + c]} for {@code c} in {@code [fromC, toC)}, with
     * the operations of {@link Kernels#addWeightedRows} in its order (features in groups of four, each
     * group summed left to right, then one by one).
     */
    static void scoreTail(float[] user, int width, float[][] table, int from, int fromC, int toC, float[] out) {
        for (int c = fromC; c < toC; c++) {
            int i = from + c;
            float y = out[c];
            int f = 0;
            for (; f + 3 < width; f += 4) {
                y += user[f] * table[f][i] + user[f + 1] * table[f + 1][i] + user[f + 2] * table[f + 2][i] + user[f + 3] * table[f + 3][i];
            }
            for (; f < width; f++) {
                y += user[f] * table[f][i];
            }
            out[c] = y;
        }
    }

    /**
     * Selects, for each user {@code b < n}, the {@code min(k, items)} best items {@code i < items}
     * by {@code sum_f users[b][f] * table[f][i]}, leaving out the local indices in {@code skip[b]}
     * (ascending, may repeat; null for none).
     *
     * @param firstItem the global id of local item 0, for messages
     * @throws IllegalStateException when the score of an item that could enter is NaN (naming its global id)
     */
    public static Selection[] select(float[][] users, int n, int width, float[][] table, int items, int[][] skip, int k, int firstItem) {
        return selectExact(users, n, width, table, items, skip, k, firstItem);
    }

    /**
     * The selection of {@link #select(float[][], int, int, float[][], int, int[][], int, int)}, the
     * same items and scores, screened first on the compact copy of the table ({@link ScreenedTopK}):
     * only the items that can be in a user's top k are scored exactly.
     *
     * @param screen the table's compact copy ({@link DomainTables#screen}), or null to score every item exactly
     */
    public static Selection[] select(float[][] users, int n, int width, float[][] table, ScreeningTable screen, int items, int[][] skip, int k,
            int firstItem) {
        Require.atLeast("k", k, 1);
        boolean vector = Kernels.VECTOR && ScreenKernels.USABLE;
        return ScreenedTopK.select(users, n, width, table, screen, items, skip, k, firstItem, vector);
    }

    /** Every item scored exactly, block by block (the selection without screening). */
    static Selection[] selectExact(float[][] users, int n, int width, float[][] table, int items, int[][] skip, int k, int firstItem) {
        Require.atLeast("k", k, 1);
        int size = Math.min(k, items);
        Heap[] heaps = new Heap[n];
        for (int b = 0; b < n; b++) {
            heaps[b] = new Heap(size, skip == null ? null : skip[b]);
        }
        scoreBlocks(users, n, width, table, items, null, 0, new Sink() {
            @Override
            public void pinned(int user, float score) {
            }

            @Override
            public void block(int user, float[] scores, int from, int to) {
                heaps[user].offer(scores, from, to, firstItem);
            }
        });
        Selection[] out = new Selection[n];
        for (int b = 0; b < n; b++) {
            out[b] = heaps[b].sorted();
        }
        return out;
    }

    /**
     * A min-heap of the best items so far, the worst at the root: by (score ascending, index
     * descending). Items must be offered in ascending index order. Also the final selection of
     * {@link ScreenedTopK}.
     */
    static final class Heap {
        private final int[] index;
        private final float[] score;
        private final SkipCursor skip;
        private int size;
        private float worst = Float.NEGATIVE_INFINITY;

        Heap(int capacity, int[] skip) {
            this.index = new int[capacity];
            this.score = new float[capacity];
            this.skip = new SkipCursor(skip);
        }

        /** Whether (sa, a) ranks ahead of (sb, b): higher score, or equal score and smaller index. */
        private static boolean better(float sa, int a, float sb, int b) {
            return sa > sb || (sa == sb && a < b);
        }

        /** Offers the items {@code [from, to)} whose scores are {@code block[0, to - from)}, in index order. */
        void offer(float[] block, int from, int to, int firstItem) {
            for (int i = from; i < to; i++) {
                offer(i, block[i - from], firstItem);
            }
        }

        /** Offers item {@code i} (above every item offered before) with score {@code s}. */
        void offer(int i, float s, int firstItem) {
            int n = index.length;
            // Items come in index order, so once the heap is full an equal score loses the tie.
            if (size == n && s <= worst || skip.skipped(i)) {
                return;
            }
            if (Float.isNaN(s)) {
                throw new IllegalStateException("score of item " + (firstItem + i) + " is NaN");
            }
            if (size < n) {
                index[size] = i;
                score[size] = s;
                siftUp(size++);
            } else if (n > 0 && better(s, i, score[0], index[0])) {
                index[0] = i;
                score[0] = s;
                siftDown();
            } else {
                return;
            }
            if (size == n) {
                worst = score[0];
            }
        }

        private void swap(int a, int b) {
            int ti = index[a];
            index[a] = index[b];
            index[b] = ti;
            float ts = score[a];
            score[a] = score[b];
            score[b] = ts;
        }

        private void siftUp(int i) {
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (better(score[p], index[p], score[i], index[i])) {
                    swap(p, i);
                    i = p;
                } else {
                    return;
                }
            }
        }

        private void siftDown() {
            int i = 0;
            while (true) {
                int l = 2 * i + 1;
                if (l >= size) {
                    return;
                }
                int r = l + 1;
                int worse = r < size && better(score[l], index[l], score[r], index[r]) ? r : l;
                if (better(score[i], index[i], score[worse], index[worse])) {
                    swap(i, worse);
                    i = worse;
                } else {
                    return;
                }
            }
        }

        Selection sorted() {
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> better(score[a], index[a], score[b], index[b]) ? -1
                    : better(score[b], index[b], score[a], index[a]) ? 1 : 0);
            int[] items = new int[size];
            float[] scores = new float[size];
            for (int i = 0; i < size; i++) {
                items[i] = index[order[i]];
                scores[i] = score[order[i]];
            }
            return new Selection(items, scores);
        }
    }

    /** Walks an ascending list of skipped indices (may repeat; null for none) along ascending queries. */
    static final class SkipCursor {
        private final int[] skip;
        private int at;

        SkipCursor(int[] skip) {
            this.skip = skip;
        }

        /** Whether {@code i} is skipped; {@code i} must not be below the previous query. */
        boolean skipped(int i) {
            if (skip == null) {
                return false;
            }
            while (at < skip.length && skip[at] < i) {
                at++;
            }
            return at < skip.length && skip[at] == i;
        }
    }
}
