package dev.llmedt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Held-out lines of the LLMCDSR layout: the last id is the target, everything before it the input. */
class LlmcdsrReaderPropertyTest {

    /** Fixed, so that every run (and CI) checks the same examples. */
    private static final long SEED = 0x11C_D520_0001L;

    /**
     * Bounds the time a failing property spends shrinking: QuickTheories' default (100,000 cycles,
     * each running the property) would take up to several minutes at a few milliseconds an example.
     */
    private static final int SHRINK_CYCLES = 2_000;

    /** The lines of one held-out file: 1 to 6 users, each with 1 to 8 ids of the 4-item layout. */
    private static Gen<List<List<Integer>>> heldOut() {
        return lists().of(lists().of(integers().between(0, 3)).ofSizeBetween(1, 8)).ofSizeBetween(1, 6);
    }

    @Test
    void heldOutInputIsExactlyEverythingBeforeTheLastId() {
        qt().withFixedSeed(SEED)
                .withShrinkCycles(SHRINK_CYCLES)
                .withExamples(25)
                .forAll(heldOut(), heldOut())
                .checkAssert((valid, test) -> {
                    try {
                        heldOutInputIsExactlyEverythingBeforeTheLastId(valid, test);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    private static void heldOutInputIsExactlyEverythingBeforeTheLastId(List<List<Integer>> valid, List<List<Integer>> test)
            throws IOException {
        Path dir = Files.createTempDirectory("llmcdsr-property");
        try {
            LlmcdsrReaderTest.writeLayout(dir);
            TestData.write(dir.resolve("valid.txt"), lines(valid));
            TestData.write(dir.resolve("test.txt"), lines(test));
            CdsrDataset data = new LlmcdsrReader(dir).read();
            assertCases(valid, data.valid());
            assertCases(test, data.test());
        } finally {
            TestData.deleteTree(dir);
        }
    }

    private static String[] lines(List<List<Integer>> sequences) {
        String[] lines = new String[sequences.size()];
        for (int u = 0; u < lines.length; u++) {
            lines[u] = (u + 1) + "\t" + String.join(",", sequences.get(u).stream().map(String::valueOf).toList());
        }
        return lines;
    }

    private static void assertCases(List<List<Integer>> sequences, List<EvaluationCase> cases) {
        assertEquals(sequences.size(), cases.size());
        for (int u = 0; u < cases.size(); u++) {
            int[] s = sequences.get(u).stream().mapToInt(Integer::intValue).toArray();
            EvaluationCase c = cases.get(u);
            assertEquals(String.valueOf(u + 1), c.user());
            assertEquals(History.of(Arrays.copyOf(s, s.length - 1)), c.input());
            assertEquals(s[s.length - 1], c.target());
        }
    }
}
