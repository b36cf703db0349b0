package dev.llmedt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 20, point 7: the readers' smaller faults, each with what a careful user tried. */
class ReaderFaultsTest {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    @TempDir
    Path dir;

    /** A two-domain LLMCDSR directory (4 + 4 items) with {@code lines} training sequences in train_A.txt. */
    private Path llmcdsr(int lines) throws IOException {
        Path d = Files.createDirectories(dir.resolve("llmcdsr"));
        Files.writeString(d.resolve("num.txt"), "4\n4\n");
        Files.writeString(d.resolve("items_A.tsv"), "global_id\tlocal_id\tasin\ttitle\n0\t0\ta0\ttea\n1\t1\ta1\trice\n2\t2\ta2\toats\n3\t3\ta3\tsalt\n");
        Files.writeString(d.resolve("items_B.tsv"), "global_id\tlocal_id\tasin\ttitle\n4\t0\tb0\tpan\n5\t1\tb1\tpot\n6\t2\tb2\tcup\n7\t3\tb3\tmug\n");
        StringBuilder train = new StringBuilder();
        for (int i = 1; i <= lines; i++) {
            train.append('u').append(i).append("\t0,1,2\n");
        }
        Files.writeString(d.resolve("train_A.txt"), train);
        Files.writeString(d.resolve("train_overlap.txt"), "o1\t0,4,1,5\n");
        Files.writeString(d.resolve("test.txt"), "t1\t0,4,5\n");
        return d;
    }

    @Test
    void invalidUtf8IsReportedAtItsOwnLine() throws IOException {
        Path d = llmcdsr(6000);
        Path train = d.resolve("train_A.txt");
        byte[] bytes = Files.readAllBytes(train);
        int at = new String(bytes, StandardCharsets.US_ASCII).indexOf("u5000\t");
        bytes[at + 1] = (byte) 0xFF; // "u\xFF000": line 5000 (once reported at line 4264: where the reader's buffer was)
        Files.write(train, bytes);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> new LlmcdsrReader(d).read());
        assertEquals(5000, e.line(), e.getMessage());
        assertEquals(train + ":5000: not valid UTF-8 text", e.getMessage());
    }

    @Test
    void byteOrderMarksAreAcceptedByEveryReader() throws IOException {
        Path d = llmcdsr(3);
        CdsrDataset plain = new LlmcdsrReader(d).read();
        for (String file : List.of("num.txt", "items_A.tsv", "train_A.txt", "test.txt")) {
            Files.write(d.resolve(file), concat(BOM, Files.readAllBytes(d.resolve(file))));
        }
        CdsrDataset marked = new LlmcdsrReader(d).read();
        assertEquals(plain.fingerprint(), marked.fingerprint(), "the same items and sequences, the marks skipped");
        assertEquals("u1", marked.train().get(0).user());

        Path reviews = dir.resolve("reviews.json");
        Path meta = dir.resolve("meta.json");
        Files.write(reviews, concat(BOM, ("{\"reviewerID\": \"A\", \"asin\": \"x\", \"unixReviewTime\": 1}\n"
                + "{\"reviewerID\": \"A\", \"asin\": \"y\", \"unixReviewTime\": 2}\n"
                + "{\"reviewerID\": \"A\", \"asin\": \"z\", \"unixReviewTime\": 3}\n").getBytes(StandardCharsets.UTF_8)));
        Files.write(meta, concat(BOM, "{\"asin\": \"x\", \"title\": \"Tea\"}\n".getBytes(StandardCharsets.UTF_8)));
        CdsrDataset amazon = AmazonReviewsReader.builder().domain("Food", reviews, meta).build().read();
        assertEquals("Tea", amazon.items().item(0).title());
        assertEquals(3, amazon.items().size());

        Path csv = dir.resolve("csv");
        Files.createDirectories(csv);
        Files.write(csv.resolve("items.csv"), concat(BOM, "item,domain,title\nx,Food,Tea\ny,Food,Rice\n".getBytes(StandardCharsets.UTF_8)));
        Files.write(csv.resolve("interactions.csv"), concat(BOM, "user,item,domain,timestamp\nA,x,Food,1\nA,y,Food,2\nA,x,Food,3\n"
                .getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, CdsrDataset.read(csv).test().size());
    }

    @Test
    void gzippedDelimitedFilesAreRecognised() throws IOException {
        Path csv = Files.createDirectories(dir.resolve("gz"));
        Files.writeString(csv.resolve("items.csv"), "item,domain,title\nx,Food,Tea\ny,Kitchen,Pan\n");
        gzip(csv.resolve("interactions.csv.gz"), "user,item,domain,timestamp\nA,x,Food,1\nA,y,Kitchen,2\nA,x,Food,3\nA,y,Kitchen,4\n");
        CdsrDataset data = CdsrDataset.read(csv);
        assertEquals(2, data.items().size());
        assertEquals(1, data.test().size());
        assertEquals(1, data.test().get(0).target());
    }

    @Test
    void filesOfDomainsNumTxtDoesNotDeclareAreWarnedOnce() throws Exception {
        Path d = llmcdsr(3);
        Files.writeString(d.resolve("items_C.tsv"), "global_id\tlocal_id\tasin\ttitle\n8\t0\tc0\tbook\n");
        Files.writeString(d.resolve("train_C.txt"), "c1\t8\n");
        CdsrDataset[] read = new CdsrDataset[1];
        List<String> warnings = LogCapture.warnings("does not declare", () -> read[0] = new LlmcdsrReader(d).read());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("items_C.tsv") && warnings.get(0).contains("train_C.txt"), warnings.get(0));
        assertEquals(2, read[0].domains().size());
        assertEquals(2, read[0].readReport().counts().entrySet().stream().filter(e -> e.getKey().contains("does not declare"))
                .findFirst().orElseThrow().getValue());
    }

    @Test
    void aDirectoryWhereAFileShouldBeNamesBoth() throws IOException {
        Path d = llmcdsr(3);
        Files.delete(d.resolve("train_A.txt"));
        Files.createDirectories(d.resolve("train_A.txt"));
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> TextFiles.forEachLine(d.resolve("train_A.txt"), (n, line) -> { }));
        assertEquals(d.resolve("train_A.txt") + ": is a directory, not a file", e.getMessage());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void gzip(Path file, String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        Files.write(file, bytes.toByteArray());
    }
}
