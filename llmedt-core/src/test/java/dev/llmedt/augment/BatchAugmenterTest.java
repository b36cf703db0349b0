package dev.llmedt.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.progress.ProgressListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.History;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.data.UserSequence;
import dev.llmedt.testing.HashingEncoder;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.TextGenerator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Augmenting users in batches, in any order, gives what the one-machine augmenter gives. */
class BatchAugmenterTest {

    private static final CdsrDataset DATA = SyntheticDataset.generate(new SyntheticDataset.Options(3, 8, 120, 160, 100, 20));
    private static final ItemEmbeddings EMBEDDINGS = ItemEmbeddings.encode(DATA.items(), new HashingEncoder(32),
            ItemTextTemplate.titles(), ProgressListener.none());

    /** Augments the training users in shuffled batches of 23 and returns the results in training order. */
    private static List<BatchAugmenter.Result> inBatches(TransferableItemAugmenter augmenter) {
        int[] clusters = BatchAugmenter.clusterItems(augmenter, DATA.items(), EMBEDDINGS, 2);
        BatchAugmenter batches = BatchAugmenter.of(augmenter, DATA.items(), EMBEDDINGS, clusters);
        List<UserSequence> train = DATA.train();
        List<Integer> imbalanced = new ArrayList<>();
        for (int u = 0; u < train.size(); u++) {
            if (batches.isImbalanced(train.get(u))) {
                imbalanced.add(u);
            }
        }
        Set<Integer> chosen = new HashSet<>(batches.selectUsers(imbalanced));
        List<Integer> order = new ArrayList<>();
        for (int u = 0; u < train.size(); u++) {
            order.add(u);
        }
        Collections.shuffle(order, new Random(7));
        BatchAugmenter.Result[] byUser = new BatchAugmenter.Result[train.size()];
        for (int from = 0; from < order.size(); from += 23) {
            List<Integer> ids = order.subList(from, Math.min(order.size(), from + 23));
            List<UserSequence> seqs = new ArrayList<>();
            for (int u : ids) {
                seqs.add(train.get(u));
            }
            for (BatchAugmenter.Result r : batches.augment(ids, seqs, chosen::contains, 1)) {
                byUser[r.userIndex()] = r;
            }
        }
        return List.of(byUser);
    }

    private static void assertSame(TransferableItemAugmenter augmenter) {
        AugmentedData whole = augmenter.augment(DATA, EMBEDDINGS);
        List<BatchAugmenter.Result> batched = inBatches(augmenter);
        List<Insertion> insertions = new ArrayList<>();
        for (int u = 0; u < batched.size(); u++) {
            AugmentedSequence expected = whole.sequences().get(u);
            AugmentedSequence actual = batched.get(u).sequence();
            assertEquals(expected.items(), actual.items(), "user " + u);
            for (int p = 0; p < expected.length(); p++) {
                assertEquals(expected.isInserted(p), actual.isInserted(p), "user " + u + " position " + p);
                assertEquals(expected.isTrainingTarget(p), actual.isTrainingTarget(p), "user " + u + " position " + p);
            }
            insertions.addAll(batched.get(u).insertions());
        }
        assertEquals(whole.insertions(), insertions);
        assertCountsSumToTheReport(whole.report(), batched);
    }

