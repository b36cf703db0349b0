package dev.llmedt.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.cluster.CosineIndex;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.data.CdsrDataset;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bridge scorings on a hand-built catalogue where Kitchen item 3 is Food item 0's true nearest,
 * item 4 is a hub (cosine 0.5 to every Food item) and item 5 is Food item 1's own neighbour (0.45,
 * just below the hub's 0.5). Overlap users took 4 after 1 twice and 5 once.
 */
class BridgeScoringTest {

    /** Food 0..2, Kitchen 3..5; unit vectors. */
    static final float[][] VECTORS = {
        {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0},
        {0.9f, 0, 0, 0.43589f}, {0.5f, 0.5f, 0.5f, 0.5f}, {0, 0.45f, 0, 0.89303f},
    };

    static CdsrDataset data(List<EvaluationCase> valid, List<EvaluationCase> test) {
        List<Domain> domains = List.of(new Domain(0, "Food", 0, 3), new Domain(1, "Kitchen", 3, 3));
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < VECTORS.length; i++) {
            items.add(new Item(i, i < 3 ? 0 : 1, "x" + i, Map.of(Item.TITLE, "item " + i)));
        }
        List<UserSequence> train = List.of(
                new UserSequence("train_A.txt", "a", History.of(0, 1)),
                new UserSequence("train_overlap.txt", "o1", History.of(1, 4, 5)),
                new UserSequence("train_overlap.txt", "o2", History.of(1, 4, 3)),
                new UserSequence("train_overlap.txt", "o3", History.of(1, 5, 4)));
        return new CdsrDataset("hub", new ItemCatalog(domains, items), train, valid, test, ReadReport.empty());
    }

    static ItemEmbeddings embeddings() {
        float[] m = new float[VECTORS.length * 4];
        for (int i = 0; i < VECTORS.length; i++) {
            System.arraycopy(VECTORS[i], 0, m, 4 * i, 4);
        }
        return ItemEmbeddings.of(m, VECTORS.length, 4, "hub", "{title}");
    }

    private static List<String> bridges(BridgeScoring scoring, double tau, CdsrDataset data) {
        AugmentedData a = TransferableItemAugmenter.builder().bridges(scoring).similarityThreshold(tau).clusters(2).seed(1).threads(1)
                .build().augment(data, embeddings());
        List<String> out = new ArrayList<>();
        for (Insertion in : a.insertions()) {
            out.add(in.user() + " " + in.sourceItem() + "->" + in.insertedItem() + " after " + in.afterPosition());
        }
        return out;
    }

    @Test
    void textTakesTheNearestCslsPushesTheHubDownBehaviourTakesWhatUsersTookNext() {
        CdsrDataset data = data(List.of(), List.of());
        // tau 0.4: item 1's nearest by cosine is the hub (0.5 > 0.45); by CSLS, 2*0.45 - 0.15 = 0.75 beats 2*0.5 - 0.5 = 0.5.
        assertEquals(List.of("a 0->3 after 0", "a 1->4 after 1"), bridges(BridgeScoring.TEXT, 0.4, data));
        assertEquals(List.of("a 0->3 after 0", "a 1->5 after 1"), bridges(BridgeScoring.CSLS, 0.4, data));
        // tau 0.6: the hub (0.5) is noise by cosine, but users took it after item 1: a behavioural bridge is exempt.
        assertEquals(List.of("a 0->3 after 0"), bridges(BridgeScoring.TEXT, 0.6, data));
        assertEquals(List.of("a 0->3 after 0"), bridges(BridgeScoring.CSLS, 0.6, data));
        assertEquals(List.of("a 0->3 after 0", "a 1->4 after 1"), bridges(BridgeScoring.BEHAVIOUR, 0.6, data),
                "0 has no successor: CSLS; 1 -> 4 (taken twice) beats 1 -> 5 (once)");
    }

    @Test
    void hubPenaltiesAreTheMeanCosineOfTheNearestItemsOfTheOtherDomain() {
        CdsrDataset data = data(List.of(), List.of());
        try (WorkerPool pool = new WorkerPool(2)) {
            ItemSpace space = ItemSpace.build(data.items(), embeddings(), new boolean[] {true, false}, new boolean[] {false, true}, 2, 5, 1,
                    true, pool, ProgressListener.none());
            // Fewer than HUB_NEIGHBOURS Food items: the mean over all three.
            assertEquals((0.9f + 0 + 0) / 3, space.hubPenalty(3, 1, 0), 1e-6);
            assertEquals(0.5f, space.hubPenalty(4, 1, 0), 1e-6);
            assertEquals(0.15f, space.hubPenalty(5, 1, 0), 1e-6);
            assertThrows(IllegalStateException.class, () -> space.hubPenalty(0, 0, 1), "Food is no target here");
        }
        // The top k of a larger index, whatever the number of workers.
        float[][] rows = new float[50][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = new float[] {r / 50f, 1};
        }
        CosineIndex index = new CosineIndex(rows, 2);
        float[][] queries = {{1, 0}, {-1, 0}, {0, 1}};
        for (int threads : new int[] {1, 2, 3}) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                float[] means = index.meanOfTopK(queries, 3, pool);
                assertArrayEquals(new float[] {(49 + 48 + 47) / 150f, -(0 + 1 + 2) / 150f, 1}, means, 1e-6f);
            }
        }
    }

    @Test
    void behaviourCountsTheNextItemOfTheTargetDomainInTrainingSequencesOnly() {
        CdsrDataset data = data(List.of(), List.of());
        try (WorkerPool pool = new WorkerPool(1)) {
            ItemSpace space = ItemSpace.build(data.items(), embeddings(), new boolean[] {true, true}, new boolean[] {true, true}, 2, 5, 1,
                    true, pool, ProgressListener.none());
            BehaviourBridges b = BehaviourBridges.count(data.train(), data.items(), space, (u, t, s, out) -> { });
            assertArrayEquals(new int[] {4, 5}, b.successors(1, 1));
            assertArrayEquals(new int[] {2, 1}, b.successorCounts(1, 1));
            assertArrayEquals(new int[] {}, b.successors(1, 0), "item 0 is never followed by a Kitchen item");
            assertArrayEquals(new int[] {}, b.successors(0, 4), "no Food item follows a Kitchen item");
        }
    }

    @Test
    void behaviourBridgesNeverReadValidationOrTestItems() {
        List<String> without = bridges(BridgeScoring.BEHAVIOUR, 0.6, data(List.of(), List.of()));
        // Were these read, item 0 would have successor 5 (taken three times) and item 1 successor 3.
        List<EvaluationCase> valid = List.of(new EvaluationCase("valid.txt", "v1", History.of(0, 5, 1), 3),
                new EvaluationCase("valid.txt", "v2", History.of(0, 5), 5));
        List<EvaluationCase> test = List.of(new EvaluationCase("test.txt", "t1", History.of(0, 5, 1, 3, 1), 3));
        assertEquals(without, bridges(BridgeScoring.BEHAVIOUR, 0.6, data(valid, test)));
    }

    @Test
    void behaviourOnSyntheticDataBridgesAfterTheSourceItAndIsDeterministic() {
        CdsrDataset data = SyntheticDataset.generate(7);
        ItemEmbeddings e = ItemEmbeddings.encode(data.items(), new HashingEncoder(64), ItemTextTemplate.titles(), ProgressListener.none());
        Map<BridgeScoring, AugmentedData> by = new HashMap<>();
        for (BridgeScoring scoring : BridgeScoring.values()) {
            AugmentedData one = TransferableItemAugmenter.builder().bridges(scoring).similarityThreshold(0.3).clusters(8).threads(1).build()
                    .augment(data, e);
            AugmentedData two = TransferableItemAugmenter.builder().bridges(scoring).similarityThreshold(0.3).clusters(8).threads(2).build()
                    .augment(data, e);
            assertEquals(one.insertions(), two.insertions(), scoring + ": the thread count changes nothing");
            AugmentationChecks.checkSequences(data, one, true);
            assertTrue(one.insertions().size() > 300, scoring + " " + one.report());
            by.put(scoring, one);
        }
        assertTrue(!by.get(BridgeScoring.TEXT).insertions().equals(by.get(BridgeScoring.CSLS).insertions()));
        // Every similarity bridge passes tau; behavioural ones may not, and follow an occurrence of their source item.
        long belowTau = by.get(BridgeScoring.BEHAVIOUR).insertions().stream().filter(in -> in.similarity() < 0.3).count();
        assertTrue(belowTau > 0, "some behavioural bridges are below tau");
        AugmentationChecks.checkInsertions(data, e, by.get(BridgeScoring.CSLS).insertions(), 0.3, true);
        AugmentationChecks.checkInsertions(data, e, by.get(BridgeScoring.BEHAVIOUR).insertions(), 0.3, false);
    }

    @Test
    void aCapPerBridgeItemServesUsersInTrainingOrder() {
        CdsrDataset data = TransferableItemAugmenterTest.handMade(List.of());
        TransferableItemAugmenter.Builder b = TransferableItemAugmenter.builder().similarityThreshold(0.7).seed(1);
        AugmentedData uncapped = b.build().augment(data, TransferableItemAugmenterTest.handEmbeddings());
        assertEquals(List.of(4, 6, 4, 6, 2), uncapped.insertions().stream().map(Insertion::insertedItem).toList());
        AugmentedData capped = b.maxInsertionsPerBridgeItem(1).build().augment(data, TransferableItemAugmenterTest.handEmbeddings());
        assertEquals(List.of("1 0->4", "1 2->6", "4 6->2"), capped.insertions().stream()
                .map(in -> in.user() + " " + in.sourceItem() + "->" + in.insertedItem()).toList(),
                "user 2's grinder and user 3's mixer were taken by user 1");
        assertEquals(2, capped.report().droppedByInsertionCap());
        assertEquals(2, capped.report().usersAugmented(), "users 2 and 3 get nothing");
        AugmentationChecks.checkSequences(data, capped, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TransferableItemAugmenter.builder().maxInsertionsPerBridgeItem(0));
        assertEquals("maxInsertionsPerBridgeItem must be in [1, 2147483647], got 0", e.getMessage());
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class, () -> BatchAugmenter.of(
                TransferableItemAugmenter.builder().maxInsertionsPerBridgeItem(3).build(), data.items(),
                TransferableItemAugmenterTest.handEmbeddings(), new int[8]));
        assertTrue(batch.getMessage().contains("maxInsertionsPerBridgeItem 3"), batch.getMessage());
    }

    @Test
    void theScoringIsParsedAndNamed() {
        assertEquals(BridgeScoring.CSLS, BridgeScoring.parse(" CSLS "));
        assertEquals(BridgeScoring.BEHAVIOUR, BridgeScoring.parse("behavior"));
        assertEquals("behaviour", BridgeScoring.BEHAVIOUR.label());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BridgeScoring.parse("hubless"));
        assertEquals("bridges must be text, csls or behaviour, got 'hubless'", e.getMessage());
        assertEquals("bridges", assertThrows(NullPointerException.class, () -> TransferableItemAugmenter.builder().bridges(null))
                .getMessage());
    }
}
