package dev.llmedt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of {@link LeaveOneOutSplitter}. */
class LeaveOneOutSplitterPropertyTest {

    @Property(tries = 200)
    void everyInputIsExactlyTheItemsBeforeItsTarget(
            @ForAll @Size(max = 12) List<@Size(min = 1, max = 9) List<@IntRange(max = 30) Integer>> sequences) {
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

    @Property(tries = 50)
    void theCallersArraysAreNeitherChangedNorShared(@ForAll @Size(min = 1, max = 9) List<@IntRange(max = 30) Integer> sequence) {
        int[] s = sequence.stream().mapToInt(Integer::intValue).toArray();
        int[] copy = s.clone();
        LeaveOneOutSplitter.Result r = LeaveOneOutSplitter.split("t", List.of("u"), List.of(s));
        Arrays.fill(s, -1);
        assertEquals(History.of(copy).prefix(copy.length < 3 ? copy.length : copy.length - 2), r.train().get(0).items());
    }
}
