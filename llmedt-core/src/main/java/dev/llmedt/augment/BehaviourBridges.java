package dev.llmedt.augment;

import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.UserSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bridges from behaviour ({@link BridgeScoring#BEHAVIOUR}): for a source item {@code s} and a
 * target domain, the items of that domain users took next after {@code s}, ranked by how often.
 * A transition is counted for every occurrence of {@code s} in a training sequence whose later
 * items include one of the target domain: the first such item is the one taken next. Only the
 * training sequences are read (with a leave-one-out split they hold no validation or test item).
 *
 * <p>For each source item of a user, the most frequent successor the user does not have yet is
 * proposed ({@link CandidateSource.Origin#BEHAVIOUR}, scored by its cosine to the source item for
 * the report; it is exempt from tau); a source item without such a successor falls back to the
 * similarity candidates (CSLS). Items without text are neither sources nor successors, as for
 * the similarity candidates.
 *
 * <p>Immutable once built; safe to read from several workers.
 */
final class BehaviourBridges implements CandidateSource {

    /** Successors kept per source item and target domain, most frequent first. */
    static final int KEPT_SUCCESSORS = 16;

    private final ItemSpace items;
    private final List<UserSequence> train;
    private final CandidateSource fallback;
    /** Per target domain index, per source item: its successors, most frequent first (ties: lower id). */
    private final Map<Integer, Map<Integer, int[]>> successors;
    /** The same shape: each successor's count. */
    private final Map<Integer, Map<Integer, int[]>> counts;

    private BehaviourBridges(ItemSpace items, List<UserSequence> train, CandidateSource fallback, Map<Integer, Map<Integer, int[]>> successors,
            Map<Integer, Map<Integer, int[]>> counts) {
        this.items = items;
        this.train = train;
        this.fallback = fallback;
        this.successors = successors;
        this.counts = counts;
    }

    /**
     * Counts the transitions of the training sequences towards every target domain of the item space.
     *
     * @param train every training sequence (all users, not only those augmented), in training order;
     *     {@link #propose} reads the user's sequence from it by training index
     * @param fallback the candidates of a source item without a behavioural successor
     */
    static BehaviourBridges count(List<UserSequence> train, ItemCatalog catalog, ItemSpace items, CandidateSource fallback) {
        int domains = catalog.domains().size();
        List<Map<Integer, Map<Integer, Integer>>> byTarget = new ArrayList<>();
        for (int t = 0; t < domains; t++) {
            byTarget.add(items.isTarget(t) ? new HashMap<>() : null);
        }
        int[] domainOf = new int[catalog.size()];
        for (var d : catalog.domains()) {
            Arrays.fill(domainOf, d.firstItem(), d.endItem(), d.index());
        }
        int[] nextOf = new int[domains];
        for (UserSequence s : train) {
            History h = s.items();
            // Walk backwards, remembering the next item of each domain after the current position.
            Arrays.fill(nextOf, -1);
            for (int i = h.length() - 1; i >= 0; i--) {
                int item = h.item(i);
                int from = domainOf[item];
                if (items.hasText(item)) {
                    for (int t = 0; t < domains; t++) {
                        int next = nextOf[t];
                        if (t != from && next >= 0 && byTarget.get(t) != null) {
                            byTarget.get(t).computeIfAbsent(item, k -> new HashMap<>()).merge(next, 1, Integer::sum);
                        }
                    }
                }
                if (items.hasText(item)) {
                    nextOf[from] = item;
                } else {
                    // An item without text is never a successor, but it is the next item of its domain.
                    nextOf[from] = -1;
                }
            }
        }
        Map<Integer, Map<Integer, int[]>> successors = new HashMap<>();
        Map<Integer, Map<Integer, int[]>> countsOut = new HashMap<>();
        for (int t = 0; t < domains; t++) {
            if (byTarget.get(t) == null) {
                continue;
            }
            Map<Integer, int[]> succ = new HashMap<>();
            Map<Integer, int[]> cnt = new HashMap<>();
            for (Map.Entry<Integer, Map<Integer, Integer>> e : byTarget.get(t).entrySet()) {
                List<Map.Entry<Integer, Integer>> ranked = new ArrayList<>(e.getValue().entrySet());
                ranked.sort((a, b) -> a.getValue().equals(b.getValue()) ? Integer.compare(a.getKey(), b.getKey())
                        : Integer.compare(b.getValue(), a.getValue()));
                int n = Math.min(KEPT_SUCCESSORS, ranked.size());
                int[] ids = new int[n];
                int[] c = new int[n];
                for (int k = 0; k < n; k++) {
                    ids[k] = ranked.get(k).getKey();
                    c[k] = ranked.get(k).getValue();
                }
                succ.put(e.getKey(), ids);
                cnt.put(e.getKey(), c);
            }
            successors.put(t, succ);
            countsOut.put(t, cnt);
        }
        return new BehaviourBridges(items, train, fallback, successors, countsOut);
    }

    /** Returns the successors of a source item towards a target domain, most frequent first (empty: none). */
    int[] successors(int target, int sourceItem) {
        Map<Integer, int[]> m = successors.get(target);
        int[] s = m == null ? null : m.get(sourceItem);
        return s == null ? new int[0] : s.clone();
    }

    /** Returns how often each of {@link #successors} was taken next. */
    int[] successorCounts(int target, int sourceItem) {
        Map<Integer, int[]> m = counts.get(target);
        int[] c = m == null ? null : m.get(sourceItem);
        return c == null ? new int[0] : c.clone();
    }

    /**
     * For each source item, its most frequent successor the user does not have yet (a behavioural
     * candidate), else the fallback's candidates for it.
     *
     * @param user the user's index in training order (the sequence {@link #count} was given)
     */
    @Override
    public void propose(int user, int target, Collection<Integer> sourceItems, List<Candidate> out) {
        History h = train.get(user).items();
        Map<Integer, int[]> m = successors.get(target);
        for (int s : sourceItems) {
            int[] next = m == null ? null : m.get(s);
            int chosen = -1;
            if (next != null) {
                for (int t : next) {
                    if (!h.contains(t)) {
                        chosen = t;
                        break;
                    }
                }
            }
            if (chosen >= 0) {
                out.add(new Candidate(chosen, items.cosine(s, chosen), Float.NaN, Origin.BEHAVIOUR, s));
            } else {
                fallback.propose(user, target, List.of(s), out);
            }
        }
    }
}
