package dev.llmedt.augment;

import dev.llmedt.progress.ProgressListener;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.UserSequence;
import dev.llmedt.engine.WorkerPool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offline candidates (no generator): for each source item, its nearest item of the target
 * domain by cosine of the item embeddings, the item a perfect generator's text would map to, or
 * with CSLS scoring the item of highest {@code 2 cos - hub penalty} ({@link BridgeScoring#CSLS}).
 * Every nearest item that can be asked for is found up front, in one exact search per target
 * domain (and source domain) over the distinct source items that need one.
 */
final class NearestItemCandidates implements CandidateSource {

    private static final Logger LOG = LoggerFactory.getLogger(NearestItemCandidates.class);

    private final ItemSpace items;
    /** Per target domain index, the nearest item of each global item id ({@code -1}: none or not needed). */
    private final int[][] nearest;

    private NearestItemCandidates(ItemSpace items, int[][] nearest) {
        this.items = items;
        this.nearest = nearest;
    }

    /**
     * Finds, for each target domain, the nearest item of every source item of a chosen user bridging to it.
     *
     * @param csls whether "nearest" is by CSLS score (the item space must hold the hub penalties) instead of cosine
     */
    static NearestItemCandidates search(List<UserSequence> train, ImbalancedUsers users, ItemCatalog catalog, ItemSpace items,
            boolean csls, WorkerPool pool, ProgressListener progress) {
        int domainCount = catalog.domains().size();
        int[][] nearest = new int[domainCount][];
        for (int t = 0; t < domainCount; t++) {
            if (!items.isTarget(t)) {
                continue;
            }
            boolean[] needed = new boolean[catalog.size()];
            for (int u : users.selected()) {
                ImbalancedUsers.Plan p = users.plan(u);
                if (!p.targets(t)) {
                    continue;
                }
                Domain source = catalog.domains().get(p.dominant());
                History h = train.get(u).items();
                for (int i = 0; i < h.length(); i++) {
                    int item = h.item(i);
                    if (source.contains(item) && items.hasText(item)) {
                        needed[item] = true;
                    }
                }
            }
            nearest[t] = new int[catalog.size()];
            Arrays.fill(nearest[t], -1);
            // CSLS penalties depend on the source domain: one search per source domain (cosine: one in all).
            for (Domain source : csls ? catalog.domains() : List.of(catalog.domains().get(0))) {
                List<Integer> queries = new ArrayList<>();
                for (int item = csls ? source.firstItem() : 0; item < (csls ? source.endItem() : needed.length); item++) {
                    if (needed[item]) {
                        queries.add(item);
                    }
                }
                if (csls && queries.isEmpty()) {
                    continue;
                }
                float[][] q = new float[queries.size()][];
                for (int k = 0; k < q.length; k++) {
                    q[k] = items.vector(queries.get(k));
                }
                String task = "nearest " + catalog.domains().get(t).name() + " items" + (csls ? " by CSLS to " + source.name() : "");
                progress.progress(task, 0, q.length);
                long t0 = System.nanoTime();
                int[] found = items.nearestItems(t, csls ? source.index() : -1, q, pool);
                progress.progress(task, q.length, q.length);
                LOG.debug("{} of {} source items in {} ms", task, q.length, (System.nanoTime() - t0) / 1_000_000);
                for (int k = 0; k < q.length; k++) {
                    nearest[t][queries.get(k)] = found[k];
                }
            }
        }
        return new NearestItemCandidates(items, nearest);
    }

    /**
     * One candidate per source item that has a nearest item: that item, scored by its cosine to the
     * source item (with CSLS too: tau stays a cosine).
     */
    @Override
    public void propose(int user, int target, Collection<Integer> sourceItems, List<Candidate> out) {
        for (int item : sourceItems) {
            int c = nearest[target][item];
            if (c >= 0) {
                out.add(new Candidate(c, items.cosine(item, c), Float.NaN, Origin.SIMILARITY));
            }
        }
    }
}
