package dev.llmedt.data;

import static dev.llmedt.data.TestData.assertMalformed;
import static dev.llmedt.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AmazonReviewsReaderTest {

    @TempDir
    Path dir;

    private static String review(String reviewer, String asin, long time) {
        return "{\"reviewerID\": \"" + reviewer + "\", \"asin\": \"" + asin + "\", \"unixReviewTime\": " + time + "}";
    }

    /** Books (gzip) and Movies (plain). */
    private AmazonReviewsReader.Builder twoDomains() throws IOException {
        Path booksReviews = write(dir.resolve("reviews_books.json.gz"),
                "{\"reviewerID\": \"A\", \"asin\": \"b1\", \"unixReviewTime\": 100, \"reviewText\": \"great {not} [json]\","
                        + " \"helpful\": [1, 2], \"style\": {\"format\": \"Paperback\"}, \"verified\": true}",
                review("B", "b2", 50),
                review("A", "b2", 300));
        Path booksMeta = write(dir.resolve("meta_books.json.gz"),
                "{'asin': 'b1', 'title': \"Dune's Heir\", 'brand': 'Ace', 'categories': [['Books', 'SciFi'], ['Books', 'Classics']],"
                        + " 'description': 'A desert planet.', 'price': 9.99}",
                "",
                "{\"asin\": \"b9\", \"title\": \"Never reviewed\"}");
        Path moviesReviews = write(dir.resolve("reviews_movies.json"),
                review("A", "m1", 100),
                review("A", "m2", 200),
                review("C", "m1", 10));
        Path moviesMeta = write(dir.resolve("meta_movies.json"),
                "{\"asin\": \"m1\", \"title\": \"Alien\", \"category\": [\"Movies\", \"Horror\"],"
                        + " \"description\": [\"In space,\", \"no one can hear.\"]}",
                "{\"asin\": \"m2\", \"title\": \"Heat\", \"brand\": null}");
        return AmazonReviewsReader.builder()
                .domain("Books", booksReviews, booksMeta)
                .domain("Movies", moviesReviews, moviesMeta);
    }

    @Test
    void readsDomainsTextAndCrossDomainSequences() throws IOException {
        CdsrDataset data = twoDomains().build().read();

        // Books: b1, b2 (first review order); Movies: m1, m2
        assertEquals(List.of(new Domain(0, "Books", 0, 2), new Domain(1, "Movies", 2, 2)), data.domains());
        assertEquals("Books-Movies", data.name());
        Map<String, String> dune = new LinkedHashMap<>();
        dune.put("title", "Dune's Heir");
        dune.put("brand", "Ace");
        dune.put("category", "Books > SciFi, Books > Classics");
        dune.put("description", "A desert planet.");
        assertEquals(dune, data.items().item(0).text());
        assertEquals(List.copyOf(dune.keySet()), List.copyOf(data.items().item(0).text().keySet()));
        assertEquals("b2", data.items().item(1).externalId());
        assertFalse(data.items().item(1).hasText());
        assertEquals(Map.of("title", "Alien", "category", "Movies > Horror", "description", "In space, no one can hear."),
                data.items().item(2).text());
        assertEquals(Map.of("title", "Heat"), data.items().item(3).text());

        // A: b1 (100, Books) and m1 (100, Movies) tie -> domain order; then m2 (200), b2 (300)
        assertEquals(List.of(
                new UserSequence("train", "A", History.of(0, 2)),
                new UserSequence("train", "B", History.of(1)),
                new UserSequence("train", "C", History.of(2))), data.train());
        assertEquals(List.of(new EvaluationCase("valid", "A", History.of(0, 2), 3)), data.valid());
        assertEquals(List.of(new EvaluationCase("test", "A", History.of(0, 2, 3), 1)), data.test());

        ReadReport report = data.readReport();
        assertEquals(2, report.count(LeaveOneOutSplitter.TOO_SHORT));
        assertEquals(1, report.count("items without metadata in meta_books.json.gz, kept without text"));
        assertEquals(1, report.count("metadata rows of items without a (kept) review in meta_books.json.gz, not kept"));
        assertEquals(1, report.count("blank lines in meta_books.json.gz, skipped"));
    }

    @Test
    void timeWindowKeepsReviewsFromInclusiveToExclusive() throws IOException {
        CdsrDataset data = twoDomains().timeWindow(60, 300).build().read();
        // left: A b1 (100), A m1 (100), A m2 (200); b2 is reviewed only outside the window
        assertEquals(List.of(new Domain(0, "Books", 0, 1), new Domain(1, "Movies", 1, 2)), data.domains());
        assertEquals(List.of(new UserSequence("train", "A", History.of(0))), data.train());
        assertEquals(List.of(new EvaluationCase("valid", "A", History.of(0), 1)), data.valid());
        assertEquals(List.of(new EvaluationCase("test", "A", History.of(0, 1), 2)), data.test());
        assertEquals(2, data.readReport().count("reviews outside the time window in reviews_books.json.gz"));
        assertEquals(1, data.readReport().count("reviews outside the time window in reviews_movies.json"));
        assertEquals(0, data.readReport().count(LeaveOneOutSplitter.TOO_SHORT));
    }

    @Test
    void kCoreRemovesInSeveralRoundsCountingUsersAcrossDomains() throws IOException {
        Path reviewsX = write(dir.resolve("x.json"),
                review("U1", "x1", 1), review("U1", "x2", 2), review("U1", "x1", 3),
                review("U2", "x1", 1), review("U2", "x2", 2),
                review("U3", "x2", 1), review("U3", "x3", 2),
                review("U4", "x3", 1),
                review("U5", "x1", 5));
        // U5 has one review in each domain: 2 in total, so it passes a per-user threshold of 2
        Path reviewsY = write(dir.resolve("y.json"), review("U5", "y1", 4), review("U1", "y1", 9));
        Path meta = write(dir.resolve("meta.json"), "{\"asin\": \"x1\", \"title\": \"One\"}");
        Path metaY = write(dir.resolve("meta_y.json"), "{\"asin\": \"y1\", \"title\": \"Why\"}");
        CdsrDataset data = AmazonReviewsReader.builder()
                .domain("X", reviewsX, meta)
                .domain("Y", reviewsY, metaY)
                .kCore(2, 2)
                .build().read();
        // round 1: U4 (1 review) goes; x3 is left with 1 review -> goes; then U3 has 1 review -> goes
        assertEquals(List.of(new Domain(0, "X", 0, 2), new Domain(1, "Y", 2, 1)), data.domains());
        assertEquals(List.of(
                new UserSequence("train", "U1", History.of(0, 1)),
                new UserSequence("train", "U2", History.of(0, 1)),
                new UserSequence("train", "U5", History.of(2, 0))), data.train());
        assertEquals(List.of(new EvaluationCase("valid", "U1", History.of(0, 1), 0)), data.valid());
        assertEquals(List.of(new EvaluationCase("test", "U1", History.of(0, 1, 0), 2)), data.test());
        ReadReport report = data.readReport();
        assertEquals(3, report.count("k-core: reviews removed"));
        assertEquals(2, report.count("k-core: users removed"));
        assertEquals(1, report.count("k-core: items removed"));
        assertEquals(1, report.count("items without metadata in meta.json, kept without text"));
    }

    @Test
    void aDomainWithNothingLeftIsAnError() throws IOException {
        Path reviews = write(dir.resolve("r.json"), review("A", "a", 1));
        Path meta = write(dir.resolve("m.json"));
        assertMalformed(reviews, 0, "domain 'D' has no review left after the time window and the k-core filter",
                () -> AmazonReviewsReader.builder().domain("D", reviews, meta).timeWindow(5, 10).build().read());
    }

    @Test
    void builderValidatesAtOnce() {
        AmazonReviewsReader.Builder b = AmazonReviewsReader.builder();
        IllegalArgumentException user = assertThrows(IllegalArgumentException.class, () -> b.kCore(0, 5));
        assertTrue(user.getMessage().contains("minUserInteractions") && user.getMessage().contains("got 0"), user.getMessage());
        IllegalArgumentException item = assertThrows(IllegalArgumentException.class, () -> b.kCore(5, -1));
        assertTrue(item.getMessage().contains("minItemInteractions") && item.getMessage().contains("got -1"), item.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.timeWindow(10, 10));
        assertThrows(IllegalStateException.class, b::build);
        b.domain("D", dir.resolve("r"), dir.resolve("m"));
        assertThrows(IllegalArgumentException.class, () -> b.domain("D", dir.resolve("r2"), dir.resolve("m2")));
        assertThrows(IllegalArgumentException.class, () -> b.domain(" ", dir.resolve("r2"), dir.resolve("m2")));
        b.kCore(2, 2);
        assertThrows(IllegalStateException.class, () -> b.kCore(3, 3));
        b.timeWindow(0, 10);
        assertThrows(IllegalStateException.class, () -> b.timeWindow(0, 20));
    }

    // ---- errors: each names the file and the 1-based line ----

    private CdsrDataset readOne(Path reviews, Path meta) throws IOException {
        return AmazonReviewsReader.builder().domain("D", reviews, meta).build().read();
    }

    private Path reviewsWithSecondLine(String line) throws IOException {
        return write(dir.resolve("reviews.json"), review("A", "a", 1), line, review("A", "b", 2));
    }

    private Path meta() throws IOException {
        return write(dir.resolve("meta.json"), "{\"asin\": \"a\", \"title\": \"Apple\"}");
    }

    @Test
    void badJson() throws IOException {
        Path meta = meta();
        Path truncated = reviewsWithSecondLine("{\"reviewerID\": \"A\", \"asin\": ");
        assertMalformed(truncated, 2, "not valid JSON", () -> readOne(truncated, meta));
        Path trailing = reviewsWithSecondLine(review("A", "a", 1) + " {}");
        assertMalformed(trailing, 2, "unexpected content after the JSON object", () -> readOne(trailing, meta));
    }

    @Test
    void notAnObject() throws IOException {
        Path meta = meta();
        Path array = reviewsWithSecondLine("[\"A\", \"a\", 1]");
        assertMalformed(array, 2, "not a JSON object", () -> readOne(array, meta));
        Path reviews = write(dir.resolve("ok.json"), review("A", "a", 1));
        Path badMeta = write(dir.resolve("meta2.json"), "{\"asin\": \"a\"}", "42");
        assertMalformed(badMeta, 2, "not a JSON object", () -> readOne(reviews, badMeta));
    }

    @Test
    void missingOrMistypedReviewFields() throws IOException {
        Path meta = meta();
        Path noTime = reviewsWithSecondLine("{\"reviewerID\": \"A\", \"asin\": \"a\"}");
        assertMalformed(noTime, 2, "missing required field 'unixReviewTime'", () -> readOne(noTime, meta));
        Path stringTime = reviewsWithSecondLine("{\"reviewerID\": \"A\", \"asin\": \"a\", \"unixReviewTime\": \"1\"}");
        assertMalformed(stringTime, 2, "field 'unixReviewTime' must be an integer (unix seconds), found a string",
                () -> readOne(stringTime, meta));
        Path numberUser = reviewsWithSecondLine("{\"reviewerID\": 7, \"asin\": \"a\", \"unixReviewTime\": 1}");
        assertMalformed(numberUser, 2, "field 'reviewerID' must be a string, found a number", () -> readOne(numberUser, meta));
    }

    @Test
    void emptyKeys() throws IOException {
        Path meta = meta();
        Path emptyUser = reviewsWithSecondLine(review(" ", "a", 1));
        assertMalformed(emptyUser, 2, "field 'reviewerID' is empty", () -> readOne(emptyUser, meta));
        Path emptyAsin = reviewsWithSecondLine(review("A", "", 1));
        assertMalformed(emptyAsin, 2, "field 'asin' is empty", () -> readOne(emptyAsin, meta));
        Path reviews = write(dir.resolve("ok.json"), review("A", "a", 1));
        Path noAsin = write(dir.resolve("meta2.json"), "{\"asin\": \"a\"}", "{\"title\": \"Who\"}");
        assertMalformed(noAsin, 2, "missing required field 'asin'", () -> readOne(reviews, noAsin));
        Path blankAsin = write(dir.resolve("meta3.json"), "{\"asin\": \"\"}");
        assertMalformed(blankAsin, 1, "field 'asin' must be a non-empty string", () -> readOne(reviews, blankAsin));
    }

    @Test
    void mistypedMetadataField() throws IOException {
        Path reviews = write(dir.resolve("ok.json"), review("A", "a", 1));
        Path meta = write(dir.resolve("meta.json"), "{\"asin\": \"a\", \"title\": {\"en\": \"Apple\"}}");
        assertMalformed(meta, 1, "field 'title' must be a string, found an object", () -> readOne(reviews, meta));
    }

    @Test
    void duplicateMetadataNamesBothLines() throws IOException {
        Path reviews = write(dir.resolve("ok.json"), review("A", "a", 1));
        Path meta = write(dir.resolve("meta.json"), "{\"asin\": \"a\"}", "{\"asin\": \"b\"}", "{'asin': 'a', 'title': 'Again'}");
        assertMalformed(meta, 3, "duplicate asin 'a' (first at line 1)", () -> readOne(reviews, meta));
    }

    @Test
    void corruptGzip() throws IOException {
        Path meta = meta();
        Path garbage = TestData.writeGarbage(dir.resolve("reviews.json.gz"));
        assertMalformed(garbage, 0, "not a valid gzip file", () -> readOne(garbage, meta));
        Path truncated = TestData.writeTruncatedGzip(dir.resolve("cut.json.gz"),
                review("A", "a", 1), review("A", "b", 2), review("B", "a", 3), review("C", "c", 4));
        assertMalformed(truncated, 1, "corrupt or truncated gzip data", () -> readOne(truncated, meta));
        Path reviews = write(dir.resolve("ok.json"), review("A", "a", 1));
        Path badMeta = TestData.writeGarbage(dir.resolve("meta.json.gz"));
        assertMalformed(badMeta, 0, "not a valid gzip file", () -> readOne(reviews, badMeta));
    }

    @Test
    void missingFile() throws IOException {
        Path meta = meta();
        Path missing = dir.resolve("absent.json");
        assertMalformed(missing, 0, "file not found", () -> readOne(missing, meta));
    }
}
