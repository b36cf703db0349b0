package dev.llmedt.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.data.Item;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.ReadReport;
import dev.llmedt.data.UserSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Who is augmented: dominant and target domains, and the seeded choice under the user cap. */
class ImbalancedUsersTest {

    /** Three domains of 2 items each: A = 0, 1; B = 2, 3; C = 4, 5. */
    private static final ItemCatalog CATALOG = catalog();

    private static ItemCatalog catalog() {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            items.add(new Item(i, i / 2, "x" + i, Map.of(Item.TITLE, "item " + i)));
        }
        return new ItemCatalog(List.of(new Domain(0, "A", 0, 2), new Domain(1, "B", 2, 2), new Domain(2, "C", 4, 2)), items);
    }

    @Test
    void theDominantDomainIsTheLargestAndTheTargetsAreTheThinOnes() {
        ImbalancedUsers.Plan p = ImbalancedUsers.plan(History.of(2, 3, 2, 2, 2, 2, 2, 2, 2, 0), CATALOG, 0.2);
        assertEquals(1, p.dominant());
        assertArrayEquals(new int[] {0, 2}, p.targets(), "A holds 10%, C none: both below 20%");
        assertTrue(p.targets(0) && p.targets(2) && !p.targets(1));
        assertArrayEquals(new int[] {2}, ImbalancedUsers.plan(History.of(2, 3, 2, 2, 0), CATALOG, 0.2).targets(), "A holds exactly 20%");
        assertEquals(0, ImbalancedUsers.plan(History.of(2, 0), CATALOG, 0.6).dominant(), "ties: the lowest domain index");
        assertNull(ImbalancedUsers.plan(History.of(0, 2, 4), CATALOG, 0.2), "balanced: nothing to bridge to");
    }

    @Test
    void theCapChoosesASeededSubsetInTrainingOrder() {
        List<Integer> all = IntStream.range(0, 50).boxed().toList();
        assertEquals(all, ImbalancedUsers.select(all, 50, 1));
        List<Integer> ten = ImbalancedUsers.select(all, 10, 1);
        assertEquals(10, ten.size());
        assertEquals(ten.stream().sorted().toList(), ten, "in training order");
        assertEquals(ten, ImbalancedUsers.select(all, 10, 1), "seeded");
        assertNotEquals(ten, ImbalancedUsers.select(all, 10, 2), "another seed, another choice");
        assertTrue(ImbalancedUsers.select(all, 20, 1).containsAll(ten), "a larger cap keeps the smaller cap's users");
        assertEquals(List.of(), ImbalancedUsers.select(all, 0, 1));
    }

    @Test
    void onlyChosenUsersHavePlansAndTheirDomainsAreMarked() {
        List<UserSequence> train = List.of(
                new UserSequence("t", "a-only", History.of(0, 1, 0)),
                new UserSequence("t", "balanced", History.of(0, 2, 4)),
                new UserSequence("t", "b-mostly", History.of(2, 3, 2, 2, 2, 4)),
                new UserSequence("t", "c-only", History.of(5)));
        CdsrDataset data = new CdsrDataset("three", CATALOG, train, List.of(), List.of(), ReadReport.empty());
        ImbalancedUsers all = ImbalancedUsers.find(data, 0.2, Integer.MAX_VALUE, 1);
        assertEquals(List.of(0, 2, 3), all.selected());
        assertEquals(3, all.imbalanced());
        assertEquals(0, all.skippedByCap());
        assertNull(all.plan(1));
        assertArrayEquals(new boolean[] {true, true, true}, all.sourceDomains(3));
        assertArrayEquals(new boolean[] {true, true, true}, all.targetDomains(3));
        ImbalancedUsers one = ImbalancedUsers.find(data, 0.2, 1, 1);
        assertEquals(1, one.selected().size());
        assertEquals(2, one.skippedByCap());
        int chosen = one.selected().get(0);
        for (int u = 0; u < train.size(); u++) {
            assertEquals(u == chosen, one.plan(u) != null, "user " + u);
        }
        assertEquals(1, IntStream.range(0, 3).filter(d -> one.sourceDomains(3)[d]).count());
        ImbalancedUsers none = ImbalancedUsers.find(data, 0.2, 0, 1);
        assertEquals(List.of(), none.selected());
        assertArrayEquals(new boolean[3], none.targetDomains(3));
    }
}
