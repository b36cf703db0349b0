package dev.llmedt.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.augment.AugmentedData;
import dev.llmedt.augment.AugmentedSequence;
import dev.llmedt.augment.Insertion;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.History;
import dev.llmedt.data.UserSequence;
import dev.llmedt.text.ItemEmbeddings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The acceptance checks of the augmenter, over every insertion of an output. */
public final class AugmentationChecks {

    private AugmentationChecks() {
    }

    /** The cosine of two items in double precision. */
    public static double cosine(ItemEmbeddings e, int a, int b) {
        float[] x = e.vector(a);
        float[] y = e.vector(b);
        double s = 0;
        for (int f = 0; f < x.length; f++) {
            s += (double) x[f] * y[f];
        }
        return s;
    }

    /**
     * Checks every insertion: it names a training sequence and its source item at {@code position};
     * the inserted item belongs to another domain than the source; its similarity is the cosine of
     * the two items' vectors (within {@code 1e-5}, what 6 written decimals allow) and at least tau.
     *
     * @param checkTau whether similarity must be at least tau (offline mode)
     * @return the number of insertions checked
     */
    public static int checkInsertions(CdsrDataset data, ItemEmbeddings embeddings, List<Insertion> insertions, double tau,
            boolean checkTau) {
        Map<String, UserSequence> byKey = new HashMap<>();
        for (UserSequence s : data.train()) {
            byKey.put(s.source() + "\t" + s.user(), s);
        }
        for (Insertion in : insertions) {
            UserSequence s = byKey.get(in.file() + "\t" + in.user());
            assertNotNull(s, "insertion names no training sequence: " + in);
            assertTrue(in.position() < s.length(), "position beyond the sequence: " + in);
            assertEquals(s.items().item(in.position()), in.sourceItem(), "source_item is the item at position: " + in);
            assertNotEquals(data.items().domainOf(in.sourceItem()), data.items().domainOf(in.insertedItem()),
                    "inserted item of the source's domain: " + in);
            assertEquals(cosine(embeddings, in.sourceItem(), in.insertedItem()), in.similarity(), 1e-5, "similarity: " + in);
            if (checkTau) {
                assertTrue(in.similarity() >= tau, "similarity below tau " + tau + ": " + in);
            }
        }
        return insertions.size();
    }

    /**
     * Checks that the augmented sequences are the training sequences, in order, with exactly the
     * insertions added, each marked, and (for after-source placement) each right after its source
     * item or after another item inserted after the same source.
     */
    public static void checkSequences(CdsrDataset data, AugmentedData augmented, boolean afterSource) {
        List<AugmentedSequence> seqs = augmented.sequences();
        assertEquals(data.train().size(), seqs.size());
        Map<String, List<Insertion>> byKey = new HashMap<>();
        for (Insertion in : augmented.insertions()) {
            byKey.computeIfAbsent(in.file() + "\t" + in.user(), k -> new ArrayList<>()).add(in);
        }
        for (int u = 0; u < seqs.size(); u++) {
            UserSequence original = data.train().get(u);
            AugmentedSequence s = seqs.get(u);
            assertEquals(original.source(), s.source());
            assertEquals(original.user(), s.user());
            List<Insertion> ins = byKey.getOrDefault(s.source() + "\t" + s.user(), List.of());
            assertEquals(ins.size(), s.insertedCount(), "inserted count of " + s);
            List<Integer> kept = new ArrayList<>();
            int[] originalPosition = new int[s.length()];
            Insertion[] at = new Insertion[s.length()];
            int k = 0;
            int next = 0;
            for (int p = 0; p < s.length(); p++) {
                if (s.isInserted(p)) {
                    Insertion in = ins.get(next++);
                    at[p] = in;
                    assertEquals(in.insertedItem(), s.items().item(p), "insertions are listed in sequence order");
                    assertEquals(augmented.insertedItemsAreTargets(), s.isTrainingTarget(p), "inserted items are targets only if so set");
                    originalPosition[p] = -1;
                    if (afterSource) {
                        int q = p - 1;
                        while (q >= 0 && s.isInserted(q)) {
                            assertEquals(in.position(), at[q].position(), "between item " + p + " and its source, only items of the same source");
                            q--;
                        }
                        assertTrue(q >= 0 && originalPosition[q] == in.position(),
                                "item inserted at " + p + " of " + s + " is not right after its source at " + in.position());
                    }
                } else {
                    assertTrue(s.isTrainingTarget(p));
                    kept.add(s.items().item(p));
                    originalPosition[p] = k++;
                }
            }
            assertEquals(original.items(), History.of(kept.stream().mapToInt(Integer::intValue).toArray()),
                    "removing the inserted items gives back the training sequence");
        }
    }
}