    /** The users' counts, summed, are the counts of the one-machine report. */
    private static void assertCountsSumToTheReport(AugmentationReport expected, List<BatchAugmenter.Result> batched) {
        long[] sum = new long[13];
        boolean[] source = new boolean[DATA.domains().size()];
        for (BatchAugmenter.Result r : batched) {
            BatchAugmenter.UserCounts c = r.counts();
            long[] terms = {c.imbalanced() ? 1 : 0, c.skippedByCap() ? 1 : 0, c.sourceItemsWithoutText(), c.generatorCalls(),
                c.generatorFailures(), c.unparsableAnswers(), c.generatedTexts(), c.generatedTextsBeyondLimit(), c.candidates(),
                c.droppedBelowThreshold(), c.droppedDuplicates(), c.droppedInSequence(), c.droppedByInsertionCap()};
            for (int i = 0; i < terms.length; i++) {
                sum[i] += terms[i];
            }
            assertEquals(c.sourceDomain() >= 0, c.imbalanced() && !c.skippedByCap(), "user " + r.userIndex());
            if (c.sourceDomain() >= 0) {
                source[c.sourceDomain()] = true;
            }
        }
        long[] report = {expected.imbalancedUsers(), expected.usersSkippedByCap(), expected.sourceItemsWithoutText(),
            expected.generatorCalls(), expected.generatorFailures(), expected.unparsableAnswers(), expected.generatedTexts(),
            expected.generatedTextsBeyondLimit(), expected.candidates(), expected.droppedBelowThreshold(), expected.droppedDuplicates(),
            expected.droppedInSequence(), expected.droppedByInsertionCap()};
        assertEquals(java.util.Arrays.toString(report), java.util.Arrays.toString(sum));
        assertTrue(expected.candidates() > 0 && expected.imbalancedUsers() > 0);
        List<String> sources = new ArrayList<>();
        for (int d = 0; d < source.length; d++) {
            if (source[d]) {
                sources.add(DATA.domains().get(d).name());
            }
        }
        assertEquals(new ArrayList<>(expected.clusters().keySet()), sources);
    }

    @Test
    void offlineBatchesEqualTheWholeRun() {
        TransferableItemAugmenter augmenter = TransferableItemAugmenter.builder().similarityThreshold(0.2).clusters(4).seed(11).build();
        assertTrue(augmenter.augment(DATA, EMBEDDINGS).insertions().size() > 50, "the comparison needs insertions");
        assertSame(augmenter);
    }

    @Test
    void cappedUsersAndRandomPlacementEqualTheWholeRun() {
        TransferableItemAugmenter augmenter = TransferableItemAugmenter.builder().similarityThreshold(0.1).clusters(3).maxUsers(40)
                .insertion(InsertionStrategy.RANDOM).maxInsertionsPerUser(2).seed(5).build();
        AugmentedData whole = augmenter.augment(DATA, EMBEDDINGS);
        assertTrue(whole.report().usersSkippedByCap() > 0, "the cap must leave users out");
        assertSame(augmenter);
    }

    @Test
    void generatedCandidatesEqualTheWholeRun() {
        // Answers depend only on the prompt, as a cached or deterministic generator's do.
        List<String> titles = new ArrayList<>();
        for (int i = 0; i < DATA.items().size(); i++) {
            titles.add(DATA.items().item(i).title());
        }
        TextGenerator generator = new TextGenerator() {
            @Override
            public String modelId() {
                return "echo";
            }

            @Override
            public String generate(String prompt) {
                int h = Math.floorMod(prompt.hashCode(), titles.size());
                return "1. " + titles.get(h) + "\n2. " + titles.get((h * 7 + 3) % titles.size());
            }
        };
        TransferableItemAugmenter augmenter = TransferableItemAugmenter.builder().similarityThreshold(0.1).clusters(3).seed(2)
                .generator(generator, new HashingEncoder(32)).build();
        assertTrue(augmenter.augment(DATA, EMBEDDINGS).insertions().size() > 10, "the comparison needs insertions");
        assertSame(augmenter);
    }

    @Test
    void unknownItemsAndMismatchedClustersAreNamed() {
        TransferableItemAugmenter augmenter = TransferableItemAugmenter.builder().build();
        int[] clusters = BatchAugmenter.clusterItems(augmenter, DATA.items(), EMBEDDINGS, 1);
        IllegalArgumentException shortClusters = assertThrows(IllegalArgumentException.class,
                () -> BatchAugmenter.of(augmenter, DATA.items(), EMBEDDINGS, new int[3]));
        assertTrue(shortClusters.getMessage().contains("3 item clusters"), shortClusters.getMessage());
        BatchAugmenter batches = BatchAugmenter.of(augmenter, DATA.items(), EMBEDDINGS, clusters);
        UserSequence bad = new UserSequence("train_A.txt", "u9", History.of(0, DATA.items().size() + 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> batches.augment(List.of(0), List.of(bad), u -> true, 1));
        assertTrue(e.getMessage().contains("user u9") && e.getMessage().contains("position 1"), e.getMessage());
        assertFalse(batches.isImbalanced(new UserSequence("train_A.txt", "u1", History.of(0, DATA.domains().get(1).firstItem()))));
    }
}
