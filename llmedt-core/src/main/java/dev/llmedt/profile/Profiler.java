package dev.llmedt.profile;

import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.text.ItemEmbeddings;
import java.util.List;

/**
 * Builds a text profile of each user from what the model may see of them (METHOD.md section 4).
 *
 * <p><b>Visibility is the caller's job, and it matters.</b> A profile must be built ONLY from items
 * the model is allowed to see at the time it predicts: for a training user, the real items of the
 * training sequence (not augmented items, which are the model's own guesses); for an evaluated
 * (validation or test) user, the input prefix, never the target. A profile built from a history
 * that contains the target leaks the answer into the user representation and inflates every
 * metric; the profiler cannot tell, because it only sees the histories it is given.
 *
 * @see DomainAwareProfiler
 */
public interface Profiler {

    /**
     * Builds one profile per history.
     *
     * @param catalog the items (titles, domains)
     * @param embeddings one unit vector per catalog item, global id order (items without text have
     *     zero rows)
     * @param visible one history per user, only what the model may see (never a target)
     * @param progress told about long steps
     * @return one profile per history, same order
     * @throws IllegalArgumentException when the embeddings do not fit the catalog (rows, NaN), or a
     *     history names an item outside the catalog
     */
    UserProfiles profile(ItemCatalog catalog, ItemEmbeddings embeddings, List<History> visible, ProgressListener progress);

    /**
     * Builds one profile per history without progress reports.
     *
     * @see #profile(ItemCatalog, ItemEmbeddings, List, ProgressListener)
     */
    default UserProfiles profile(ItemCatalog catalog, ItemEmbeddings embeddings, List<History> visible) {
        return profile(catalog, embeddings, visible, ProgressListener.none());
    }
}
