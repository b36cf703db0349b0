package dev.llmedt.data;

import static dev.llmedt.data.TestData.assertMalformed;
import static dev.llmedt.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LLMCDSR layout, on small copies written here (never the shared files). */
class LlmcdsrReaderTest {

    @TempDir
    Path dir;

    /** Writes a valid two-domain layout: A = ids 0, 1; B = ids 2, 3. */
    static void writeLayout(Path dir) throws IOException {
        write(dir.resolve("num.txt"), "2", "2");
        write(dir.resolve("items_A.tsv"), "global_id\tlocal_id\tasin\ttitle", "0\t0\ta0\tApple", "1\t1\ta1\tBread");
        write(dir.resolve("items_B.tsv"), "global_id\tlocal_id\tasin\ttitle", "2\t0\tb0\tPan", "3\t1\tb1\tPot");
        write(dir.resolve("train_A.txt"), "1\t0,1");
        write(dir.resolve("train_B.txt"), "1\t2,3");
        write(dir.resolve("train_overlap.txt"), "1\t0,2,1,3");
        write(dir.resolve("valid.txt"), "1\t0,2,3", "2\t1");
        write(dir.resolve("test.txt"), "1\t1,3,2");
    }

    @BeforeEach
    void layout() throws IOException {
        writeLayout(dir);
    }

    private CdsrDataset read() throws IOException {
        return new LlmcdsrReader(dir).read();
    }

    @Test
    void heldOutInputIsEverythingBeforeTheLastId() throws IOException {
        CdsrDataset data = read();
        assertEquals(List.of(new EvaluationCase("valid.txt", "1", History.of(0, 2), 3),
                new EvaluationCase("valid.txt", "2", History.empty(), 1)), data.valid());
        assertEquals(List.of(new EvaluationCase("test.txt", "1", History.of(1, 3), 2)), data.test());
        assertEquals(List.of(new UserSequence("train_A.txt", "1", History.of(0, 1)),
                new UserSequence("train_B.txt", "1", History.of(2, 3)),
                new UserSequence("train_overlap.txt", "1", History.of(0, 2, 1, 3))), data.train());
        assertEquals(1, data.readReport().count("held-out users with an empty input in valid.txt"));
    }

    @Test
    void malformedLine() throws IOException {
        Path file = write(dir.resolve("train_overlap.txt"), "1\t0,2", "2 0,2");
        assertMalformed(file, 2, "found no tab", this::read);
    }

    @Test
    void badId() throws IOException {
        Path file = write(dir.resolve("train_overlap.txt"), "1\t0,2", "2\t0,x");
        assertMalformed(file, 2, "item id 2 is not a non-negative integer: 'x'", this::read);
    }

    @Test
    void unknownItemId() throws IOException {
        Path file = write(dir.resolve("valid.txt"), "1\t0,2", "2\t0,9");
        assertMalformed(file, 2, "unknown item id 9", this::read);
    }

    @Test
    void wrongDomain() throws IOException {
        Path file = write(dir.resolve("train_A.txt"), "1\t0,1", "2\t1,2");
        assertMalformed(file, 2, "item id 2 belongs to domain B, but this file holds domain A only", this::read);
    }

    @Test
    void duplicateItem() throws IOException {
        Path file = write(dir.resolve("items_B.tsv"), "global_id\tlocal_id\tasin\ttitle", "2\t0\tb0\tPan", "2\t0\tb0\tPan again");
        assertMalformed(file, 3, "duplicate item 2 (first at line 2)", this::read);
    }

    @Test
    void itemsRowWithWrongColumnCount() throws IOException {
        Path file = write(dir.resolve("items_A.tsv"), "global_id\tlocal_id\tasin\ttitle", "0\t0\ta0");
        assertMalformed(file, 2, "expected 4 tab-separated columns", this::read);
    }

    @Test
    void emptySequenceAndEmptyUid() throws IOException {
        Path test = write(dir.resolve("test.txt"), "1\t1,3", "5\t ");
        assertMalformed(test, 2, "empty sequence", this::read);
        write(dir.resolve("test.txt"), "1\t1,3");
        Path valid = write(dir.resolve("valid.txt"), "\t0,1");
        assertMalformed(valid, 1, "empty uid", this::read);
    }

    @Test
    void duplicateUid() throws IOException {
        Path file = write(dir.resolve("test.txt"), "1\t1,3", "1\t2,3");
        assertMalformed(file, 2, "duplicate uid '1' (first at line 1)", this::read);
    }

    @Test
    void badDomainSize() throws IOException {
        Path file = write(dir.resolve("num.txt"), "2", "many");
        assertMalformed(file, 2, "expected a positive number of items, found 'many'", this::read);
    }
}
