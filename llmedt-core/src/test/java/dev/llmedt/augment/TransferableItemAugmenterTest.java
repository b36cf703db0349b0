package dev.llmedt.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.cluster.KMeans;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.DatasetStatistics;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.Item;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.ReadReport;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.data.UserSequence;
import dev.llmedt.engine.WorkerPool;
import dev.llmedt.testing.AugmentationChecks;
import dev.llmedt.testing.HashingEncoder;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline augmenter: exact expectations on hand-made data, invariants on the synthetic data. */
class TransferableItemAugmenterTest {

    /** Food 0..3 (3 without text), Kitchen 4..7; vectors chosen so that every cosine below is exact. */
    static final float[][] VECTORS = {
        {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, 0},
        {0.8f, 0.6f, 0}, {0, 0.6f, 0.8f}, {0.28f, 0, 0.96f}, {-1, 0, 0},
    };

    static CdsrDataset handMade(List<EvaluationCase> valid) {
        List<Domain> domains = List.of(new Domain(0, "Food", 0, 4), new Domain(1, "Kitchen", 4, 4));
        String[] titles = {"coffee beans", "tea", "flour", "", "coffee grinder", "kettle", "mixer", "pot"};
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < titles.length; i++) {
            items.add(new Item(i, i < 4 ? 0 : 1, "x" + i, titles[i].isEmpty() ? Map.of() : Map.of(Item.TITLE, titles[i])));
        }
        List<UserSequence> train = List.of(
                new UserSequence("train_A.txt", "1", History.of(0, 1, 2)),
                new UserSequence("train_A.txt", "2", History.of(1, 0, 0, 3)),
                new UserSequence("train_overlap.txt", "3", History.of(0, 2, 4, 0, 1, 2, 0, 1, 2, 0)),
                new UserSequence("train_B.txt", "4", History.of(5, 6)),
                new UserSequence("train_overlap.txt", "5", History.of(0, 4)));
        return new CdsrDataset("hand", new ItemCatalog(domains, items), train, valid, List.of(), ReadReport.empty());
    }

    static ItemEmbeddings handEmbeddings() {
        float[] m = new float[VECTORS.length * 3];
        for (int i = 0; i < VECTORS.length; i++) {
            System.arraycopy(VECTORS[i], 0, m, 3 * i, 3);
        }
        return ItemEmbeddings.of(m, VECTORS.length, 3, "hand-made", "{title}");
    }

    private static TransferableItemAugmenter.Builder tau07() {
        return TransferableItemAugmenter.builder().similarityThreshold(0.7).seed(1);
    }

    private static List<String> rows(AugmentedData a) {
        List<String> out = new ArrayList<>();
        for (Insertion in : a.insertions()) {
            out.add(in.file() + " " + in.user() + " " + in.position() + " " + in.sourceItem() + "->" + in.insertedItem() + " "
                    + String.format(java.util.Locale.ROOT, "%.2f", in.similarity()) + " after " + in.afterPosition());
        }
        return out;
    }

    @Test
    void handMadeDataGetsExactlyTheExpectedBridges() {
        CdsrDataset data = handMade(List.of());
        AugmentedData a = tau07().build().augment(data, handEmbeddings());
        assertEquals(List.of(
                "train_A.txt 1 0 0->4 0.80 after 0", // coffee beans -> grinder; tea -> grinder is 0.6 < tau
                "train_A.txt 1 2 2->6 0.96 after 2", // flour -> mixer
                "train_A.txt 2 2 0->4 0.80 after 2", // the most recent of two equal sources
                "train_overlap.txt 3 8 2->6 0.96 after 8", // the grinder is already in the sequence
                "train_B.txt 4 1 6->2 0.96 after 1"), // both kitchen items propose flour: kept once, after the closer one
                rows(a));
        assertEquals(History.of(0, 4, 1, 2, 6), a.sequences().get(0).items());
        assertEquals(History.of(1, 0, 0, 4, 3), a.sequences().get(1).items());
        assertEquals(History.of(0, 2, 4, 0, 1, 2, 0, 1, 2, 6, 0), a.sequences().get(2).items());
        assertEquals(History.of(5, 6, 2), a.sequences().get(3).items());
        assertEquals(History.of(0, 4), a.sequences().get(4).items(), "a balanced user is not augmented");
        AugmentedSequence first = a.sequences().get(0);
        assertTrue(first.isInserted(1) && first.isInserted(4) && !first.isInserted(0));
        assertFalse(first.isTrainingTarget(1), "inserted items are context by default");
        assertTrue(first.isTrainingTarget(2));

        AugmentationReport r = a.report();
        assertEquals(5, r.users());
        assertEquals(4, r.imbalancedUsers());
        assertEquals(4, r.usersAugmented());
        assertEquals(5, r.insertions());
        assertEquals(10, r.candidates());
        assertEquals(3, r.droppedBelowThreshold());
        assertEquals(1, r.droppedDuplicates());
        assertEquals(1, r.droppedInSequence());
        assertEquals(0, r.droppedByInsertionCap());
        assertEquals(1, r.sourceItemsWithoutText(), "item 3 of user 2 has no text");
        assertEquals((0.8 + 0.96 + 0.8 + 0.96 + 0.96) / 5, r.meanSimilarity(), 1e-6);
        assertTrue(Double.isNaN(r.meanMatchSimilarity()));
        assertEquals(Map.of("Food", 3, "Kitchen", 4), r.clusters(), "at most as many clusters as items with text");
        assertEquals(Map.of("Food", 17L, "Kitchen", 4L), r.interactionsBefore());
        assertEquals(Map.of("Food", 18L, "Kitchen", 8L), r.interactionsAfter());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1, 0, 0, 0, 4}, r.histogramBefore());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1, 2, 0, 2, 0}, r.histogramAfter(), "3/5, 4/5, 9/11, 2/3 and 1/2");
        assertArrayEquals(DatasetStatistics.of(data).majorityShareHistogram(), r.histogramBefore(), "the one histogram definition");
        AugmentationChecks.checkInsertions(data, handEmbeddings(), a.insertions(), 0.7, true);
        AugmentationChecks.checkSequences(data, a, true);
    }

    @Test
    void tauAndTheMinorShareThresholdDecideWhatIsKept() {
        CdsrDataset data = handMade(List.of());
        AugmentedData all = TransferableItemAugmenter.builder().similarityThreshold(0.5).build().augment(data, handEmbeddings());
        assertEquals(rows(tau07().build().augment(data, handEmbeddings())), rows(all),
                "tea's grinder (0.6) now passes tau, but every user already gets the grinder from a closer source");
        assertEquals(4, all.report().droppedDuplicates());
        assertEquals(0, all.report().droppedBelowThreshold());
        AugmentedData none = TransferableItemAugmenter.builder().similarityThreshold(0.97).build().augment(data, handEmbeddings());
        assertEquals(0, none.insertions().size());
        assertEquals(none.report().candidates(), none.report().droppedBelowThreshold());
        AugmentedData strict = tau07().minorShareThreshold(0.1).build().augment(data, handEmbeddings());
        assertEquals(3, strict.report().imbalancedUsers(), "user 3 holds exactly 10% kitchen items: not below 0.1");
    }

    @Test
    void capsKeepTheBestBridgeOfEachClusterFirst() {
        // Food a, b (close: one cluster) and c; Kitchen x (nearest to a), y (nearest to b), z (nearest to c).
        float[][] v = {{1, 0, 0}, {0.98f, 0.199f, 0}, {0, 0, 1}, {0.995f, -0.0998f, 0}, {0.94f, 0.341f, 0}, {0.3f, 0, 0.954f}};
        float[] m = new float[18];
        for (int i = 0; i < 6; i++) {
            double n = Math.sqrt(v[i][0] * v[i][0] + v[i][1] * v[i][1] + v[i][2] * v[i][2]);
            for (int f = 0; f < 3; f++) {
                m[3 * i + f] = (float) (v[i][f] / n);
            }
        }
        ItemEmbeddings e = ItemEmbeddings.of(m, 6, 3, "caps", "{title}");
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            items.add(new Item(i, i < 3 ? 0 : 1, "i" + i, Map.of(Item.TITLE, "item " + i)));
        }
        ItemCatalog catalog = new ItemCatalog(List.of(new Domain(0, "Food", 0, 3), new Domain(1, "Kitchen", 3, 3)), items);
        CdsrDataset data = new CdsrDataset("caps", catalog, List.of(new UserSequence("t", "u", History.of(0, 1, 2))), List.of(),
                List.of(), ReadReport.empty());
        float[][] food = {e.vector(0), e.vector(1), e.vector(2)};
        try (WorkerPool pool = new WorkerPool(1)) {
            int[] clusters = KMeans.fit(food, 3, 2, dev.llmedt.engine.Rng.seed(7, 0, 3), 20, 0.001, pool).assignment();
            assertEquals(clusters[0], clusters[1], "precondition: a and b share a cluster");
            assertNotEquals(clusters[0], clusters[2]);
        }
        AugmentedData uncapped = TransferableItemAugmenter.builder().clusters(2).seed(7).similarityThreshold(0.9).build().augment(data, e);
        assertEquals(List.of(3, 4, 5), uncapped.insertions().stream().map(Insertion::insertedItem).toList());
        AugmentedData capped = TransferableItemAugmenter.builder().clusters(2).seed(7).similarityThreshold(0.9).maxInsertionsPerUser(2)
                .build().augment(data, e);
        assertEquals(List.of("t u 0 0->3 1.00 after 0", "t u 2 2->5 0.95 after 2"), rows(capped),
                "y (0.989, a's cluster again) gives way to z (0.954, another interest)");
        assertEquals(1, capped.report().droppedByInsertionCap());
    }

    @Test
    void insertionStrategiesPlaceTheSameItemsDifferently() {
        CdsrDataset data = handMade(List.of());
        AugmentedData append = tau07().insertion(InsertionStrategy.APPEND).build().augment(data, handEmbeddings());
        assertEquals(History.of(0, 1, 2, 4, 6), append.sequences().get(0).items());
        assertEquals(History.of(1, 0, 0, 3, 4), append.sequences().get(1).items());
        assertEquals(List.of(2, 2), append.insertions().subList(0, 2).stream().map(Insertion::afterPosition).toList());
        assertEquals(List.of(0, 2), append.insertions().subList(0, 2).stream().map(Insertion::position).toList(),
                "position still names the source item");
        AugmentationChecks.checkSequences(data, append, false);

        AugmentedData after = tau07().build().augment(data, handEmbeddings());
        List<Integer> inserted = after.insertions().stream().map(Insertion::insertedItem).toList();
        boolean moved = false;
        for (long seed = 0; seed < 20; seed++) {
            AugmentedData random = tau07().seed(seed).insertion(InsertionStrategy.RANDOM).build().augment(data, handEmbeddings());
            AugmentedData again = tau07().seed(seed).insertion(InsertionStrategy.RANDOM).build().augment(data, handEmbeddings());
            assertEquals(rows(random), rows(again), "seeded");
            assertEquals(inserted.stream().sorted().toList(), random.insertions().stream().map(Insertion::insertedItem).sorted().toList());
            AugmentationChecks.checkSequences(data, random, false);
            Map<String, Integer> lengths = new HashMap<>();
            data.train().forEach(u -> lengths.put(u.source() + u.user(), u.length()));
            for (Insertion in : random.insertions()) {
                assertTrue(in.afterPosition() >= -1 && in.afterPosition() < lengths.get(in.file() + in.user()), in.toString());
                moved |= in.afterPosition() != in.position();
            }
        }
        assertTrue(moved, "random placement is not after the source every time");
    }

    @Test
    void insertedItemsCanBeTargets() {
        AugmentedData a = tau07().insertedItemsAreTargets(true).build().augment(handMade(List.of()), handEmbeddings());
        assertTrue(a.insertedItemsAreTargets());
        assertTrue(a.sequences().get(0).isInserted(1) && a.sequences().get(0).isTrainingTarget(1));
        AugmentationChecks.checkSequences(handMade(List.of()), a, true);
    }

    @Test
    void theUserCapChoosesASeededSubset() {
        CdsrDataset data = handMade(List.of());
        AugmentedData a = tau07().maxUsers(2).build().augment(data, handEmbeddings());
        assertEquals(2, a.report().imbalancedUsers() - a.report().usersSkippedByCap());
        assertEquals(2, a.insertions().stream().map(in -> in.file() + in.user()).distinct().count());
        assertEquals(rows(a), rows(tau07().maxUsers(2).build().augment(data, handEmbeddings())));
        assertEquals(0, tau07().maxUsers(0).build().augment(data, handEmbeddings()).insertions().size());
    }

    @Test
    void validationAndTestCasesAreNeverRead() {
        AugmentedData without = tau07().build().augment(handMade(List.of()), handEmbeddings());
        List<EvaluationCase> other = List.of(new EvaluationCase("valid.txt", "9", History.of(1, 5, 6, 7), 4),
                new EvaluationCase("valid.txt", "10", History.of(3, 3, 3), 7));
        AugmentedData with = tau07().build().augment(handMade(other), handEmbeddings());
        assertEquals(rows(without), rows(with));
        assertEquals(without.report().toMap(), with.report().toMap());
    }

    @Test
    void builderRejectsBadSettingsNamingParameterValueAndRange() {
        TransferableItemAugmenter.Builder b = TransferableItemAugmenter.builder();
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.clusters(0)), "clusters", "0", "[1, 100000]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.similarityThreshold(1.5)), "similarityThreshold", "1.5", "[-1.0, 1.0]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.similarityThreshold(Double.NaN)), "similarityThreshold", "NaN");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.minorShareThreshold(0)), "minorShareThreshold", "0.0", "(0.0, 1.0]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.maxUsers(-1)), "maxUsers", "-1");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.maxInsertionsPerUser(0)), "maxInsertionsPerUser", "0", "[1, 1000]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.threads(0)), "threads", "0", "[1, 256]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.promptTemplate("no placeholder")), "promptTemplate", "{items}");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> InsertionStrategy.parse("middle")), "insertion", "middle",
                "after-source, append or random");
        assertEquals(InsertionStrategy.AFTER_SOURCE, InsertionStrategy.parse("After_Source"));
        CdsrDataset data = handMade(List.of());
        ItemEmbeddings wrongRows = ItemEmbeddings.of(new float[3], 1, 3, "x", "{title}");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.build().augment(data, wrongRows)), "1 rows", "8 items");
    }

    @Test
    void settingsRoundTripThroughJson() throws Exception {
        TransferableItemAugmenter.Settings settings = TransferableItemAugmenter.builder().clusters(7).similarityThreshold(0.42)
                .minorShareThreshold(0.3).insertion(InsertionStrategy.RANDOM).maxUsers(99).maxInsertionsPerUser(3)
                .insertedItemsAreTargets(true).seed(-5).kMeansIterations(11).promptItems(12).promptTemplate("x {items} y").build()
                .settings();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<String, Object> parsed = json.readValue(json.writeValueAsString(settings.toMap()),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
        TransferableItemAugmenter.Settings back = TransferableItemAugmenter.Settings.fromMap(parsed);
        assertEquals(settings, back);
        assertEquals(settings, TransferableItemAugmenter.builder().settings(back).build().settings());
        Map<String, Object> bad = new HashMap<>(parsed);
        bad.put("clusters", 0);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> TransferableItemAugmenter.Settings.fromMap(bad)), "clusters", "0");
        bad.put("clusters", 7);
        bad.remove("tau");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> TransferableItemAugmenter.Settings.fromMap(bad)), "tau", "missing");
        bad.put("tau", 0.5);
        bad.put("taus", 0.5);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> TransferableItemAugmenter.Settings.fromMap(bad)), "taus");
    }

    static void assertMessage(IllegalArgumentException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    @Test
    void syntheticDataWithTheHashingEncoderMeetsEveryInvariantAndIsDeterministic(@TempDir Path dir) throws Exception {
        CdsrDataset data = SyntheticDataset.generate(7);
        ItemEmbeddings e = ItemEmbeddings.encode(data.items(), new HashingEncoder(64), ItemTextTemplate.titles(), ProgressListener.none());
        double tau = 0.3;
        List<String> tasks = new ArrayList<>();
        AugmentedData a = TransferableItemAugmenter.builder().similarityThreshold(tau).clusters(8).threads(1).build()
                .augment(data, e, (task, done, total) -> {
                    if (done == total) {
                        tasks.add(task);
                    }
                });
        assertTrue(tasks.containsAll(List.of("cluster Food items", "cluster Kitchen items", "nearest Food items", "nearest Kitchen items", "augment users")), tasks.toString());
        AugmentationReport r = a.report();
        assertEquals(countImbalanced(data), r.imbalancedUsers());
        assertTrue(r.imbalancedUsers() >= 1800, "every single-domain user qualifies");
        assertTrue(r.insertions() > 500 && r.usersAugmented() > 300, r.toString());
        assertEquals(r.insertions(), a.insertions().size());
        assertTrue(AugmentationChecks.checkInsertions(data, e, a.insertions(), tau, true) > 500);
        AugmentationChecks.checkSequences(data, a, true);
        long[] after = r.histogramAfter();
        assertTrue(after[9] < r.histogramBefore()[9], "fewer users sit in the 90-100% bin after augmentation");
        Map<String, Long> inserted = new HashMap<>();
        for (Insertion in : a.insertions()) {
            inserted.merge(data.items().domainOf(in.insertedItem()).name(), 1L, Long::sum);
        }
        assertEquals(r.interactionsAfter().get("Food") - r.interactionsBefore().get("Food"), inserted.get("Food"));

        AugmentedData twoThreads = TransferableItemAugmenter.builder().similarityThreshold(tau).clusters(8).threads(2).build().augment(data, e);
        assertEquals(a.insertions(), twoThreads.insertions(), "the thread count changes nothing");
        Path tsv = dir.resolve("a.tsv");
        a.writeInsertions(tsv);
        Path again = dir.resolve("b.tsv");
        twoThreads.writeInsertions(again);
        assertArrayEquals(Files.readAllBytes(tsv), Files.readAllBytes(again));
        assertTrue(Files.readAllLines(tsv).get(0).equals("file\tuid\tposition\tsource_item\tinserted_item\tsimilarity"));
        List<Insertion> read = AugmentedData.readInsertions(tsv);
        assertEquals(a.insertions().size(), read.size());
        for (int k = 0; k < read.size(); k++) {
            Insertion x = a.insertions().get(k);
            Insertion y = read.get(k);
            assertEquals(List.of(x.file(), x.user(), x.position(), x.sourceItem(), x.insertedItem(), x.afterPosition()),
                    List.of(y.file(), y.user(), y.position(), y.sourceItem(), y.insertedItem(), y.afterPosition()));
            assertEquals(x.similarity(), y.similarity(), 1e-6, "6 decimals");
            assertTrue(Float.isNaN(y.matchSimilarity()));
        }
        AugmentationChecks.checkInsertions(data, e, read, tau, true);
    }

    /** Users whose minor domain holds less than 20% of their items, single-domain users included. */
    private static long countImbalanced(CdsrDataset data) {
        long n = 0;
        for (UserSequence s : data.train()) {
            int food = s.items().countIn(data.domain("Food"));
            if (Math.min(food, s.length() - food) / (double) s.length() < 0.2) {
                n++;
            }
        }
        return n;
    }

    @Test
    void malformedInsertionFilesNameFileAndLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.tsv");
        Files.writeString(f, "file\tuid\tposition\tsource_item\tinserted_item\tsimilarity\nt\tu\t0\t1\t2\n");
        Exception e = assertThrows(dev.llmedt.data.MalformedDataException.class, () -> AugmentedData.readInsertions(f));
        assertTrue(e.getMessage().contains("bad.tsv") && e.getMessage().contains("2"), e.getMessage());
        Files.writeString(f, "file\tuid\tposition\n");
        e = assertThrows(dev.llmedt.data.MalformedDataException.class, () -> AugmentedData.readInsertions(f));
        assertTrue(e.getMessage().contains("header"), e.getMessage());
        Files.writeString(f, "file\tuid\tposition\tsource_item\tinserted_item\tsimilarity\nt\tu\tzero\t1\t2\t0.5\n");
        e = assertThrows(dev.llmedt.data.MalformedDataException.class, () -> AugmentedData.readInsertions(f));
        assertTrue(e.getMessage().contains(":2") || e.getMessage().contains("line 2"), e.getMessage());
    }
}
