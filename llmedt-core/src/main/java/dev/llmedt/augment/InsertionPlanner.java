package dev.llmedt.augment;

import dev.llmedt.check.Require;
import dev.llmedt.data.History;
import dev.llmedt.data.UserSequence;
import dev.llmedt.engine.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides which of a user's bridges are inserted and where: the cap on insertions per user keeps
 * the most similar bridge of each source cluster first, then the second of each, and so on; the
 * {@link InsertionStrategy} then places each kept item (right after its source, at the end, or at a
 * seeded random place) and the result marks inserted items as context or training targets.
 *
 * <p>Immutable and thread-safe; random placement draws from a stream seeded per user.
 */
final class InsertionPlanner {

    /**
     * One item that passed every filter, before the cap and placement.
     *
     * @param item the global id of the item to insert
     * @param sourcePosition index, in the user's sequence, of the source item it bridges from
     * @param similarity cosine between the source item and the item
     * @param match with a generator, cosine between the generated text and the item; NaN offline
     * @param cluster the k-means cluster of the source item
     * @param behavioural whether it comes from behaviour (users took it next after the source item)
     */
    record Bridge(int item, int sourcePosition, float similarity, float match, int cluster, boolean behavioural) {
    }

    /**
     * One user's result.
     *
     * @param sequence the user's sequence with inserted items marked
     * @param insertions the insertions, in order of their place in the sequence
     */
    record Placed(AugmentedSequence sequence, List<Insertion> insertions) {
    }

    private final InsertionStrategy strategy;
    private final int maxInsertionsPerUser;
    private final boolean insertedItemsAreTargets;
    private final float insertedTargetWeight;
    private final long seed;

    /**
     * @param strategy where inserted items go
     * @param maxInsertionsPerUser at most this many items are inserted per user
     * @param insertedItemsAreTargets whether inserted items may be training targets
     * @param insertedTargetWeight the loss weight of inserted items that are training targets
     * @param seed seeds random placement (mixed with the user's training index)
     */
    InsertionPlanner(InsertionStrategy strategy, int maxInsertionsPerUser, boolean insertedItemsAreTargets, float insertedTargetWeight,
            long seed) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.maxInsertionsPerUser = Require.atLeast("maxInsertionsPerUser", maxInsertionsPerUser, 1);
        this.insertedItemsAreTargets = insertedItemsAreTargets;
        this.insertedTargetWeight = insertedTargetWeight;
        this.seed = seed;
    }

    /**
     * Returns the bridges kept under the cap, in the order they are kept: ranked by behaviour first,
     * then similarity (then item id), the first of each source cluster, then the second of each,
     * and so on. {@code bridges} is not modified; the caller counts the rest as dropped by the cap.
     */
    List<Bridge> cap(List<Bridge> bridges) {
        List<Bridge> ranked = new ArrayList<>(bridges);
        ranked.sort(Comparator.comparing((Bridge b) -> !b.behavioural()).thenComparingDouble(b -> -b.similarity())
                .thenComparingInt(Bridge::item));
        Map<Integer, Integer> rankInCluster = new HashMap<>();
        int[] rank = new int[ranked.size()];
        for (int k = 0; k < ranked.size(); k++) {
            rank[k] = rankInCluster.merge(ranked.get(k).cluster(), 1, Integer::sum);
        }
        Integer[] order = new Integer[ranked.size()];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        Arrays.sort(order, Comparator.<Integer>comparingInt(k -> rank[k]).thenComparingInt(k -> k));
        int keep = Math.min(ranked.size(), maxInsertionsPerUser);
        List<Bridge> chosen = new ArrayList<>(keep);
        for (int k = 0; k < keep; k++) {
            chosen.add(ranked.get(order[k]));
        }
        return chosen;
    }

    /** Returns the user's sequence unchanged, with no insertion. */
    Placed unchanged(UserSequence s) {
        return new Placed(AugmentedSequence.unchanged(s, insertedItemsAreTargets, insertedTargetWeight), List.of());
    }

    /**
     * Places the chosen bridges into the user's sequence.
     *
     * @param user the user's index in training order (seeds random placement)
     * @param chosen the bridges to insert, in the order {@link #cap} returned them (random places
     *     are drawn in this order)
     */
    Placed place(int user, UserSequence s, List<Bridge> chosen) {
        if (chosen.isEmpty()) {
            return unchanged(s);
        }
        History h = s.items();
        long[] stream = {Rng.seed(seed, user, 2)};
        List<Insertion> insertions = new ArrayList<>(chosen.size());
        for (Bridge b : chosen) {
            int after = switch (strategy) {
                case AFTER_SOURCE -> b.sourcePosition();
                case APPEND -> h.length() - 1;
                case RANDOM -> Rng.nextInt(stream, 0, h.length() + 1) - 1;
            };
            insertions.add(new Insertion(s.source(), s.user(), b.sourcePosition(), h.item(b.sourcePosition()), b.item(), b.similarity(),
                    b.match(), after));
        }
        insertions.sort(Comparator.comparingInt(Insertion::afterPosition).thenComparingInt(Insertion::position)
                .thenComparingDouble(in -> -in.similarity()).thenComparingInt(Insertion::insertedItem));
        int[] items = new int[h.length() + insertions.size()];
        boolean[] inserted = new boolean[items.length];
        int at = 0;
        int next = 0;
        for (int p = -1; p < h.length(); p++) {
            if (p >= 0) {
                items[at++] = h.item(p);
            }
            while (next < insertions.size() && insertions.get(next).afterPosition() == p) {
                inserted[at] = true;
                items[at++] = insertions.get(next++).insertedItem();
            }
        }
        return new Placed(new AugmentedSequence(s.source(), s.user(), History.of(items), inserted, insertedItemsAreTargets,
                insertedTargetWeight),
                List.copyOf(insertions));
    }
}
