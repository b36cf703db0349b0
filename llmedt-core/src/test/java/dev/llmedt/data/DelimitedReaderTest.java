package dev.llmedt.data;

import static dev.llmedt.data.TestData.assertMalformed;
import static dev.llmedt.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DelimitedReaderTest {

    @TempDir
    Path dir;

    private static final String[] ITEMS = {
        "item,domain,title,brand",
        "b1,Books,\"Dune, Part \"\"One\"\"\",Ace",
        "m1,Movies,Alien,",
        "b2,Books,Emma,Penguin",
        "m2,Movies,Heat,",
        "b3,Books,Ulysses,",
        "b4,Books,Unread,",
    };

    private CdsrDataset read(Path interactions, Path items) throws IOException {
        return DelimitedReader.builder(interactions, items).build().read();
    }

    @Test
    void readsDomainsItemsAndLeaveOneOutSplit() throws IOException {
        Path items = write(dir.resolve("items.csv"), ITEMS);
        Path interactions = write(dir.resolve("interactions.csv"),
                "ts,User_ID,domain,item_id",
                "5,u1,Books,b2",
                "1,u1,Movies,m1",
                "3,u1,Books,b1",
                "3,u1,Movies,m2",
                "10,u2,Books,b1",
                "2,u2,Books,b3",
                "7,u3,Movies,m1");
        CdsrDataset data = read(interactions, items);

        assertEquals(List.of(new Domain(0, "Books", 0, 4), new Domain(1, "Movies", 4, 2)), data.domains());
        Item dune = data.items().item(0);
        assertEquals("b1", dune.externalId());
        assertEquals(Map.of("title", "Dune, Part \"One\"", "brand", "Ace"), dune.text());
        assertEquals(List.of("title", "brand"), List.copyOf(dune.text().keySet()));
        assertEquals("m1", data.items().item(4).externalId());
        assertEquals(Map.of("title", "Alien"), data.items().item(4).text());
        assertEquals("b4", data.items().item(3).externalId());

        // u1 by time: m1(1) b1(3) m2(3, after b1 in file order) b2(5) = 4 0 5 1
        assertEquals(List.of(
                new UserSequence("interactions.csv", "u1", History.of(4, 0)),
                new UserSequence("interactions.csv", "u2", History.of(2, 0)),
                new UserSequence("interactions.csv", "u3", History.of(4))), data.train());
        assertEquals(List.of(new EvaluationCase("valid", "u1", History.of(4, 0), 5)), data.valid());
        assertEquals(List.of(new EvaluationCase("test", "u1", History.of(4, 0, 5), 1)), data.test());
        assertEquals(2, data.readReport().count(LeaveOneOutSplitter.TOO_SHORT));
        assertEquals(1, data.readReport().count("items with no interactions, kept as candidates"));
        assertEquals(dir.getFileName().toString(), data.name());
    }

    @Test
    void readsGzipTsvWithDecimalTimestampsBomAndBlankLines() throws IOException {
        Path items = write(dir.resolve("items.tsv.gz"),
                "\uFEFFiid\tTitle\tDomain\tyear",
                "x\tX-ray\tA\t1999",
                "y\t\"Yak, the \"\"book\"\"\"\tA\t",
                "z\tZen\tB\t2001");
        Path interactions = write(dir.resolve("interactions.tsv"),
                "uid\titem\tdomain\ttime\tignored",
                "u\tz\tB\t10\tfoo",
                "",
                "u\tx\tA\t1.5\t",
                "u\ty\tA\t1.25\t",
                "u\tx\tA\t-3\t");
        CdsrDataset data = read(interactions, items);

        assertEquals(List.of("A", "B"), data.items().domainNames());
        assertEquals(Map.of("title", "Yak, the \"book\""), data.items().item(1).text());
        assertEquals(List.of("title", "year"), List.copyOf(data.items().item(0).text().keySet()));
        // numeric order: -3 (x) < 1.25 (y) < 1.5 (x) < 10 (z)
        assertEquals(List.of(new UserSequence("interactions.tsv", "u", History.of(0, 1))), data.train());
        assertEquals(List.of(new EvaluationCase("valid", "u", History.of(0, 1), 0)), data.valid());
        assertEquals(List.of(new EvaluationCase("test", "u", History.of(0, 1, 0), 2)), data.test());
        assertEquals(1, data.readReport().count("blank lines in interactions.tsv, skipped"));
    }

    @Test
    void explicitDelimiter() throws IOException {
        Path items = write(dir.resolve("items.csv"), "item;domain;title", "a;D;Apple, red", "b;D;Bread");
        Path interactions = write(dir.resolve("interactions.csv"), "user;item;domain;timestamp", "u;b;D;2", "u;a;D;1");
        CdsrDataset data = DelimitedReader.builder(interactions, items).delimiter(';').build().read();
        assertEquals("Apple, red", data.items().item(0).title());
        assertEquals(List.of(new UserSequence("interactions.csv", "u", History.of(0, 1))), data.train());
    }

    @Test
    void cdsrDatasetReadFindsTheDelimitedFiles() throws IOException {
        write(dir.resolve("items.csv"), ITEMS);
        write(dir.resolve("interactions.csv"), "user,item,domain,timestamp", "u,b1,Books,1");
        CdsrDataset data = CdsrDataset.read(dir);
        assertEquals(6, data.items().size());
        assertEquals(1, data.train().size());
    }

    @Test
    void builderRejectsBadDelimiters() {
        DelimitedReader.Builder b = DelimitedReader.builder(dir.resolve("i.csv"), dir.resolve("t.csv"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.delimiter('"'));
        assertTrue(e.getMessage().contains("delimiter"), e.getMessage());
        b.delimiter('|');
        assertThrows(IllegalStateException.class, () -> b.delimiter(','));
    }

    // ---- errors: each names the file and the 1-based line ----

    private Path items() throws IOException {
        return write(dir.resolve("items.csv"), ITEMS);
    }

    private Path interactions(String... rows) throws IOException {
        String[] lines = new String[rows.length + 1];
        lines[0] = "user,item,domain,timestamp";
        System.arraycopy(rows, 0, lines, 1, rows.length);
        return write(dir.resolve("interactions.csv"), lines);
    }

    @Test
    void wrongFieldCount() throws IOException {
        Path items = items();
        Path interactions = interactions("u,b1,Books,1", "u,b2,Books");
        assertMalformed(interactions, 3, "expected 4 fields separated by ','", () -> read(interactions, items));
    }

    @Test
    void unterminatedQuote() throws IOException {
        Path items = write(dir.resolve("items.csv"), "item,domain,title", "a,D,\"Apple", "b,D,Bread");
        Path interactions = interactions("u,a,D,1");
        assertMalformed(items, 2, "unterminated quote", () -> read(interactions, items));
    }

    @Test
    void badTimestamp() throws IOException {
        Path items = items();
        Path interactions = interactions("u,b1,Books,1", "u,b2,Books,2", "u,b3,Books,yesterday");
        assertMalformed(interactions, 4, "bad timestamp 'yesterday'", () -> read(interactions, items));
    }

    @Test
    void missingHeaderColumn() throws IOException {
        Path items = items();
        Path interactions = write(dir.resolve("interactions.csv"), "user,item,domain", "u,b1,Books");
        assertMalformed(interactions, 1, "lacks the required column timestamp", () -> read(interactions, items));
        Path noTitle = write(dir.resolve("items2.csv"), "item,domain,name", "a,D,Apple");
        assertMalformed(noTitle, 1, "lacks the required column title", () -> read(interactions, noTitle));
    }

    @Test
    void twoColumnsForOneRole() throws IOException {
        Path items = items();
        Path interactions = write(dir.resolve("interactions.csv"), "user,uid,item,domain,timestamp", "u,v,b1,Books,1");
        assertMalformed(interactions, 1, "two user columns: 'user' and 'uid'", () -> read(interactions, items));
    }

    @Test
    void unknownItem() throws IOException {
        Path items = items();
        Path interactions = interactions("u,b1,Books,1", "u,b9,Books,2");
        assertMalformed(interactions, 3, "unknown item 'b9'", () -> read(interactions, items));
    }

    @Test
    void wrongDomain() throws IOException {
        Path items = items();
        Path interactions = interactions("u,b1,Books,1", "u,m1,Books,2");
        MalformedDataException e = assertMalformed(interactions, 3, "wrong domain 'Books' for item 'm1'",
                () -> read(interactions, items));
        assertTrue(e.reason().contains(items + " line 3 puts it in domain 'Movies'"), e.reason());
    }

    @Test
    void duplicateItemNamesTheFirstLine() throws IOException {
        Path items = write(dir.resolve("items.csv"), "item,domain,title", "a,D,Apple", "b,D,Bread", "a,E,Again");
        Path interactions = interactions("u,a,D,1");
        assertMalformed(items, 4, "duplicate item 'a' (first at line 2)", () -> read(interactions, items));
    }

    @Test
    void emptyKeys() throws IOException {
        Path items = items();
        Path noUser = interactions("u,b1,Books,1", "  ,b2,Books,2");
        assertMalformed(noUser, 3, "empty user (column 1)", () -> read(noUser, items));
        Path noItem = interactions("u,,Books,1");
        assertMalformed(noItem, 2, "empty item (column 2)", () -> read(noItem, items));
        Path itemsNoKey = write(dir.resolve("items3.csv"), "item,domain,title", "a,D,Apple", "\"\",D,Nameless");
        assertMalformed(itemsNoKey, 3, "empty item", () -> read(noItem, itemsNoKey));
        Path itemsNoDomain = write(dir.resolve("items4.csv"), "item,domain,title", "a,,Apple");
        assertMalformed(itemsNoDomain, 2, "empty domain", () -> read(noItem, itemsNoDomain));
    }

    @Test
    void emptyFilesAndFilesWithoutRows() throws IOException {
        Path items = items();
        Path empty = write(dir.resolve("interactions.csv"));
        assertMalformed(empty, 0, "empty: expected a header line", () -> read(empty, items));
        Path headerOnly = interactions();
        assertMalformed(headerOnly, 0, "no interactions after the header", () -> read(headerOnly, items));
        Path noItems = write(dir.resolve("items5.csv"), "item,domain,title");
        assertMalformed(noItems, 0, "no items after the header", () -> read(headerOnly, noItems));
    }

    @Test
    void corruptGzip() throws IOException {
        Path items = items();
        Path garbage = TestData.writeGarbage(dir.resolve("interactions.csv.gz"));
        assertMalformed(garbage, 0, "not a valid gzip file", () -> read(garbage, items));
        Path truncated = TestData.writeTruncatedGzip(dir.resolve("cut.csv.gz"),
                "user,item,domain,timestamp", "u,b1,Books,1", "u,b2,Books,2", "u,b3,Books,3", "v,b3,Books,3");
        assertMalformed(truncated, 1, "corrupt or truncated gzip data", () -> read(truncated, items));
    }

    @Test
    void missingFile() throws IOException {
        Path items = items();
        Path missing = dir.resolve("nope.csv");
        assertMalformed(missing, 0, "file not found", () -> read(missing, items));
    }
}
