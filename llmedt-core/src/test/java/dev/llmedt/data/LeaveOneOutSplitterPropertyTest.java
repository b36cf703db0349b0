package dev.llmedt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Properties of {@link LeaveOneOutSplitter}. */
class LeaveOneOutSplitterPropertyTest {

    /** Fixed, so that every run (and CI) checks the same examples. */
    private static final long SEED = 0x100_0001L;

    /** A user's sequence: 1 to 9 items 0..30, so both sides of {@link LeaveOneOutSplitter#MIN_EVALUATED_LENGTH}. */
    private static Gen<List<Integer>> sequence() {
        return lists().of(integers().between(0, 30)).ofSizeBetween(1, 9);
    }

    @Test
    void everyInputIsExactlyTheItemsBeforeItsTarget() {
        qt().withFixedSeed(SEED)
                // Small inputs come up again (QuickTheories skips exact repeats): 220 draws give at least 200 different inputs.
                .withExamples(220)
                .forAll(lists().of(sequence()).ofSizeBetween(0, 12))
                .checkAssert(LeaveOneOutSplitterPropertyTest::everyInputIsExactlyTheItemsBeforeItsTarget);
    }

    private static void everyInputIsExactlyTheItemsBeforeItsTarget(List<List<Integer>> sequences) {
        List<String> users = new ArrayList<>();
        List<int[]> arrays = new ArrayList<>();
        for (int u = 0; u < sequences.size(); u++) {
            users.add("u" + u);
            arrays.add(sequences.get(u).stream().mapToInt(Integer::intValue).toArray());
        }
        LeaveOneOutSplitter.Result r = LeaveOneOutSplitter.split("train.csv", users, arrays);

        assertEquals(users.size(), r.train().size());
        int evaluated = 0;
        for (int u = 0; u < users.size(); u++) {
            int[] s = arrays.get(u);
            int n = s.length;
            UserSequence train = r.train().get(u);
            assertEquals("train.csv", train.source());
            assertEquals(users.get(u), train.user());
            if (n < LeaveOneOutSplitter.MIN_EVALUATED_LENGTH) {
                assertEquals(History.of(s), train.items());
                continue;
            }
            assertEquals(History.of(Arrays.copyOf(s, n - 2)), train.items());
            EvaluationCase valid = r.valid().get(evaluated);
            EvaluationCase test = r.test().get(evaluated);
            evaluated++;
            assertEquals(users.get(u), valid.user());
            assertEquals("valid", valid.source());
            assertEquals(History.of(Arrays.copyOf(s, n - 2)), valid.input());
            assertEquals(s[n - 2], valid.target());
            assertEquals(users.get(u), test.user());
            assertEquals("test", test.source());
            assertEquals(History.of(Arrays.copyOf(s, n - 1)), test.input());
            assertEquals(s[n - 1], test.target());
        }
        assertEquals(evaluated, r.valid().size());
        assertEquals(evaluated, r.test().size());
        assertEquals(users.size() - evaluated, r.tooShort());
    }

    @Test
    void theCallersArraysAreNeitherChangedNorShared() {
        qt().withFixedSeed(SEED)
                // Small inputs come up again (QuickTheories skips exact repeats): 60 draws give at least 50 different inputs.
                .withExamples(60)
                .forAll(sequence())
                .checkAssert(LeaveOneOutSplitterPropertyTest::theCallersArraysAreNeitherChangedNorShared);
    }

    private static void theCallersArraysAreNeitherChangedNorShared(List<Integer> sequence) {
        int[] s = sequence.stream().mapToInt(Integer::intValue).toArray();
        int[] copy = s.clone();
        LeaveOneOutSplitter.Result r = LeaveOneOutSplitter.split("t", List.of("u"), List.of(s));
        Arrays.fill(s, -1);
        assertEquals(History.of(copy).prefix(copy.length < 3 ? copy.length : copy.length - 2), r.train().get(0).items());
    }
}
