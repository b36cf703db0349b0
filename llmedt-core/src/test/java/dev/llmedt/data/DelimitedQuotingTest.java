package dev.llmedt.data;

import static dev.llmedt.data.TestData.assertMalformed;
import static dev.llmedt.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.testing.SharedData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21: the CSV/TSV reader on Apache Commons CSV. Quoting as real item tables have it (line
 * breaks, doubled quotes and delimiters inside quoted fields), the lines errors name once a record
 * spans several lines, and the cases of the former one-line splitter's tests, now read end to end.
 */
class DelimitedQuotingTest {

    private static final String INTERACTIONS = "user,item,domain,timestamp\nu,a,D,1\nu,b,D,2\nu,c,D,3\n";

    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private CdsrDataset read(Path interactions, Path items) throws IOException {
        return DelimitedReader.builder(interactions, items).build().read();
    }

    private CdsrDataset readItems(String itemsText) throws IOException {
        return read(file("interactions.csv", INTERACTIONS), file("items.csv", itemsText));
    }

    @Test
    void quotedFieldsHoldLineBreaksDoubledQuotesAndDelimiters() throws IOException {
        CdsrDataset data = readItems("item,domain,title,description\n"
                + "a,D,\"Pan, 10\"\"\",\"Cast iron.\nOven-safe to 260 \u00b0C.\n\nHand wash only.\"\n"
                + "b,D,Kettle,\"Says \"\"whistle\"\"\r\nwhen it boils, loudly\"\n"
                + "c,D,\"\",\"\"\"\"\n");
        assertEquals(Map.of("title", "Pan, 10\"", "description", "Cast iron.\nOven-safe to 260 \u00b0C.\n\nHand wash only."),
                data.items().item(0).text());
        assertEquals("Says \"whistle\"\nwhen it boils, loudly", data.items().item(1).text().get("description"),
                "a quoted \\r\\n reads as \\n, as every line's end does");
        assertEquals(Map.of("description", "\""), data.items().item(2).text(), "an empty text field is left out, as before");
        assertEquals(List.of(new UserSequence("interactions.csv", "u", History.of(0))), data.train());
        assertTrue(data.readReport().isEmpty(), "the blank line inside a quoted field is text, not a skipped line: "
                + data.readReport());
    }

    @Test
    void crlfAndLfFilesAndGzipReadTheSameItems() throws IOException {
        String lf = "iid\tDomain\tTitle\tnotes\n"
                + "a\tD\t\"Tea\ttin\"\t\"line 1\nline 2\"\n"
                + "b\tD\t\"5\"\" pan\"\t\n"
                + "c\tD\tOats\t\"\"\"quoted\"\"\n\"\n";
        CdsrDataset unix = read(file("interactions.tsv", INTERACTIONS.replace(',', '\t')), file("items.tsv", lf));
        Path crlfDir = Files.createDirectories(dir.resolve("crlf"));
        Files.writeString(crlfDir.resolve("items.tsv"), lf.replace("\n", "\r\n"));
        Files.writeString(crlfDir.resolve("interactions.tsv"), INTERACTIONS.replace(',', '\t').replace("\n", "\r\n"));
        Path gzDir = Files.createDirectories(dir.resolve("gz"));
        gzip(gzDir.resolve("items.tsv.gz"), lf.replace("\n", "\r\n"));
        Files.writeString(gzDir.resolve("interactions.tsv"), INTERACTIONS.replace(',', '\t'));
        for (Path other : List.of(crlfDir, gzDir)) {
            CdsrDataset same = CdsrDataset.read(other);
            assertEquals(unix.items().fingerprint(), same.items().fingerprint(), other.toString());
            assertEquals(unix.fingerprint(), same.fingerprint(), other.toString());
        }
        assertEquals(Map.of("title", "Tea\ttin", "notes", "line 1\nline 2"), unix.items().item(0).text());
        assertEquals("5\" pan", unix.items().item(1).title());
        assertEquals("\"quoted\"", unix.items().item(2).text().get("notes"), "trimmed of the line break, as every text field");
    }

