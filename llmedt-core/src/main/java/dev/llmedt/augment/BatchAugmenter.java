package dev.llmedt.augment;

import dev.llmedt.progress.ProgressListener;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.UserSequence;
import dev.llmedt.engine.WorkerPool;
import dev.llmedt.text.ItemEmbeddings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * The {@link TransferableItemAugmenter} taken apart for data-parallel engines such as Spark: the
 * item clusters are computed once ({@link #clusterItems}, on one machine), then any number of
 * workers each hold a {@code BatchAugmenter} and augment batches of users in any order, with the
 * nearest-item search (or the generator calls) done per batch. Every user gets exactly the
 * sequence and insertions that {@link TransferableItemAugmenter#augment} gives them, provided each
 * user is passed with their index in training order and the same choice of users (see
 * {@link #selectUsers} when {@code maxUsers} caps them).
 *
 * <pre>{@code
 * int[] clusters = BatchAugmenter.clusterItems(augmenter, catalog, embeddings, 4);   // once
 * BatchAugmenter batches = BatchAugmenter.of(augmenter, catalog, embeddings, clusters); // per worker
 * List<BatchAugmenter.Result> out = batches.augment(indices, sequences, u -> true);
 * }</pre>
 *
 * <p>Each result carries the user's {@link UserCounts}: summed over every user they give the
 * counts of the {@link AugmentationReport} of the one-machine run (see {@link UserCounts}), so an
 * engine can aggregate the report wherever the results are.
 *
 * <p>Immutable and thread-safe (as are the augmenter's generator and encoder).
 */
public final class BatchAugmenter {

    /**
     * One user's result.
     *
     * @param userIndex the user's index in training order
     * @param sequence the user's sequence with inserted items marked (unchanged when not augmented)
     * @param insertions the user's insertions, in order of their place in the sequence
     * @param counts the user's terms of the augmentation report
     */
    public record Result(int userIndex, AugmentedSequence sequence, List<Insertion> insertions, UserCounts counts) {

        /** Checks the values. */
        public Result {
            Objects.requireNonNull(sequence, "sequence");
            insertions = List.copyOf(insertions);
            Objects.requireNonNull(counts, "counts");
        }
    }

    /**
     * One user's terms of the {@link AugmentationReport}. Summed over every training user:
     * {@code imbalanced} (as 0/1) gives {@link AugmentationReport#imbalancedUsers()},
     * {@code skippedByCap} gives {@link AugmentationReport#usersSkippedByCap()}, and each count gives
     * the report's field of the same name; the report's {@code clusters} lists, in domain order, the
     * domains that are some user's {@code sourceDomain}. Insertions, augmented users, mean
     * similarities, interactions and histograms follow from the results' sequences and insertions.
     *
     * @param imbalanced whether the user qualifies (some domain's share below the minor-share threshold)
     * @param skippedByCap whether the user qualifies but was not chosen (the user cap)
     * @param sourceDomain the index of the user's dominant domain when the user was chosen, else -1
     * @param sourceItemsWithoutText see {@link AugmentationReport#sourceItemsWithoutText()}
     * @param generatorCalls see {@link AugmentationReport#generatorCalls()}
     * @param generatorFailures see {@link AugmentationReport#generatorFailures()}
     * @param unparsableAnswers see {@link AugmentationReport#unparsableAnswers()}
     * @param generatedTexts see {@link AugmentationReport#generatedTexts()}
     * @param generatedTextsBeyondLimit see {@link AugmentationReport#generatedTextsBeyondLimit()}
     * @param candidates see {@link AugmentationReport#candidates()}
     * @param droppedBelowThreshold see {@link AugmentationReport#droppedBelowThreshold()}
     * @param droppedDuplicates see {@link AugmentationReport#droppedDuplicates()}
     * @param droppedInSequence see {@link AugmentationReport#droppedInSequence()}
     * @param droppedByInsertionCap see {@link AugmentationReport#droppedByInsertionCap()}
     */
    public record UserCounts(boolean imbalanced, boolean skippedByCap, int sourceDomain, long sourceItemsWithoutText, long generatorCalls,
            long generatorFailures, long unparsableAnswers, long generatedTexts, long generatedTextsBeyondLimit, long candidates,
            long droppedBelowThreshold, long droppedDuplicates, long droppedInSequence, long droppedByInsertionCap) {
    }

    private final TransferableItemAugmenter augmenter;
    private final ItemCatalog catalog;
    private final ItemSpace items;
    private final InsertionPlanner planner;

    private BatchAugmenter(TransferableItemAugmenter augmenter, ItemCatalog catalog, ItemSpace items) {
        this.augmenter = augmenter;
        this.catalog = catalog;
        this.items = items;
        TransferableItemAugmenter.Settings s = augmenter.settings();
        this.planner = new InsertionPlanner(s.insertion(), s.maxInsertionsPerUser(), s.insertedItemsAreTargets(),
                (float) s.insertedTargetWeight(), s.seed());
    }

    /**
     * Clusters the items with text of every domain by the augmenter's k-means settings (the
     * clusters {@link TransferableItemAugmenter#augment} computes for its source domains).
     *
     * @param threads worker threads, at least 1
     * @return per global item id, its cluster within its domain, or -1 for an item without text
     * @throws IllegalArgumentException when the embeddings do not fit the catalog or the generator's encoder
     */
    public static int[] clusterItems(TransferableItemAugmenter augmenter, ItemCatalog catalog, ItemEmbeddings embeddings, int threads) {
        Objects.requireNonNull(augmenter, "augmenter");
        augmenter.checkEmbeddings(catalog, embeddings, "the catalog");
        int domains = catalog.domains().size();
        boolean[] all = new boolean[domains];
        Arrays.fill(all, true);
        TransferableItemAugmenter.Settings s = augmenter.settings();
        try (WorkerPool pool = new WorkerPool(threads)) {
            return ItemSpace.build(catalog, embeddings, all, new boolean[domains], s.clusters(), s.kMeansIterations(), s.seed(), false, pool,
                    ProgressListener.none()).clusters();
        }
    }

    /**
     * Prepares a worker's augmenter: the item vectors, the given clusters and an exact cosine index
     * over the items with text of every domain.
     *
     * @param clusters the result of {@link #clusterItems} for the same augmenter settings, catalog and embeddings
     * @throws IllegalArgumentException when the clusters or embeddings do not fit the catalog, or the
     *     augmenter takes bridges from behaviour (counted over every training sequence, which a
     *     batch does not see) or caps insertions per bridge item (over every user)
     */
    public static BatchAugmenter of(TransferableItemAugmenter augmenter, ItemCatalog catalog, ItemEmbeddings embeddings, int[] clusters) {
        Objects.requireNonNull(augmenter, "augmenter");
        augmenter.checkEmbeddings(catalog, embeddings, "the catalog");
        if (clusters.length != catalog.size()) {
            throw new IllegalArgumentException(clusters.length + " item clusters for a catalog of " + catalog.size() + " items");
        }
        BridgeScoring scoring = augmenter.settings().bridges();
        if (scoring == BridgeScoring.BEHAVIOUR && !augmenter.usesGenerator()) {
            throw new IllegalArgumentException("bridges " + scoring.label() + " counts transitions over every training sequence; "
                    + "the batch augmenter supports text and csls");
        }
        if (augmenter.settings().maxInsertionsPerBridgeItem() < Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxInsertionsPerBridgeItem " + augmenter.settings().maxInsertionsPerBridgeItem()
                    + " is applied over every user in training order; the batch augmenter supports no cap per bridge item");
        }
        boolean csls = scoring == BridgeScoring.CSLS && !augmenter.usesGenerator();
        try (WorkerPool pool = new WorkerPool(1)) {
            return new BatchAugmenter(augmenter, catalog, ItemSpace.of(catalog, embeddings, clusters, csls, pool));
        }
    }

    /**
     * Returns whether a user qualifies for augmentation: some domain's share of their items is
     * below the minor-share threshold (always false with a single domain).
     *
     * @throws IllegalArgumentException when the sequence names an item outside the catalog
     */
    public boolean isImbalanced(UserSequence sequence) {
        checkItems(sequence);
        return catalog.domains().size() >= 2
                && ImbalancedUsers.plan(sequence.items(), catalog, augmenter.settings().minorShareThreshold()) != null;
    }

    /**
     * The users augmented when more qualify than {@code maxUsers} allows: the same seeded choice as
     * {@link TransferableItemAugmenter#augment}.
     *
     * @param imbalanced the training indices of every qualifying user, ascending
     * @return the chosen indices, ascending (all of them when they are at most {@code maxUsers})
     */
    public List<Integer> selectUsers(List<Integer> imbalanced) {
        TransferableItemAugmenter.Settings s = augmenter.settings();
        return ImbalancedUsers.select(imbalanced, s.maxUsers(), s.seed());
    }

    /**
     * Augments a batch of users: the nearest-item search (or the generator's prompts) for the whole
     * batch at once, then each user.
     *
     * @param userIndices each user's index in training order (seeds random insertion)
     * @param sequences the users' training sequences, in the same order
     * @param chosen whether a qualifying user is augmented (all, without a user cap); users who do not
     *     qualify or are not chosen come back unchanged
     * @param threads worker threads for the search, at least 1
     * @return one result per user, in input order
     * @throws IllegalArgumentException when the lists differ in length or a sequence names an unknown item
     */
    public List<Result> augment(List<Integer> userIndices, List<UserSequence> sequences, IntPredicate chosen, int threads) {
        if (userIndices.size() != sequences.size()) {
            throw new IllegalArgumentException(userIndices.size() + " user indices for " + sequences.size() + " sequences");
        }
        int n = sequences.size();
        ImbalancedUsers.Plan[] plans = new ImbalancedUsers.Plan[n];
        boolean[] imbalanced = new boolean[n];
        List<Integer> selected = new ArrayList<>();
        AugmentationCounts[] counts = new AugmentationCounts[n];
        for (int k = 0; k < n; k++) {
            UserSequence s = sequences.get(k);
            checkItems(s);
            counts[k] = new AugmentationCounts();
            if (catalog.domains().size() >= 2) {
                ImbalancedUsers.Plan plan = ImbalancedUsers.plan(s.items(), catalog, augmenter.settings().minorShareThreshold());
                imbalanced[k] = plan != null;
                if (plan != null && chosen.test(userIndices.get(k))) {
                    plans[k] = plan;
                    selected.add(k);
                }
            }
        }
        ImbalancedUsers users = ImbalancedUsers.of(plans, selected);
        List<Result> out = new ArrayList<>(n);
        try (WorkerPool pool = new WorkerPool(threads)) {
            GeneratedCandidates.Generation generation = augmenter.generation();
            CandidateSource batch = generation == null
                    ? NearestItemCandidates.search(sequences, users, catalog, items, augmenter.settings().bridges() == BridgeScoring.CSLS,
                            pool, ProgressListener.none())
                    : GeneratedCandidates.generate(generation, sequences, users, catalog, items, pool, ProgressListener.none(), k -> counts[k]);
            // The user augmenter asks by training index; the batch's candidates are keyed by position in the batch.
            int[] current = new int[1];
            CandidateSource byPosition = (user, target, sourceItems, found) -> batch.propose(current[0], target, sourceItems, found);
            UserAugmenter userAugmenter = new UserAugmenter(catalog, items, byPosition, planner,
                    (float) augmenter.settings().similarityThreshold());
            for (int k = 0; k < n; k++) {
                int u = userIndices.get(k);
                InsertionPlanner.Placed placed;
                if (plans[k] == null) {
                    placed = planner.unchanged(sequences.get(k));
                } else {
                    current[0] = k;
                    placed = userAugmenter.augment(u, sequences.get(k), plans[k], counts[k]);
                }
                UserCounts c = counts[k].userCounts(imbalanced[k], imbalanced[k] && plans[k] == null, plans[k] == null ? -1 : plans[k].dominant());
                out.add(new Result(u, placed.sequence(), placed.insertions(), c));
            }
        }
        return out;
    }

    private void checkItems(UserSequence s) {
        for (int i = 0; i < s.items().length(); i++) {
            int item = s.items().item(i);
            if (!catalog.isItem(item)) {
                throw new IllegalArgumentException("user " + s.user() + " of " + s.source() + " has item " + item + " at position " + i
                        + ", which is not in the catalog; item ids are 0.." + (catalog.size() - 1));
            }
        }
    }
}
