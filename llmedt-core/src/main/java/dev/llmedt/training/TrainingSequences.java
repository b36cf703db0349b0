package dev.llmedt.training;

import dev.llmedt.augment.AugmentedData;
import dev.llmedt.augment.AugmentedSequence;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.UserSequence;
import dev.llmedt.engine.Rng;
import java.util.Arrays;
import java.util.List;

/**
 * Training sequences as the trainers read them: items as global ids (original and inserted),
 * which positions may be targets (inserted items are context unless the augmenter said otherwise)
 * and the loss weight of each target (1, inserted items possibly less),
 * the sorted distinct items of each sequence (negatives avoid them) and each item's domain.
 * <b>Internal</b>: shared by the SASRec trainer and LLM-EDT's two phases.
 */
public final class TrainingSequences {

    /** Per sequence: its items, oldest first. */
    public final int[][] items;
    /** Per sequence and position: may the item be a training target. */
    public final boolean[][] target;
    /** Per sequence and position: the loss weight of the item as a target (0 when it is none; 1 for original items). */
    public final float[][] weight;
    /** Per sequence: its distinct items, sorted. */
    public final int[][] sortedUnique;
    /** Per global item id: its domain's index. */
    public final int[] domainOfItem;
    /** The domains. */
    public final List<Domain> domains;
    /** Positions that hold an inserted item. */
    public final long insertedItems;

    /** Sequences whose every position may be a target (plain training data). */
    public TrainingSequences(List<int[]> sequences, List<Domain> domains, int catalogSize) {
        this.domains = List.copyOf(domains);
        this.domainOfItem = domainOfItem(domains, catalogSize);
        int n = sequences.size();
        items = new int[n][];
        target = new boolean[n][];
        weight = new float[n][];
        sortedUnique = new int[n][];
        for (int s = 0; s < n; s++) {
            items[s] = sequences.get(s).clone();
            target[s] = new boolean[items[s].length];
            Arrays.fill(target[s], true);
            weight[s] = new float[items[s].length];
            Arrays.fill(weight[s], 1f);
            sortedUnique[s] = Arrays.stream(items[s]).distinct().sorted().toArray();
        }
        insertedItems = 0;
    }

    private static int[] domainOfItem(List<Domain> domains, int catalogSize) {
        int[] of = new int[catalogSize];
        for (Domain d : domains) {
            Arrays.fill(of, d.firstItem(), d.endItem(), d.index());
        }
        return of;
    }

    /**
     * The training sequences of a dataset in {@code data.train()} order, augmented when
     * {@code augmented} is not null.
     *
     * @throws IllegalArgumentException when the augmented data was made from other training sequences
     */
    public TrainingSequences(CdsrDataset data, AugmentedData augmented) {
        domains = data.domains();
        domainOfItem = domainOfItem(domains, data.items().size());
        List<UserSequence> train = data.train();
        int n = train.size();
        items = new int[n][];
        target = new boolean[n][];
        weight = new float[n][];
        sortedUnique = new int[n][];
        long inserted = 0;
        if (augmented != null && augmented.sequences().size() != n) {
            throw new IllegalArgumentException("the augmented data holds " + augmented.sequences().size() + " sequences but "
                    + data.name() + " has " + n + " training sequences: it was made for another dataset");
        }
        for (int s = 0; s < n; s++) {
            if (augmented == null) {
                items[s] = train.get(s).items().toArray();
                target[s] = new boolean[items[s].length];
                Arrays.fill(target[s], true);
                weight[s] = new float[items[s].length];
                Arrays.fill(weight[s], 1f);
            } else {
                AugmentedSequence a = augmented.sequences().get(s);
                UserSequence original = train.get(s);
                if (!a.source().equals(original.source()) || !a.user().equals(original.user())) {
                    throw new IllegalArgumentException("augmented sequence " + s + " belongs to " + a.source() + " user " + a.user()
                            + ", the training data has " + original.source() + " user " + original.user() + " there");
                }
                items[s] = a.items().toArray();
                target[s] = new boolean[items[s].length];
                weight[s] = new float[items[s].length];
                for (int p = 0; p < items[s].length; p++) {
                    target[s][p] = a.isTrainingTarget(p);
                    weight[s][p] = a.targetWeight(p);
                    if (a.isInserted(p)) {
                        inserted++;
                    }
                }
            }
            sortedUnique[s] = Arrays.stream(items[s]).distinct().sorted().toArray();
        }
        insertedItems = inserted;
    }

    /** Returns whether some target has a weight other than 1. */
    public boolean weighted() {
        for (int s = 0; s < items.length; s++) {
            for (int p = 0; p < items[s].length; p++) {
                if (target[s][p] && weight[s][p] != 1f) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Returns the number of sequences. */
    public int size() {
        return items.length;
    }

    /**
     * A uniform item of the target's domain that is not in the sequence (the reference draws from
     * the input item's domain; METHOD section 3 explains the fix), from the sequence's stream.
     */
    public int negative(int targetItem, int sequence, long[] streams, int stream) {
        Domain d = domains.get(domainOfItem[targetItem]);
        int[] own = sortedUnique[sequence];
        for (int attempt = 0; attempt < 1000; attempt++) {
            int candidate = d.firstItem() + Rng.nextInt(streams, stream, d.size());
            if (Arrays.binarySearch(own, candidate) < 0) {
                return candidate;
            }
        }
        return d.firstItem() + Rng.nextInt(streams, stream, d.size()); // the user holds nearly the whole domain
    }

    /** Returns a seeded permutation of {@code [0, n)} (Fisher-Yates on a SplitMix stream). */
    public static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        long[] state = {seed};
        for (int i = n - 1; i > 0; i--) {
            int j = Rng.nextInt(state, 0, i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