    @Test
    void realTitlesWithMultiLineDescriptionsReadBackExactly() throws IOException {
        CdsrDataset real = CdsrDataset.read(SharedData.foodKitchen());
        List<String> titles = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        StringBuilder items = new StringBuilder("item,domain,title,description\r\n");
        for (int i = 0; i < real.items().size(); i++) {
            Item item = real.items().item(i);
            // Real titles, joined as a shop's description would be: lines, quotes, commas, blank lines.
            String description = item.title() + "\nSee also: \"" + real.items().item((i + 1) % real.items().size()).title()
                    + "\", 2 pack" + (i % 7 == 0 ? "\n\n  indented line" : "");
            titles.add(item.title());
            descriptions.add(description);
            items.append(item.externalId()).append(',').append(real.items().domainOf(i).name()).append(',')
                    .append(rfc4180(item.title())).append(',').append(rfc4180(description)).append("\r\n");
        }
        Item first = real.items().item(0);
        Path interactions = file("interactions.csv", "user,item,domain,timestamp\nu," + first.externalId() + ","
                + real.items().domainOf(0).name() + ",1\n");
        CdsrDataset back = read(interactions, file("items.csv", items.toString()));
        assertEquals(real.items().size(), back.items().size());
        for (int i = 0; i < back.items().size(); i++) {
            Item item = back.items().item(i);
            assertEquals(real.items().item(i).externalId(), item.externalId());
            assertEquals(titles.get(i).strip(), item.title(), item.externalId());
            assertEquals(descriptions.get(i).strip(), item.text().get("description"), item.externalId());
        }
    }

    /** Quotes a field as RFC 4180 writes it, always. */
    private static String rfc4180(String field) {
        return "\"" + field.replace("\"", "\"\"") + "\"";
    }

    // ---- lines: a record is reported at its first line; the lines after a multi-line record keep their numbers ----

    @Test
    void errorsNameTheFirstLineOfTheirRecordAndLaterLinesKeepTheirNumbers() throws IOException {
        Path interactions = file("interactions.csv", INTERACTIONS);
        String head = "item,domain,title\n"
                + "a,D,\"two\nlines\"\n" // lines 2-3
                + "b,D,\"three\n\nlines\"\n"; // lines 4-6
        Path wrongCount = file("items.csv", head + "c,D,\"x\ny\",extra\n");
        assertMalformed(wrongCount, 7, "expected 3 fields separated by ',' [item, domain, title], found 4",
                () -> read(interactions, wrongCount));
        Path duplicate = file("items2.csv", head + "c,D,ok\n\"b\",D,\"again\nand again\"\n");
        assertMalformed(duplicate, 8, "duplicate item 'b' (first at line 4)", () -> read(interactions, duplicate));
        Path emptyKey = file("items3.csv", head + "\"\n\",D,x\n");
        assertMalformed(emptyKey, 7, "empty item (column 1)", () -> read(interactions, emptyKey));
        Path items = file("items4.csv", head + "c,D,ok\n");
        Path unknown = file("interactions2.csv", "user,item,domain,timestamp\n\"u\nv\",a,D,1\nu,z,D,2\n");
        assertMalformed(unknown, 4, "unknown item 'z'", () -> read(unknown, items));
        Path wrongDomain = file("interactions3.csv", "user,item,domain,timestamp\nu,c,E,1\n");
        MalformedDataException e = assertMalformed(wrongDomain, 2, "wrong domain 'E' for item 'c'",
                () -> read(wrongDomain, items));
        assertTrue(e.reason().contains(items + " line 7 puts it in domain 'D'"), e.reason());
    }

