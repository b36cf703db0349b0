package dev.llmedt.profile;

import dev.llmedt.cluster.KMeans;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.engine.Rng;
import dev.llmedt.engine.WorkerPool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * What the profiler makes of one user's visible history: how many items fall in each domain, and
 * the user's items grouped by spherical k-means on their vectors.
 *
 * <ul>
 *   <li>Every occurrence counts (an item taken twice is two points and counts twice in the domain
 *       ratio).</li>
 *   <li>Items without text (zero vectors) have no direction to cluster on: they are left out of
 *       the clusters but counted in the domain ratio.</li>
 *   <li>k-means runs with {@code min(clusters, points)} centroids, seeded by the profiler's seed and
 *       the history itself (not the user's index), so a user's clusters depend neither on the
 *       thread count nor on the order of the users. Clusters left empty are dropped. With no more
 *       distinct vectors than clusters, each distinct vector is a cluster (where k-means
 *       converges, without running it).</li>
 *   <li>Each cluster keeps its last {@code itemsPerCluster} occurrences (time order). Its domain is
 *       the majority domain of the kept items; on a tie, the domain of the most recent of them.</li>
 *   <li>Clusters are listed most recent first (by their latest kept item).</li>
 * </ul>
 */
final class UserClusters {

    /**
     * A group of similar items of one user.
     *
     * @param domain the majority domain of its items
     * @param latestPosition the position in the history of its most recent item
     * @param items its item ids, oldest first (at most {@code itemsPerCluster})
     */
    record Cluster(int domain, int latestPosition, int[] items) {
    }

    private final int[] domainCounts;
    private final int length;
    private final List<Cluster> clusters;

    private UserClusters(int[] domainCounts, int length, List<Cluster> clusters) {
        this.domainCounts = domainCounts;
        this.length = length;
        this.clusters = clusters;
    }

    /**
     * Clusters one history.
     *
     * @param vectors unit vectors by item id, null for items without text
     * @param pool a pool for k-means (a one-worker pool: users run in parallel, not within a user)
     */
    static UserClusters of(History history, ItemCatalog catalog, float[][] vectors, int dimension,
            DomainAwareProfiler.Settings settings, WorkerPool pool) {
        int n = history.length();
        int[] domainCounts = new int[catalog.domains().size()];
        int[] positions = new int[n];
        int points = 0;
        for (int p = 0; p < n; p++) {
            int item = history.item(p);
            domainCounts[catalog.item(item).domain()]++;
            if (vectors[item] != null) {
                positions[points++] = p;
            }
        }
        if (points == 0) {
            return new UserClusters(domainCounts, n, List.of());
        }
        float[][] x = new float[points][];
        for (int k = 0; k < points; k++) {
            x[k] = vectors[history.item(positions[k])];
        }
        int[] assignment = distinctVectors(x, settings.clusters());
        int groups;
        if (assignment != null) {
            groups = Arrays.stream(assignment).max().getAsInt() + 1;
        } else {
            KMeans.Result fit = KMeans.fit(x, dimension, settings.clusters(), Rng.seed(settings.seed(), fingerprint(history), 5),
                    settings.kMeansIterations(), 0, pool);
            assignment = fit.assignment();
            groups = fit.clusters();
        }
        List<Cluster> clusters = new ArrayList<>();
        for (int c = 0; c < groups; c++) {
            int size = 0;
            for (int k = 0; k < points; k++) {
                if (assignment[k] == c) {
                    size++;
                }
            }
            if (size == 0) {
                continue;
            }
            int keep = Math.min(size, settings.itemsPerCluster());
            int[] kept = new int[keep];
            int latest = -1;
            int seen = 0;
            int at = 0;
            for (int k = 0; k < points; k++) {
                if (assignment[k] == c && seen++ >= size - keep) {
                    kept[at++] = history.item(positions[k]);
                    latest = positions[k];
                }
            }
            clusters.add(new Cluster(majorityDomain(kept, catalog), latest, kept));
        }
        clusters.sort(Comparator.comparingInt(Cluster::latestPosition).reversed());
        return new UserClusters(domainCounts, n, List.copyOf(clusters));
    }

    /** The most frequent domain of the items; on a tie, the domain of the most recent tied item. */
    private static int majorityDomain(int[] items, ItemCatalog catalog) {
        int[] counts = new int[catalog.domains().size()];
        for (int item : items) {
            counts[catalog.item(item).domain()]++;
        }
        int max = Arrays.stream(counts).max().orElse(0);
        for (int k = items.length - 1; k >= 0; k--) {
            int d = catalog.item(items[k]).domain();
            if (counts[d] == max) {
                return d;
            }
        }
        throw new IllegalStateException("a cluster without items");
    }

    /**
     * When the points hold at most {@code clusters} distinct vectors, returns for each point the
     * index of its vector among the distinct ones (in order of first appearance): the clustering
     * k-means converges to, with every point on its centroid, found without running it (most users
     * have fewer items than clusters). Otherwise null.
     */
    static int[] distinctVectors(float[][] points, int clusters) {
        int[] assignment = new int[points.length];
        List<float[]> distinct = new ArrayList<>();
        for (int k = 0; k < points.length; k++) {
            int found = -1;
            for (int d = 0; d < distinct.size() && found < 0; d++) {
                if (distinct.get(d) == points[k] || Arrays.equals(distinct.get(d), points[k])) {
                    found = d;
                }
            }
            if (found < 0) {
                if (distinct.size() == clusters) {
                    return null;
                }
                found = distinct.size();
                distinct.add(points[k]);
            }
            assignment[k] = found;
        }
        return assignment;
    }

    /** A 64-bit hash of the item ids in order, so that equal histories get equal seeds. */
    private static long fingerprint(History history) {
        long h = history.length();
        for (int p = 0; p < history.length(); p++) {
            h = h * 0x100000001B3L + history.item(p);
        }
        return h;
    }

    /** Returns the number of visible items (every occurrence). */
    int length() {
        return length;
    }

    /** Returns the user's items in a domain (every occurrence). */
    int count(int domain) {
        return domainCounts[domain];
    }

    /** Returns the clusters, most recent first. */
    List<Cluster> clusters() {
        return clusters;
    }

    /**
     * Returns the domains that hold any of the user's items, the largest share first (ties: the
     * lower domain index).
     */
    List<Integer> domainsByShare() {
        List<Integer> out = new ArrayList<>();
        for (int d = 0; d < domainCounts.length; d++) {
            if (domainCounts[d] > 0) {
                out.add(d);
            }
        }
        out.sort(Comparator.comparingInt((Integer d) -> -domainCounts[d]).thenComparingInt(d -> d));
        return out;
    }

    /**
     * Returns the share of a domain as a whole percentage, as written in profiles and prompts:
     * rounded, except that a share that is neither 0 nor 1 never shows as {@code 0%} or
     * {@code 100%} ({@code <1%}, {@code >99%}).
     */
    String percent(int domain) {
        int count = domainCounts[domain];
        long rounded = Math.round(100.0 * count / length);
        if (rounded == 0 && count > 0) {
            return "<1%";
        }
        if (rounded == 100 && count < length) {
            return ">99%";
        }
        return rounded + "%";
    }
}
