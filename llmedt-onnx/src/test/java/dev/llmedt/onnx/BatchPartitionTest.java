package dev.llmedt.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** How texts sorted by length are cut into batches: padding against the cost of a run. */
class BatchPartitionTest {

    @Test
    void oneLongTextDoesNotPadTheShortOnes() {
        assertArrayEquals(new int[] {3, 4}, TokenBatches.partition(new int[] {5, 5, 5, 100}, 32, 64));
    }

    @Test
    void equalLengthsFillBatchesUpToTheLimit() {
        int[] lengths = new int[70];
        Arrays.fill(lengths, 12);
        int[] ends = TokenBatches.partition(lengths, 32, 64);
        assertEquals(3, ends.length, "the fewest runs");
        assertEquals(70, ends[ends.length - 1]);
    }

    @Test
    void batchesCoverEveryTextInOrderWithinTheLimit() {
        Random random = new Random(3);
        for (int trial = 0; trial < 50; trial++) {
            int[] lengths = random.ints(1 + random.nextInt(300), 3, 120).sorted().toArray();
            int max = 1 + random.nextInt(40);
            int[] ends = TokenBatches.partition(lengths, max, 64);
            int from = 0;
            for (int end : ends) {
                assertTrue(end > from && end - from <= max, "batch " + from + ".." + end + " within " + max);
                from = end;
            }
            assertEquals(lengths.length, from);
        }
        assertEquals(0, TokenBatches.partition(new int[0], 8, 64).length);
    }
}
