package dev.llmedt.augment;

import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.UserSequence;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Augments one user: collects the user's source items, asks the {@link CandidateSource} for
 * candidates of each target domain, drops those below tau (behavioural candidates are exempt),
 * proposed twice (a behavioural candidate wins over a similarity one of the same item, then the
 * higher score) or already in the sequence, attaches each kept item to its source (a behavioural
 * candidate: the most recent occurrence of the item it was taken after; else the user's item of
 * highest cosine to it, ties: the most recent), and hands the bridges to the
 * {@link InsertionPlanner}. Every candidate is counted in the worker's {@link AugmentationCounts}.
 *
 * <p>Immutable and thread-safe: workers share one instance, each with its own counts.
 */
final class UserAugmenter {

    private final ItemCatalog catalog;
    private final ItemSpace items;
    private final CandidateSource candidates;
    private final InsertionPlanner planner;
    private final float tau;

    UserAugmenter(ItemCatalog catalog, ItemSpace items, CandidateSource candidates, InsertionPlanner planner, float tau) {
        this.catalog = catalog;
        this.items = items;
        this.candidates = candidates;
        this.planner = planner;
        this.tau = tau;
    }

    /**
     * Augments one chosen user.
     *
     * @param user the user's index in training order
     * @param s the user's training sequence
     * @param plan the user's dominant and target domains
     * @param counts receives the counts of this user
     */
    InsertionPlanner.Placed augment(int user, UserSequence s, ImbalancedUsers.Plan plan, AugmentationCounts counts) {
        List<InsertionPlanner.Bridge> bridges = bridges(user, s, plan, counts);
        return place(user, s, bridges, counts);
    }

    /** Caps a user's bridges and places them, counting what the cap drops and what is inserted. */
    InsertionPlanner.Placed place(int user, UserSequence s, List<InsertionPlanner.Bridge> bridges, AugmentationCounts counts) {
        List<InsertionPlanner.Bridge> chosen = planner.cap(bridges);
        counts.beyondInsertionCap(bridges.size() - chosen.size());
        InsertionPlanner.Placed placed = planner.place(user, s, chosen);
        counts.userInsertions(placed.insertions().size());
        return placed;
    }

    /**
     * Returns one chosen user's bridges: every candidate that passed the filters, attached to its
     * source position, before the caps.
     */
    List<InsertionPlanner.Bridge> bridges(int user, UserSequence s, ImbalancedUsers.Plan plan, AugmentationCounts counts) {
        History h = s.items();
        Domain source = catalog.domains().get(plan.dominant());
        // Source positions with text; distinct source items without text are counted.
        int[] positions = new int[h.length()];
        int m = 0;
        Set<Integer> withoutText = new HashSet<>();
        Set<Integer> distinctSources = new LinkedHashSet<>();
        for (int i = 0; i < h.length(); i++) {
            int item = h.item(i);
            if (source.contains(item)) {
                if (!items.hasText(item)) {
                    withoutText.add(item);
                } else {
                    positions[m++] = i;
                    distinctSources.add(item);
                }
            }
        }
        counts.sourceItemsWithoutText(withoutText.size());
        List<CandidateSource.Candidate> proposed = new ArrayList<>();
        for (int t : plan.targets()) {
            candidates.propose(user, t, distinctSources, proposed);
        }
        List<CandidateSource.Candidate> passed = new ArrayList<>(proposed.size());
        for (CandidateSource.Candidate c : proposed) {
            counts.candidate();
            if (c.behavioural() || c.score() >= tau) {
                passed.add(c);
            } else {
                counts.belowThreshold();
            }
        }
        // The best proposal of each item (behaviour first, then the score); items the user has are not new behaviour.
        passed.sort(Comparator.comparing((CandidateSource.Candidate c) -> !c.behavioural()).thenComparingDouble(c -> -c.score())
                .thenComparingInt(CandidateSource.Candidate::item));
        Set<Integer> taken = new HashSet<>();
        List<InsertionPlanner.Bridge> bridges = new ArrayList<>();
        for (CandidateSource.Candidate c : passed) {
            if (!taken.add(c.item())) {
                counts.duplicate();
            } else if (h.contains(c.item())) {
                counts.inSequence();
            } else {
                int best = -1;
                float bestCos = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < m; k++) {
                    int from = h.item(positions[k]);
                    if (c.behavioural() && from != c.sourceItem()) {
                        continue;
                    }
                    float cos = items.cosine(from, c.item());
                    if (cos >= bestCos) {
                        bestCos = cos;
                        best = positions[k];
                    }
                }
                if (best < 0) {
                    // Candidates come from source items with text (offline) or from prompts listing them.
                    throw new IllegalStateException("user " + s.user() + " of " + s.source() + " has a candidate but no source item with text");
                }
                bridges.add(new InsertionPlanner.Bridge(c.item(), best, bestCos, c.match(), items.cluster(h.item(best)), c.behavioural()));
            }
        }
        return bridges;
    }
}
