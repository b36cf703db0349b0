package dev.llmedt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.testing.SharedData;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real food-kitchen data is read exactly as published. */
class FoodKitchenTest {

    private static CdsrDataset data;

    @BeforeAll
    static void read() throws IOException {
        data = CdsrDataset.read(SharedData.foodKitchen());
    }

    @Test
    void domainsAndItems() {
        assertEquals(List.of("A", "B"), data.items().domainNames());
        assertEquals(8661, data.domain("A").size());
        assertEquals(27637, data.domain("B").size());
        assertEquals(8661, data.domain("B").firstItem());
        assertEquals(0, data.items().itemsWithoutText());
        assertEquals("B000BIZT3E", data.items().item(0).externalId());
        assertTrue(data.items().item(8661).title().startsWith("Franklin SPELLING CORRECTOR"));
        assertTrue(data.readReport().isEmpty(), () -> "nothing should be skipped: " + data.readReport());
    }

    @Test
    void trainingSequencesPerFile() {
        assertEquals(5472, count("train_A.txt"));
        assertEquals(38191, count("train_B.txt"));
        assertEquals(7501, count("train_overlap.txt"));
        long overlapInteractions = data.train().stream().filter(s -> s.source().equals("train_overlap.txt"))
                .mapToLong(UserSequence::length).sum();
        assertEquals(99170, overlapInteractions);
        Domain a = data.domain("A");
        Domain b = data.domain("B");
        for (UserSequence s : data.train()) {
            if (s.source().equals("train_A.txt")) {
                assertEquals(s.length(), s.items().countIn(a));
            } else if (s.source().equals("train_B.txt")) {
                assertEquals(s.length(), s.items().countIn(b));
            }
        }
    }

    @Test
    void heldOutUsersAndTargets() {
        assertEquals(960, data.valid().size());
        assertEquals(937, data.test().size());
        Domain a = data.domain("A");
        assertEquals(363, data.valid().stream().filter(c -> a.contains(c.target())).count());
        assertEquals(300, data.test().stream().filter(c -> a.contains(c.target())).count());
        assertEquals(637, data.test().stream().filter(c -> !a.contains(c.target())).count());
        EvaluationCase first = data.valid().get(0);
        assertEquals("1", first.user());
        assertEquals(History.of(239, 256, 258, 9638, 9673, 210, 149, 21418, 10349), first.input());
        assertEquals(35882, first.target());
        assertFalse(first.input().contains(first.target()));
    }

    private long count(String source) {
        return data.train().stream().filter(s -> s.source().equals(source)).count();
    }
}
