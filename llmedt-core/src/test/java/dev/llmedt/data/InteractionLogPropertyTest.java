package dev.llmedt.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** {@link InteractionLog#timeOrderedSequences()} against a reference stable sort. */
class InteractionLogPropertyTest {

    /** Each interaction is (user 0..4, item 0..9, time 0..5): few distinct times, so many ties. */
    @Property(tries = 200)
    void sequencesAreStablySortedByTime(
            @ForAll @Size(max = 40) List<@Size(3) List<@IntRange(max = 9) Integer>> rows,
            @ForAll boolean someTimesAreDecimal) {
        InteractionLog log = new InteractionLog();
        List<int[]> added = new ArrayList<>();
        for (int k = 0; k < rows.size(); k++) {
            List<Integer> row = rows.get(k);
            String userKey = "u" + row.get(0) % 5;
            int user = log.user(userKey);
            int time = row.get(2) % 6;
            if (someTimesAreDecimal && k % 3 == 1) {
                log.add(user, row.get(1), new BigDecimal(time + ".0"));
            } else {
                log.add(user, row.get(1), time);
            }
            added.add(new int[] {user, row.get(1), time, k});
        }
        List<int[]> sequences = log.timeOrderedSequences();
        assertEquals(log.userCount(), sequences.size());
        for (int u = 0; u < log.userCount(); u++) {
            int user = u;
            int[] expected = added.stream()
                    .filter(a -> a[0] == user)
                    .sorted(Comparator.<int[]>comparingInt(a -> a[2]).thenComparingInt(a -> a[3]))
                    .mapToInt(a -> a[1])
                    .toArray();
            assertArrayEquals(expected, sequences.get(u));
        }
    }
}
