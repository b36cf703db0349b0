package dev.llmedt.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Properties of {@link KCoreFilter} on random bipartite multigraphs. */
class KCoreFilterPropertyTest {

    private static final int USERS = 8;
    private static final int ITEMS = 8;

    /** Fixed, so that every run (and CI) checks the same examples. */
    private static final long SEED = 0xC07E_0001L;

    /** Interactions encoded as user * ITEMS + item. */
    private static Gen<List<Integer>> interactions() {
        return lists().of(integers().between(0, USERS * ITEMS - 1)).ofSizeBetween(0, 60);
    }

    /** A minimum number of interactions per user or per item. */
    private static Gen<Integer> minimum() {
        return integers().between(1, 4);
    }

    @Test
    void equalsTheNaiveOneNodeAtATimeReference() {
        qt().withFixedSeed(SEED)
                // Small inputs come up again (QuickTheories skips exact repeats): 310 draws give at least 300 different inputs.
                .withExamples(310)
                .forAll(interactions(), minimum(), minimum())
                .checkAssert(KCoreFilterPropertyTest::equalsTheNaiveOneNodeAtATimeReference);
    }

    private static void equalsTheNaiveOneNodeAtATimeReference(List<Integer> edges, int minUser, int minItem) {
        int[] users = users(edges);
        int[] items = items(edges);
        KCoreFilter.Result result = new KCoreFilter(minUser, minItem).apply(users, items, USERS, ITEMS);
        assertArrayEquals(naiveCore(users, items, minUser, minItem), result.keep());
    }

    @Test
    void survivorsMeetThresholdsAndRunningAgainRemovesNothing() {
        qt().withFixedSeed(SEED)
                // Small inputs come up again (QuickTheories skips exact repeats): 310 draws give at least 300 different inputs.
                .withExamples(310)
                .forAll(interactions(), minimum(), minimum())
                .checkAssert(KCoreFilterPropertyTest::survivorsMeetThresholdsAndRunningAgainRemovesNothing);
    }

    private static void survivorsMeetThresholdsAndRunningAgainRemovesNothing(List<Integer> edges, int minUser,
            int minItem) {
        int[] users = users(edges);
        int[] items = items(edges);
        KCoreFilter filter = new KCoreFilter(minUser, minItem);
        boolean[] keep = filter.apply(users, items, USERS, ITEMS).keep();
        int[] keptUsers = select(users, keep);
        int[] keptItems = select(items, keep);
        int[] userDegree = degrees(keptUsers, USERS);
        int[] itemDegree = degrees(keptItems, ITEMS);
        for (int u = 0; u < USERS; u++) {
            assertTrue(userDegree[u] == 0 || userDegree[u] >= minUser, "user " + u + " has " + userDegree[u]);
        }
        for (int i = 0; i < ITEMS; i++) {
            assertTrue(itemDegree[i] == 0 || itemDegree[i] >= minItem, "item " + i + " has " + itemDegree[i]);
        }
        KCoreFilter.Result again = filter.apply(keptUsers, keptItems, USERS, ITEMS);
        assertEquals(0, again.removedInteractions());
        assertEquals(0, again.removedUsers());
        assertEquals(0, again.removedItems());
    }

    @Test
    void countsMatchTheKeepMask() {
        qt().withFixedSeed(SEED)
                // Small inputs come up again (QuickTheories skips exact repeats): 210 draws give at least 200 different inputs.
                .withExamples(210)
                .forAll(interactions(), minimum(), minimum())
                .checkAssert(KCoreFilterPropertyTest::countsMatchTheKeepMask);
    }

    private static void countsMatchTheKeepMask(List<Integer> edges, int minUser, int minItem) {
        int[] users = users(edges);
        int[] items = items(edges);
        KCoreFilter.Result result = new KCoreFilter(minUser, minItem).apply(users, items, USERS, ITEMS);
        assertEquals(users.length - select(users, result.keep()).length, result.removedInteractions());
        assertEquals(lostAll(users, result.keep(), USERS), result.removedUsers());
        assertEquals(lostAll(items, result.keep(), ITEMS), result.removedItems());
    }

    /** Reference: while some node has some but too few interactions, remove all of that one node's. */
    static boolean[] naiveCore(int[] users, int[] items, int minUser, int minItem) {
        boolean[] keep = new boolean[users.length];
        java.util.Arrays.fill(keep, true);
        while (true) {
            int[] userDegree = degrees(select(users, keep), USERS);
            int[] itemDegree = degrees(select(items, keep), ITEMS);
            int user = firstViolator(userDegree, minUser);
            int item = user >= 0 ? -1 : firstViolator(itemDegree, minItem);
            if (user < 0 && item < 0) {
                return keep;
            }
            for (int k = 0; k < keep.length; k++) {
                if (user >= 0 ? users[k] == user : items[k] == item) {
                    keep[k] = false;
                }
            }
        }
    }

    private static int firstViolator(int[] degree, int min) {
        for (int n = 0; n < degree.length; n++) {
            if (degree[n] > 0 && degree[n] < min) {
                return n;
            }
        }
        return -1;
    }

    private static int lostAll(int[] ends, boolean[] keep, int count) {
        int[] before = degrees(ends, count);
        int[] after = degrees(select(ends, keep), count);
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (before[i] > 0 && after[i] == 0) {
                n++;
            }
        }
        return n;
    }

    private static int[] users(List<Integer> edges) {
        return edges.stream().mapToInt(e -> e / ITEMS).toArray();
    }

    private static int[] items(List<Integer> edges) {
        return edges.stream().mapToInt(e -> e % ITEMS).toArray();
    }

    private static int[] select(int[] values, boolean[] keep) {
        int n = 0;
        int[] out = new int[values.length];
        for (int k = 0; k < values.length; k++) {
            if (keep[k]) {
                out[n++] = values[k];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static int[] degrees(int[] ends, int count) {
        int[] degree = new int[count];
        for (int e : ends) {
            degree[e]++;
        }
        return degree;
    }
}
