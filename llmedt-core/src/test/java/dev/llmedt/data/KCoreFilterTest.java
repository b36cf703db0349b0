package dev.llmedt.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KCoreFilterTest {

    @Test
    void removalCascadesOverSeveralRounds() {
        // u0: i0 i1 | u1: i0 i1 | u2: i1 i2 | u3: i2
        // round 1 drops u3, which leaves i2 with one review; round 2 drops i2; round 3 drops u2.
        int[] users = {0, 0, 1, 1, 2, 2, 3};
        int[] items = {0, 1, 0, 1, 1, 2, 2};
        KCoreFilter.Result r = new KCoreFilter(2, 2).apply(users, items, 4, 3);
        assertArrayEquals(new boolean[] {true, true, true, true, false, false, false}, r.keep());
        assertEquals(3, r.removedInteractions());
        assertEquals(2, r.removedUsers());
        assertEquals(1, r.removedItems());
    }

    @Test
    void nodesWithoutInteractionsAreNotCountedAsRemoved() {
        KCoreFilter.Result r = new KCoreFilter(1, 1).apply(new int[] {2}, new int[] {5}, 4, 6);
        assertArrayEquals(new boolean[] {true}, r.keep());
        assertEquals(0, r.removedUsers());
        assertEquals(0, r.removedItems());
    }

    @Test
    void everythingCanGo() {
        KCoreFilter.Result r = new KCoreFilter(3, 1).apply(new int[] {0, 0, 1}, new int[] {0, 1, 1}, 2, 2);
        assertArrayEquals(new boolean[] {false, false, false}, r.keep());
        assertEquals(2, r.removedUsers());
        assertEquals(2, r.removedItems());
    }

    @Test
    void thresholdsBelowOneAreRejectedNamingParameterAndValue() {
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> new KCoreFilter(0, 5));
        assertTrue(u.getMessage().contains("minUserInteractions") && u.getMessage().contains("0"), u.getMessage());
        IllegalArgumentException i = assertThrows(IllegalArgumentException.class, () -> new KCoreFilter(5, -2));
        assertTrue(i.getMessage().contains("minItemInteractions") && i.getMessage().contains("-2"), i.getMessage());
    }

    @Test
    void indicesOutOfRangeAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new KCoreFilter(1, 1).apply(new int[] {4}, new int[] {0}, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new KCoreFilter(1, 1).apply(new int[] {0}, new int[] {0, 0}, 1, 1));
    }
}
