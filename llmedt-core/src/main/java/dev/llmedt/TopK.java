package dev.llmedt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Bounded selection of the best scores without sorting the whole domain. */
final class TopK {
    private TopK() {
    }

    static List<ScoredItem> select(float[] scores, boolean[] skip, int firstItem, int k) {
        int n = Math.min(k, scores.length);
        int[] heap = new int[n]; // min-heap of local indices by (score asc, id desc)
        int size = 0;
        // Once the heap is full, an item must beat its worst score: items come in id order, so an
        // equal score loses the tie. Most items fail this one comparison (NaN does not, and is caught).
        float worst = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < scores.length; i++) {
            float s = scores[i];
            if (size == n && s <= worst) {
                continue;
            }
            if (skip != null && skip[i]) {
                continue;
            }
            if (Float.isNaN(s)) {
                throw new IllegalStateException("score of item " + (firstItem + i) + " is NaN");
            }
            if (size < n) {
                heap[size] = i;
                siftUp(heap, size++, scores);
            } else if (n > 0 && better(i, heap[0], scores)) {
                heap[0] = i;
                siftDown(heap, size, scores);
            } else {
                continue;
            }
            if (size == n) {
                worst = scores[heap[0]];
            }
        }
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = heap[i];
        }
        Arrays.sort(order, (a, b) -> better(a, b, scores) ? -1 : better(b, a, scores) ? 1 : 0);
        List<ScoredItem> out = new ArrayList<>(size);
        for (int i : order) {
            out.add(new ScoredItem(firstItem + i, scores[i]));
        }
        return out;
    }

    /** Whether local item a ranks ahead of b: higher score, or equal score and smaller id. */
    static boolean better(int a, int b, float[] s) {
        return s[a] > s[b] || (s[a] == s[b] && a < b);
    }

    private static void siftUp(int[] h, int i, float[] s) {
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (better(h[p], h[i], s)) {
                int t = h[p];
                h[p] = h[i];
                h[i] = t;
                i = p;
            } else {
                return;
            }
        }
    }

    private static void siftDown(int[] h, int size, float[] s) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return;
            }
            int worst = l;
            if (l + 1 < size && better(h[l], h[l + 1], s)) {
                worst = l + 1;
            }
            if (better(h[i], h[worst], s)) {
                int t = h[i];
                h[i] = h[worst];
                h[worst] = t;
                i = worst;
            } else {
                return;
            }
        }
    }
}