    @Test
    void invalidUtf8AfterAMultiLineRecordIsReportedAtItsOwnLine() throws IOException {
        Path items = dir.resolve("items.csv");
        byte[] head = "item,domain,title\na,D,\"one\ntwo\nthree\"\nb,D,ok\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {'c', ',', 'D', ',', (byte) 0xC3, '(', '\n'};
        byte[] bytes = new byte[head.length + bad.length];
        System.arraycopy(head, 0, bytes, 0, head.length);
        System.arraycopy(bad, 0, bytes, head.length, bad.length);
        Files.write(items, bytes);
        assertMalformed(items, 6, "not valid UTF-8 text", () -> read(file("interactions.csv", INTERACTIONS), items));
    }

    @Test
    void anUnterminatedQuoteAtTheEndOfTheFileNamesTheRecordsFirstLineAndTheField() throws IOException {
        Path interactions = file("interactions.csv", INTERACTIONS);
        Path items = file("items.csv", "item,domain,title,description\na,D,ok,fine\nb,D,Tea,\"Green tea.\nLoose leaf, 100 g.\n"
                + "c,D,Oats,Rolled\n");
        MalformedDataException e = assertMalformed(items, 3, "unterminated quote in field 4", () -> read(interactions, items));
        assertTrue(e.reason().contains("runs to the end of the file"), e.reason());
        Path multiLineStart = file("items2.csv", "item,domain,title\na,D,\"x\ny\"\n\"b\nc\",D,\"z");
        assertMalformed(multiLineStart, 4, "unterminated quote in field 3", () -> read(interactions, multiLineStart));
        Path inHeader = file("items3.csv", "item,\"domain,title\na,D,x\n");
        assertMalformed(inHeader, 1, "unterminated quote in field 2", () -> read(interactions, inHeader));
        Path lastLineNoNewline = file("items4.csv", "item,domain,title\na,D,\"ab\"\"");
        assertMalformed(lastLineNoNewline, 2, "unterminated quote in field 3", () -> read(interactions, lastLineNoNewline));
    }

    @Test
    void textAfterAClosingQuoteIsReportedAtItsLineWithTheField() throws IOException {
        Path interactions = file("interactions.csv", INTERACTIONS);
        Path oneLine = file("items.csv", "item,domain,title\n\"a\"b,D,x\n");
        MalformedDataException e = assertMalformed(oneLine, 2, "unexpected character 'b' after the closing quote of field 1",
                () -> read(interactions, oneLine));
        assertEquals("unexpected character 'b' after the closing quote of field 1 (expected the delimiter ',' or the end of the line)",
                e.reason());
        Path spaceThenText = file("items4.csv", "item,domain,title\na,D,\"x\"  y\n");
        assertMalformed(spaceThenText, 2, "unexpected character ' ' after the closing quote of field 3",
                () -> read(interactions, spaceThenText)); // the first character after the quote, as before
        Path secondLine = file("items2.csv", "item,domain,title\na,D,ok\nb,\"D\",\"line\nmore\"x\n");
        assertMalformed(secondLine, 4, "unexpected character 'x' after the closing quote of field 3",
                () -> read(interactions, secondLine));
        StringBuilder far = new StringBuilder("item,domain,title\n");
        for (int i = 0; i < 500; i++) {
            far.append("i").append(i).append(",D,title number ").append(i).append('\n');
        }
        Path farDown = file("items3.csv", far.append("z,D,\"a\";\n").toString()); // position past 10,000: grouped digits
        assertMalformed(farDown, 502, "unexpected character ';' after the closing quote of field 3",
                () -> read(interactions, farDown));
    }

    @Test
    void spacesBetweenAClosingQuoteAndTheDelimiterAreSkipped() throws IOException {
        // Commons CSV passes over them; the former splitter rejected them. Every field is trimmed anyway.
        CdsrDataset data = readItems("item,domain,title\n\"a\" ,D,\"Tea\"\t\nb,D,x\nc,D,y\n");
        assertEquals("a", data.items().item(0).externalId());
        assertEquals("Tea", data.items().item(0).title());
    }

