package dev.llmedt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Held-out lines of the LLMCDSR layout: the last id is the target, everything before it the input. */
class LlmcdsrReaderPropertyTest {

    @Property(tries = 25)
    void heldOutInputIsExactlyEverythingBeforeTheLastId(
            @ForAll @Size(min = 1, max = 6) List<@Size(min = 1, max = 8) List<@IntRange(max = 3) Integer>> valid,
            @ForAll @Size(min = 1, max = 6) List<@Size(min = 1, max = 8) List<@IntRange(max = 3) Integer>> test)
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
