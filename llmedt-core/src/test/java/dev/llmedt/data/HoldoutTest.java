package dev.llmedt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.llmedt.testing.SharedData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** {@link Holdout}: the mixed-domain leave-one-out split holds out exactly two items per evaluated user, never trained on. */
class HoldoutTest {

    private static final long SEED = 0x4f1d_0001L;

    /** Two domains of 6 items each (ids 0-5 and 6-11). */
    private static final ItemCatalog CATALOG = catalog();

    private static ItemCatalog catalog() {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            items.add(new Item(i, i < 6 ? 0 : 1, "x" + i, Map.of("title", "item " + i)));
        }
        return new ItemCatalog(List.of(new Domain(0, "A", 0, 6), new Domain(1, "B", 6, 6)), items);
    }

    private static Gen<List<Integer>> sequence() {
        return lists().of(integers().between(0, 11)).ofSizeBetween(1, 8);
    }

    @Test
    void everyMixedUserOfThreeOrMoreItemsGivesOneValidationAndOneTestCaseAndTrainsOnTheRest() {
        qt().withFixedSeed(SEED)
                .withExamples(200)
                .forAll(lists().of(sequence()).ofSizeBetween(0, 10), lists().of(sequence()).ofSizeBetween(0, 4))
                .checkAssert(HoldoutTest::check);
    }

    private static void check(List<List<Integer>> trainLists, List<List<Integer>> heldOutLists) {
        List<UserSequence> train = new ArrayList<>();
        for (int u = 0; u < trainLists.size(); u++) {
            train.add(new UserSequence("train.txt", "" + u, History.of(ints(trainLists.get(u)))));
        }
        List<EvaluationCase> valid = new ArrayList<>();
        for (int u = 0; u < heldOutLists.size(); u++) {
            int[] s = ints(heldOutLists.get(u));
            valid.add(new EvaluationCase("valid.txt", "" + u, History.of(Arrays.copyOf(s, s.length - 1)), s[s.length - 1]));
        }
        CdsrDataset data = new CdsrDataset("d", CATALOG, train, valid, List.of(), ReadReport.empty());
        CdsrDataset split = Holdout.MIXED_LEAVE_ONE_OUT.apply(data);

        // Every user of the original appears once among the training sequences, in order, and held-out users too.
        Map<String, int[]> whole = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (UserSequence s : train) {
            whole.put(s.source() + ":" + s.user(), s.items().toArray());
            order.add(s.source() + ":" + s.user());
        }
        for (EvaluationCase c : valid) {
            int[] s = Arrays.copyOf(c.input().toArray(), c.input().length() + 1);
            s[s.length - 1] = c.target();
            whole.put(c.source() + ":" + c.user(), s);
            order.add(c.source() + ":" + c.user());
        }
        assertEquals(order.size(), split.train().size());
        assertEquals(split.valid().size(), split.test().size());
        int evaluated = 0;
        for (int u = 0; u < order.size(); u++) {
            String key = order.get(u);
            UserSequence t = split.train().get(u);
            assertEquals(key, t.source() + ":" + t.user());
            int[] s = whole.get(key);
            boolean heldOut = s.length >= Holdout.MIN_HELD_OUT_LENGTH && mixed(s);
            if (!heldOut) {
                assertEquals(History.of(s), t.items(), key + " trains whole");
                continue;
            }
            EvaluationCase v = split.valid().get(evaluated);
            EvaluationCase te = split.test().get(evaluated);
            evaluated++;
            int n = s.length;
            assertEquals(History.of(Arrays.copyOf(s, n - 2)), t.items(), key + " trains on all but its last two items");
            assertEquals("valid", v.source());
            assertEquals("test", te.source());
            assertEquals(key, v.user());
            assertEquals(key, te.user());
            assertEquals(t.items(), v.input(), "the validation input is exactly what the user trains on");
            assertEquals(s[n - 2], v.target());
            assertEquals(History.of(Arrays.copyOf(s, n - 1)), te.input());
            assertEquals(s[n - 1], te.target());
            assertTrue(t.length() + 2 == n, "exactly the two held-out positions are missing from training");
        }
        assertEquals(evaluated, split.valid().size());
        assertSame(data, Holdout.PUBLISHED.apply(data));
    }

    private static boolean mixed(int[] s) {
        boolean a = false;
        boolean b = false;
        for (int i : s) {
            a |= i < 6;
            b |= i >= 6;
        }
        return a && b;
    }

    private static int[] ints(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void labelsParseAndUnknownOnesAreRefusedNamingTheChoices() {
        assertEquals(Holdout.MIXED_LEAVE_ONE_OUT, Holdout.parse("Mixed-LOO"));
        assertEquals(Holdout.PUBLISHED, Holdout.parse("published"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Holdout.parse("random"));
        assertTrue(e.getMessage().contains("published, mixed-loo") && e.getMessage().contains("random"), e.getMessage());
    }

    @Test
    void foodKitchenGivesOver9000CasesOfEachKindAndKeepsEveryInteraction() throws IOException {
        CdsrDataset data = CdsrDataset.read(SharedData.foodKitchen());
        CdsrDataset split = Holdout.MIXED_LEAVE_ONE_OUT.apply(data);
        assertEquals("food-kitchen+mixed-loo", split.name());
        // 7,501 overlap users and the 960 + 937 published held-out users: all mixed, all with at least 3 items.
        assertEquals(9398, split.valid().size());
        assertEquals(9398, split.test().size());
        assertEquals(51164 + 960 + 937, split.train().size());
        long original = data.trainInteractions();
        for (EvaluationCase c : data.valid()) {
            original += c.input().length() + 1;
        }
        for (EvaluationCase c : data.test()) {
            original += c.input().length() + 1;
        }
        assertEquals(original, split.trainInteractions() + 2L * split.valid().size());
        Domain a = split.domain("A");
        long foodTargets = split.test().stream().filter(c -> a.contains(c.target())).count();
        assertTrue(foodTargets > 2000 && foodTargets < 7000, "both domains are targets: " + foodTargets + " Food of 9398");
        assertFalse(split.fingerprint().equals(data.fingerprint()));
    }
}