    @Test
    void aCarriageReturnInsideALineIsText() throws IOException {
        // As before: only a line feed (or a carriage return just before it) ends a line.
        CdsrDataset data = readItems("item,domain,title,x\r\na,D,one\rtwo,\"in\rquotes\"\r\nb,D,\"x\r\ny\",-\nc,D,z,-\n");
        assertEquals(Map.of("title", "one\rtwo", "x", "in\rquotes"), data.items().item(0).text());
        assertEquals("x\ny", data.items().item(1).title());
        assertEquals(3, data.items().size());
        Path items = file("items2.csv", "item,domain,title\na,D,\"x\"\ry\n");
        assertMalformed(items, 2, "unexpected character '\r' after the closing quote of field 3",
                () -> read(file("interactions.csv", INTERACTIONS), items));
    }

    @Test
    void blankLinesAreSkippedAndCountedQuotedOnesAreNot() throws IOException {
        Path items = file("items.tsv", "item\tdomain\ttitle\n\t\t\n  \na\tD\tTea\n\nb\tD\t\"x\n\t\t\n\"\nc\tD\tz\n");
        CdsrDataset data = read(file("interactions.csv", INTERACTIONS), items);
        assertEquals(3, data.items().size());
        assertEquals("x", data.items().item(1).title());
        assertEquals(3, data.readReport().count("blank lines in items.tsv, skipped"));
        Path blankHeader = file("items2.csv", " \t \nitem,domain,title\n");
        assertMalformed(blankHeader, 1, "blank header line", () -> read(file("interactions.csv", INTERACTIONS), blankHeader));
    }

    // ---- the cases of the former one-line splitter (DelimitedFieldsTest), read end to end ----

    @Test
    void splitterCasesReadTheSameFields() throws IOException {
        CdsrDataset trailing = readItems("item,domain,title,x,y\na,D,b,c,d\nb,D,,b,\nc,D,,,\n");
        assertEquals(Map.of("x", "b"), trailing.items().item(1).text(), "a delimiter at the end starts one more, empty field");
        CdsrDataset data = readItems("item,domain,title,b,c,d\n"
                + "a,D,\"a,b\",\"say \"\"hi\"\"\",\"\",x\n"
                + "b,D,a,\"b,\",\"x\",\n"
                + "c,D,5\" pan,b,c,d\n");
        assertEquals(List.of("a,b", "say \"hi\"", "x"), List.copyOf(data.items().item(0).text().values()));
        assertEquals(List.of("a", "b,", "x"), List.copyOf(data.items().item(1).text().values()));
        assertEquals("5\" pan", data.items().item(2).title(), "a quote inside an unquoted field is literal");
        CdsrDataset tabs = read(file("interactions.tsv", INTERACTIONS.replace(',', '\t')),
                file("items.tsv", "item\tdomain\ttitle\tx\na\tD\ta b\t\"\"\"c\"\"\"\nb\tD\t-\t-\nc\tD\t-\t-\n"));
        assertEquals(List.of("a b", "\"c\""), List.copyOf(tabs.items().item(0).text().values()));
    }

    @Test
    void recordsLongerThanTheLimitAreAnError() throws IOException {
        Path file = file("items.csv", "item,domain,title\na,D,ok\nb,D,\"never closed\n" + "more text\n".repeat(20));
        try (DelimitedRecords records = new DelimitedRecords(file, ',', 100)) {
            assertArrayEquals(new String[] {"item", "domain", "title"}, records.next());
            assertArrayEquals(new String[] {"a", "D", "ok"}, records.next());
            assertMalformed(file, 3, "record longer than 100 characters (an unterminated quote in field 3?)", records::next);
        }
        try (DelimitedRecords records = new DelimitedRecords(file("small.csv", "a,\"b\nc\"\n"), ',', 100)) {
            assertArrayEquals(new String[] {"a", "b\nc"}, records.next());
            assertEquals(1, records.line());
            assertNull(records.next());
        }
    }

    private static void gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
