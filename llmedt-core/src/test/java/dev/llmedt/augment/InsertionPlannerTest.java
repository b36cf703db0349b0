package dev.llmedt.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.augment.InsertionPlanner.Bridge;
import dev.llmedt.augment.InsertionPlanner.Placed;
import dev.llmedt.data.History;
import dev.llmedt.data.UserSequence;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cap and the three placements, on hand-made bridges. */
class InsertionPlannerTest {

    /** Items 0..4, all of the source domain; inserted items are 100 and up. */
    private static final UserSequence USER = new UserSequence("train_A.txt", "u", History.of(0, 1, 2, 3, 4));

    private static InsertionPlanner planner(InsertionStrategy strategy, int cap) {
        return new InsertionPlanner(strategy, cap, false, 1f, 42);
    }

    private static Bridge bridge(int item, int sourcePosition, float similarity, int cluster) {
        return new Bridge(item, sourcePosition, similarity, Float.NaN, cluster, false);
    }

    /** The placed sequence as text, inserted items starred, then the insertions. */
    private static String layout(Placed p) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < p.sequence().length(); i++) {
            sb.append(p.sequence().items().item(i)).append(p.sequence().isInserted(i) ? "* " : " ");
        }
        return sb.append(p.insertions()).toString();
    }

    private static List<Integer> items(List<Bridge> bridges) {
        return bridges.stream().map(Bridge::item).toList();
    }

    @Test
    void theCapTakesTheBestOfEachClusterBeforeTheSecondOfAny() {
        List<Bridge> bridges = List.of(bridge(100, 0, 0.7f, 1), bridge(101, 1, 0.9f, 1), bridge(102, 2, 0.8f, 1),
                bridge(103, 3, 0.85f, 2), bridge(104, 4, 0.6f, 3), bridge(105, 4, 0.5f, 2));
        List<Bridge> copy = new ArrayList<>(bridges);
        assertEquals(List.of(101, 103, 104), items(planner(InsertionStrategy.AFTER_SOURCE, 3).cap(bridges)),
                "0.9 of cluster 1, 0.85 of cluster 2, 0.6 of cluster 3; 0.8 waits for the second round");
        assertEquals(List.of(101, 103, 104, 102, 105), items(planner(InsertionStrategy.AFTER_SOURCE, 5).cap(bridges)),
                "second round by similarity: 0.8 (cluster 1) then 0.5 (cluster 2)");
        assertEquals(List.of(101, 103, 104, 102, 105, 100), items(planner(InsertionStrategy.AFTER_SOURCE, 1000).cap(bridges)));
        assertEquals(copy, bridges, "the input is not reordered");
        assertEquals(List.of(), planner(InsertionStrategy.AFTER_SOURCE, 1).cap(List.of()));
    }

    @Test
    void equalSimilaritiesAreRankedByItemId() {
        List<Bridge> bridges = List.of(bridge(107, 0, 0.8f, 1), bridge(103, 1, 0.8f, 1), bridge(105, 2, 0.8f, 1));
        assertEquals(List.of(103, 105), items(planner(InsertionStrategy.AFTER_SOURCE, 2).cap(bridges)));
    }

    @Test
    void afterSourcePutsEachItemRightAfterItsSource() {
        InsertionPlanner p = planner(InsertionStrategy.AFTER_SOURCE, 5);
        // Two bridges from position 1: the more similar first; one from position 4 (the last item).
        Placed placed = p.place(0, USER, List.of(bridge(100, 1, 0.6f, 0), bridge(101, 4, 0.9f, 0), bridge(102, 1, 0.7f, 0)));
        assertEquals(History.of(0, 1, 102, 100, 2, 3, 4, 101), placed.sequence().items());
        assertEquals(List.of(102, 100, 101), placed.insertions().stream().map(Insertion::insertedItem).toList());
        Insertion first = placed.insertions().get(0);
        assertEquals(new Insertion("train_A.txt", "u", 1, 1, 102, 0.7f, Float.NaN, 1), first);
        for (int i = 0; i < placed.sequence().length(); i++) {
            int item = placed.sequence().items().item(i);
            assertEquals(item >= 100, placed.sequence().isInserted(i), "position " + i);
            assertEquals(item < 100, placed.sequence().isTrainingTarget(i), "inserted items are context: position " + i);
        }
    }

    @Test
    void appendPutsTheItemsAtTheEndInOrderOfTheirSources() {
        Placed placed = planner(InsertionStrategy.APPEND, 5).place(0, USER,
                List.of(bridge(100, 3, 0.9f, 0), bridge(101, 0, 0.6f, 0), bridge(102, 3, 0.95f, 0)));
        assertEquals(History.of(0, 1, 2, 3, 4, 101, 102, 100), placed.sequence().items());
        assertEquals(List.of(4, 4, 4), placed.insertions().stream().map(Insertion::afterPosition).toList());
        assertEquals(List.of(0, 3, 3), placed.insertions().stream().map(Insertion::position).toList(), "position names the source");
    }

    @Test
    void randomPlacementIsSeededPerUserAndCoversTheWholeSequence() {
        InsertionPlanner p = planner(InsertionStrategy.RANDOM, 5);
        List<Bridge> chosen = List.of(bridge(100, 0, 0.9f, 0), bridge(101, 2, 0.8f, 1), bridge(102, 4, 0.7f, 2));
        Set<Integer> places = new HashSet<>();
        Set<String> layouts = new HashSet<>();
        for (int user = 0; user < 200; user++) {
            Placed a = p.place(user, USER, chosen);
            assertEquals(layout(a), layout(p.place(user, USER, chosen)), "the same user is placed the same way");
            assertEquals(a.insertions(), new InsertionPlanner(InsertionStrategy.RANDOM, 5, false, 1f, 42).place(user, USER, chosen).insertions());
            int[] after = a.insertions().stream().mapToInt(Insertion::afterPosition).toArray();
            for (int k = 0; k < after.length; k++) {
                assertTrue(after[k] >= -1 && after[k] < USER.length(), a.toString());
                assertTrue(k == 0 || after[k - 1] <= after[k], "insertions are listed in sequence order");
                places.add(after[k]);
            }
            layouts.add(a.sequence().items().toString());
            assertEquals(USER.items().toString(), History.of(java.util.Arrays.stream(a.sequence().items().toArray()).filter(i -> i < 100)
                    .toArray()).toString(), "original items keep their order");
        }
        assertEquals(Set.of(-1, 0, 1, 2, 3, 4), places, "before the first item and after every item");
        assertTrue(layouts.size() > 50, "users are placed differently: " + layouts.size());
        assertNotEquals(layout(p.place(0, USER, chosen)), layout(new InsertionPlanner(InsertionStrategy.RANDOM, 5, false, 1f, 43)
                .place(0, USER, chosen)), "another seed, another placement");
    }

    @Test
    void theTargetsFlagMarksInsertedItemsAsTrainingTargets() {
        List<Bridge> one = List.of(bridge(100, 0, 0.9f, 0));
        AugmentedSequence context = new InsertionPlanner(InsertionStrategy.AFTER_SOURCE, 5, false, 1f, 1).place(0, USER, one).sequence();
        AugmentedSequence targets = new InsertionPlanner(InsertionStrategy.AFTER_SOURCE, 5, true, 1f, 1).place(0, USER, one).sequence();
        assertTrue(context.isInserted(1) && targets.isInserted(1));
        assertFalse(context.isTrainingTarget(1));
        assertTrue(targets.isTrainingTarget(1));
        assertTrue(context.isTrainingTarget(2) && targets.isTrainingTarget(2));
        assertEquals(List.of(1f, 0f, 1f), List.of(context.targetWeight(0), context.targetWeight(1), context.targetWeight(2)));
        assertEquals(List.of(1f, 1f, 1f), List.of(targets.targetWeight(0), targets.targetWeight(1), targets.targetWeight(2)));
        AugmentedSequence weighted = new InsertionPlanner(InsertionStrategy.AFTER_SOURCE, 5, true, 0.25f, 1).place(0, USER, one).sequence();
        assertEquals(List.of(1f, 0.25f, 1f), List.of(weighted.targetWeight(0), weighted.targetWeight(1), weighted.targetWeight(2)),
                "only the inserted item's weight changes");
    }

    @Test
    void nothingChosenLeavesTheSequenceUnchanged() {
        Placed placed = planner(InsertionStrategy.RANDOM, 5).place(3, USER, List.of());
        assertSame(USER.items(), placed.sequence().items());
        assertEquals(0, placed.sequence().insertedCount());
        assertEquals(List.of(), placed.insertions());
        assertEquals(layout(placed), layout(planner(InsertionStrategy.RANDOM, 5).unchanged(USER)));
    }

    @Test
    void theCapMustAllowAnInsertion() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> planner(InsertionStrategy.APPEND, 0));
        assertTrue(e.getMessage().contains("maxInsertionsPerUser") && e.getMessage().contains("0"), e.getMessage());
    }
}
