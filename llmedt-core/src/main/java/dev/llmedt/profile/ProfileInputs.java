package dev.llmedt.profile;

import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.text.ItemEmbeddings;
import java.util.ArrayList;
import java.util.List;

/**
 * The inputs of the {@link DomainAwareProfiler}, checked and gathered: the visible histories name
 * catalog items, the item vectors the histories use have the right length and finite values.
 * Each check throws an {@link IllegalArgumentException} that names the user or item at fault.
 */
final class ProfileInputs {

    private ProfileInputs() {
    }

    /** Returns the vectors of the items the histories use only, as rows; null for other items and items without text. */
    static float[][] usedVectors(ItemCatalog catalog, ItemEmbeddings embeddings, List<History> visible) {
        float[][] vectors = new float[catalog.size()][];
        boolean[] used = new boolean[catalog.size()];
        for (History h : visible) {
            for (int p = 0; p < h.length(); p++) {
                int item = h.item(p);
                if (!used[item]) {
                    used[item] = true;
                    vectors[item] = embeddings.hasText(item) ? embeddings.vector(item) : null;
                }
            }
        }
        return vectors;
    }

    /** Checks that no history is null and every history names catalog items only. */
    static void checkHistories(ItemCatalog catalog, List<History> visible) {
        for (int u = 0; u < visible.size(); u++) {
            History h = visible.get(u);
            if (h == null) {
                throw new IllegalArgumentException("the history of user " + u + " is null; pass History.empty() for a user without items");
            }
            for (int p = 0; p < h.length(); p++) {
                if (!catalog.isItem(h.item(p))) {
                    throw new IllegalArgumentException("user " + u + " has item " + h.item(p) + " at position " + p
                            + ", which is not in the catalog; item ids are 0.." + (catalog.size() - 1));
                }
            }
        }
    }

    /** Checks that there is a row per catalog item and that the rows the histories use have the dimension and are finite. */
    static void checkVectors(ItemCatalog catalog, float[][] vectors, int dimension, List<History> visible) {
        if (vectors.length != catalog.size()) {
            throw new IllegalArgumentException(vectors.length + " item vectors for a catalog of " + catalog.size() + " items");
        }
        boolean[] checked = new boolean[vectors.length];
        List<Integer> bad = new ArrayList<>();
        for (History h : visible) {
            for (int p = 0; p < h.length(); p++) {
                int item = h.item(p);
                if (checked[item]) {
                    continue;
                }
                checked[item] = true;
                float[] v = vectors[item];
                if (v == null) {
                    continue;
                }
                if (v.length != dimension) {
                    throw new IllegalArgumentException("the vector of item " + item + " has length " + v.length + ", expected " + dimension);
                }
                for (float x : v) {
                    if (!Float.isFinite(x)) {
                        bad.add(item);
                        break;
                    }
                }
            }
        }
        if (!bad.isEmpty()) {
            String title = catalog.item(bad.get(0)).title();
            throw new IllegalArgumentException("the embedding of item " + bad.get(0) + (title.isEmpty() ? "" : " ('" + shorten(title)
                    + "')") + " holds NaN or infinite values" + (bad.size() > 1 ? " (and " + (bad.size() - 1) + " more items)" : "")
                    + "; re-encode the items");
        }
    }

    /** Returns {@code s}, cut to 60 characters ending with {@code "..."} when longer (for messages). */
    static String shorten(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
