package dev.llmedt.augment;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.engine.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is augmented: the training users with a domain whose share of their items is below the
 * minor-share threshold, their dominant domain and the domains to bridge to, and the seeded choice
 * among them when more qualify than the user cap allows.
 *
 * <p>Immutable.
 */
final class ImbalancedUsers {

    private static final Logger LOG = LoggerFactory.getLogger(ImbalancedUsers.class);

    /**
     * One augmented user's domains.
     *
     * @param dominant the domain holding most of the user's items (ties: the lowest index), whose
     *     items are the user's source items
     * @param targets the other domains whose share is below the threshold, in index order
     */
    record Plan(int dominant, int[] targets) {

        boolean targets(int domain) {
            for (int t : targets) {
                if (t == domain) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Plan[] plans;
    private final int imbalanced;
    private final List<Integer> selected;

    private ImbalancedUsers(Plan[] plans, int imbalanced, List<Integer> selected) {
        this.plans = plans;
        this.imbalanced = imbalanced;
        this.selected = Collections.unmodifiableList(selected);
    }

    /**
     * Finds the imbalanced training users of {@code data} and chooses those to augment.
     *
     * @param minorShareThreshold a domain below this share of a user's items is a target
     * @param maxUsers at most this many users are chosen, by a seeded shuffle when more qualify
     * @param seed seeds the choice
     */
    static ImbalancedUsers find(CdsrDataset data, double minorShareThreshold, int maxUsers, long seed) {
        ItemCatalog catalog = data.items();
        int users = data.train().size();
        Plan[] plans = new Plan[users];
        List<Integer> imbalanced = new ArrayList<>();
        if (catalog.domains().size() < 2) {
            LOG.warn("dataset {} has a single domain: there is nothing to bridge to, no user is augmented", data.name());
        } else {
            for (int u = 0; u < users; u++) {
                plans[u] = plan(data.train().get(u).items(), catalog, minorShareThreshold);
                if (plans[u] != null) {
                    imbalanced.add(u);
                }
            }
        }
        List<Integer> selected = select(imbalanced, maxUsers, seed);
        boolean[] chosen = new boolean[users];
        for (int u : selected) {
            chosen[u] = true;
        }
        for (int u : imbalanced) {
            if (!chosen[u]) {
                plans[u] = null;
            }
        }
        return new ImbalancedUsers(plans, imbalanced.size(), selected);
    }

    /** The user's dominant domain and target domains, or null when no domain's share is below the threshold. */
    static Plan plan(History h, ItemCatalog catalog, double minorShareThreshold) {
        int[] counts = new int[catalog.domains().size()];
        for (int i = 0; i < h.length(); i++) {
            counts[catalog.item(h.item(i)).domain()]++;
        }
        int dominant = 0;
        for (int d = 1; d < counts.length; d++) {
            if (counts[d] > counts[dominant]) {
                dominant = d;
            }
        }
        int[] targets = new int[counts.length];
        int n = 0;
        for (int d = 0; d < counts.length; d++) {
            if (d != dominant && (double) counts[d] / h.length() < minorShareThreshold) {
                targets[n++] = d;
            }
        }
        return n == 0 ? null : new Plan(dominant, Arrays.copyOf(targets, n));
    }

    /** All imbalanced users, or a seeded choice of {@code maxUsers} of them; in training order. */
    static List<Integer> select(List<Integer> imbalanced, int maxUsers, long seed) {
        if (imbalanced.size() <= maxUsers) {
            return imbalanced;
        }
        long[] keys = new long[imbalanced.size()];
        Integer[] order = new Integer[imbalanced.size()];
        for (int k = 0; k < keys.length; k++) {
            keys[k] = Rng.seed(seed, imbalanced.get(k), 1);
            order[k] = k;
        }
        Arrays.sort(order, Comparator.<Integer>comparingLong(k -> keys[k]).thenComparingInt(k -> k));
        List<Integer> chosen = new ArrayList<>();
        for (int k = 0; k < maxUsers; k++) {
            chosen.add(imbalanced.get(order[k]));
        }
        chosen.sort(null);
        return chosen;
    }

    /** Wraps plans computed elsewhere (a batch of users); {@code selected} lists the users with a plan, in order. */
    static ImbalancedUsers of(Plan[] plans, List<Integer> selected) {
        return new ImbalancedUsers(plans, selected.size(), selected);
    }

    /** Returns the number of imbalanced users, chosen or not. */
    int imbalanced() {
        return imbalanced;
    }

    /** Returns the imbalanced users left out by the cap. */
    int skippedByCap() {
        return imbalanced - selected.size();
    }

    /** Returns the chosen users' training indices, in training order. */
    List<Integer> selected() {
        return selected;
    }

    /** Returns the plan of a chosen user, or null for a user who is not augmented. */
    Plan plan(int user) {
        return plans[user];
    }

    /** Returns, per domain index, whether it is the dominant domain of a chosen user. */
    boolean[] sourceDomains(int domains) {
        boolean[] source = new boolean[domains];
        for (int u : selected) {
            source[plans[u].dominant()] = true;
        }
        return source;
    }

    /** Returns, per domain index, whether it is a target domain of a chosen user. */
    boolean[] targetDomains(int domains) {
        boolean[] target = new boolean[domains];
        for (int u : selected) {
            for (int t : plans[u].targets()) {
                target[t] = true;
            }
        }
        return target;
    }
}
