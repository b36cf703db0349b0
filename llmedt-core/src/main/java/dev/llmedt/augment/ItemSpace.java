package dev.llmedt.augment;

import dev.llmedt.cluster.CosineIndex;
import dev.llmedt.cluster.KMeans;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.data.Domain;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.engine.Kernels;
import dev.llmedt.engine.Rng;
import dev.llmedt.engine.WorkerPool;
import dev.llmedt.text.ItemEmbeddings;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The item side of one augmentation: the item vectors (none for items without text), the k-means
 * cluster of every item with text of each source domain, an exact cosine search over the items
 * with text of each target domain and, for {@link BridgeScoring#CSLS} and
 * {@link BridgeScoring#BEHAVIOUR}, each such item's hub penalty towards every source domain.
 *
 * <p>Immutable once built; safe to read from several workers.
 */
final class ItemSpace {

    private static final Logger LOG = LoggerFactory.getLogger(ItemSpace.class);
    private static final double KMEANS_TOLERANCE = 0.001;
    /** The neighbours whose mean cosine is an item's hub penalty (CSLS; its authors use 10). */
    static final int HUB_NEIGHBOURS = 10;

    private final float[][] vectors;
    private final int[] cluster;
    private final Map<String, Integer> clusterCounts;
    private final Map<Integer, int[]> targetItems;
    private final Map<Integer, CosineIndex> targetIndex;
    /** Per (target domain, source domain) key, per row of the target domain's index: its hub penalty; empty for TEXT. */
    private final Map<Long, float[]> hubPenalty;

    private ItemSpace(float[][] vectors, int[] cluster, Map<String, Integer> clusterCounts, Map<Integer, int[]> targetItems,
            Map<Integer, CosineIndex> targetIndex, Map<Long, float[]> hubPenalty) {
        this.vectors = vectors;
        this.cluster = cluster;
        this.clusterCounts = Collections.unmodifiableMap(clusterCounts);
        this.targetItems = targetItems;
        this.targetIndex = targetIndex;
        this.hubPenalty = hubPenalty;
    }

    /**
     * Clusters the items of every source domain and indexes the items of every target domain.
     *
     * @param sourceDomain per domain index, whether its items are clustered
     * @param targetDomain per domain index, whether its items are indexed
     * @param clusters k-means clusters per domain (fewer when a domain has fewer items with text)
     * @param kMeansIterations most k-means assignment passes
     * @param seed seeds k-means (mixed with the domain index)
     * @param hubPenalties whether to compute the hub penalty of every item of a target domain
     *     towards every source domain (for CSLS scoring)
     */
    static ItemSpace build(ItemCatalog catalog, ItemEmbeddings embeddings, boolean[] sourceDomain, boolean[] targetDomain, int clusters,
            int kMeansIterations, long seed, boolean hubPenalties, WorkerPool pool, ProgressListener progress) {
        int dim = embeddings.dimension();
        float[][] vectors = new float[catalog.size()][];
        for (int i = 0; i < vectors.length; i++) {
            if (embeddings.hasText(i)) {
                vectors[i] = embeddings.vector(i);
            }
        }
        int[] cluster = new int[catalog.size()];
        Arrays.fill(cluster, -1);
        Map<String, Integer> clusterCounts = new LinkedHashMap<>();
        for (Domain d : catalog.domains()) {
            if (sourceDomain[d.index()]) {
                String task = "cluster " + d.name() + " items";
                progress.progress(task, 0, 1);
                clusterCounts.put(d.name(), cluster(d, vectors, dim, clusters, kMeansIterations, seed, cluster, pool));
                progress.progress(task, 1, 1);
            }
        }
        Map<Integer, int[]> targetItems = new HashMap<>();
        Map<Integer, CosineIndex> targetIndex = new HashMap<>();
        for (Domain d : catalog.domains()) {
            if (targetDomain[d.index()]) {
                int[] ids = itemsWithText(d, vectors);
                if (ids.length == 0) {
                    LOG.warn("no item of domain {} has text: nothing can be bridged to it", d.name());
                }
                targetItems.put(d.index(), ids);
                targetIndex.put(d.index(), new CosineIndex(rowsOf(ids, vectors), dim));
            }
        }
        Map<Long, float[]> penalties = hubPenalties ? penalties(catalog, vectors, dim, targetItems, sourceDomain, targetDomain, pool, progress)
                : Map.of();
        return new ItemSpace(vectors, cluster, clusterCounts, targetItems, targetIndex, penalties);
    }

    /** The hub penalty of every item with text of each target domain towards each other source domain. */
    private static Map<Long, float[]> penalties(ItemCatalog catalog, float[][] vectors, int dim, Map<Integer, int[]> targetItems,
            boolean[] sourceDomain, boolean[] targetDomain, WorkerPool pool, ProgressListener progress) {
        Map<Long, float[]> penalties = new HashMap<>();
        for (Domain source : catalog.domains()) {
            if (!sourceDomain[source.index()]) {
                continue;
            }
            CosineIndex sourceIndex = null;
            for (Domain target : catalog.domains()) {
                if (target.index() == source.index() || !targetDomain[target.index()]) {
                    continue;
                }
                if (sourceIndex == null) {
                    sourceIndex = new CosineIndex(rowsOf(itemsWithText(source, vectors), vectors), dim);
                }
                String task = "hub penalties of " + target.name() + " items towards " + source.name();
                progress.progress(task, 0, 1);
                long t0 = System.nanoTime();
                float[][] queries = rowsOf(targetItems.get(target.index()), vectors);
                penalties.put(key(target.index(), source.index()), sourceIndex.meanOfTopK(queries, HUB_NEIGHBOURS, pool));
                progress.progress(task, 1, 1);
                LOG.debug("{} in {} ms", task, (System.nanoTime() - t0) / 1_000_000);
            }
        }
        return penalties;
    }

    private static long key(int target, int source) {
        return ((long) target << 32) | source;
    }

    private static float[][] rowsOf(int[] ids, float[][] vectors) {
        float[][] rows = new float[ids.length][];
        for (int k = 0; k < ids.length; k++) {
            rows[k] = vectors[ids[k]];
        }
        return rows;
    }

    /**
     * Builds the item side from clusters computed before (by {@link #build} with every domain a
     * source): every domain is indexed, as a target of some user may be any domain.
     *
     * @param cluster per item, its k-means cluster in its domain, -1 for items without text
     * @param hubPenalties whether to compute the hub penalties (CSLS) of every domain towards every other
     */
    static ItemSpace of(ItemCatalog catalog, ItemEmbeddings embeddings, int[] cluster, boolean hubPenalties, WorkerPool pool) {
        int domains = catalog.domains().size();
        boolean[] none = new boolean[domains];
        boolean[] all = new boolean[domains];
        Arrays.fill(all, true);
        ItemSpace indexed = build(catalog, embeddings, none, all, 1, 1, 0, false, pool, ProgressListener.none());
        Map<Long, float[]> penalties = hubPenalties
                ? penalties(catalog, indexed.vectors, embeddings.dimension(), indexed.targetItems, all, all, pool, ProgressListener.none())
                : Map.of();
        Map<String, Integer> clusterCounts = new LinkedHashMap<>();
        for (Domain d : catalog.domains()) {
            int max = -1;
            for (int item = d.firstItem(); item < d.endItem(); item++) {
                if ((cluster[item] >= 0) != indexed.hasText(item)) {
                    throw new IllegalArgumentException("item " + item + (indexed.hasText(item) ? " has text but no cluster"
                            : " has no text but cluster " + cluster[item]) + "; cluster the same embeddings");
                }
                max = Math.max(max, cluster[item]);
            }
            clusterCounts.put(d.name(), max + 1);
        }
        return new ItemSpace(indexed.vectors, cluster.clone(), clusterCounts, indexed.targetItems, indexed.targetIndex, penalties);
    }

    /** Returns a copy of every item's cluster (-1: not clustered). */
    int[] clusters() {
        return cluster.clone();
    }

    private static int[] itemsWithText(Domain d, float[][] vectors) {
        int[] ids = new int[d.size()];
        int n = 0;
        for (int item = d.firstItem(); item < d.endItem(); item++) {
            if (vectors[item] != null) {
                ids[n++] = item;
            }
        }
        return Arrays.copyOf(ids, n);
    }

    /** Clusters a domain's items with text; writes their clusters; returns the number of clusters. */
    private static int cluster(Domain d, float[][] vectors, int dim, int clusters, int kMeansIterations, long seed, int[] cluster,
            WorkerPool pool) {
        int[] ids = itemsWithText(d, vectors);
        float[][] points = new float[ids.length][];
        for (int k = 0; k < ids.length; k++) {
            points[k] = vectors[ids[k]];
        }
        long t0 = System.nanoTime();
        KMeans.Result r = KMeans.fit(points, dim, clusters, Rng.seed(seed, d.index(), 3), kMeansIterations, KMEANS_TOLERANCE, pool);
        for (int k = 0; k < ids.length; k++) {
            cluster[ids[k]] = r.assignment()[k];
        }
        LOG.debug("k-means of domain {}: {} items, {} clusters, {} passes{} in {} ms", d.name(), ids.length, r.clusters(),
                r.iterations(), r.converged() ? " (converged)" : "", (System.nanoTime() - t0) / 1_000_000);
        return r.clusters();
    }

    /** Returns whether the item has text (a vector). */
    boolean hasText(int item) {
        return vectors[item] != null;
    }

    /** Returns the item's vector (not a copy), or null when it has no text. */
    float[] vector(int item) {
        return vectors[item];
    }

    /** Returns the cosine of two items with text, {@code from} the source side, {@code to} the candidate side. */
    float cosine(int from, int to) {
        return Kernels.dot(vectors[from], vectors[to], vectors[to].length);
    }

    /** Returns the k-means cluster of an item with text of a source domain, else -1. */
    int cluster(int item) {
        return cluster[item];
    }

    /** Returns, per source domain name, its number of clusters. */
    Map<String, Integer> clusterCounts() {
        return clusterCounts;
    }

    /** Returns whether the domain's items are indexed (it is a target domain). */
    boolean isTarget(int domain) {
        return targetIndex.containsKey(domain);
    }

    /**
     * Returns the nearest item with text of a target domain to each query vector, by cosine
     * ({@code -1}: none, when the domain has no item with text).
     */
    int[] nearestItems(int target, float[][] queries, WorkerPool pool) {
        return nearestItems(target, -1, queries, pool);
    }

    /**
     * Returns the item with text of a target domain of highest CSLS score to each query vector of
     * a source domain: {@code 2 cos(q, t) - hubPenalty(t, source)} (the query's own penalty is the
     * same for every item and does not change which wins; {@code -1}: none).
     *
     * @param source the queries' domain; {@code -1}: plain cosine, as {@link #nearestItems(int, float[][], WorkerPool)}
     * @throws IllegalStateException when the hub penalties were not computed
     */
    int[] nearestItems(int target, int source, float[][] queries, WorkerPool pool) {
        float[] penalty = null;
        if (source >= 0) {
            penalty = hubPenalty.get(key(target, source));
            if (penalty == null) {
                throw new IllegalStateException("no hub penalties of domain " + target + " towards domain " + source);
            }
        }
        int[] rows = targetIndex.get(target).nearestRows(queries, penalty, new float[queries.length], pool);
        int[] ids = targetItems.get(target);
        int[] items = new int[queries.length];
        for (int k = 0; k < queries.length; k++) {
            items[k] = rows[k] < 0 ? -1 : ids[rows[k]];
        }
        return items;
    }

    /**
     * Returns the hub penalty of an item with text of a target domain towards a source domain: the
     * mean cosine of its {@value #HUB_NEIGHBOURS} nearest items of the source domain.
     *
     * @throws IllegalStateException when the penalties were not computed or the item is not indexed
     */
    float hubPenalty(int item, int target, int source) {
        float[] penalty = hubPenalty.get(key(target, source));
        int row = Arrays.binarySearch(targetItems.getOrDefault(target, new int[0]), item);
        if (penalty == null || row < 0) {
            throw new IllegalStateException("no hub penalty of item " + item + " of domain " + target + " towards domain " + source);
        }
        return penalty[row];
    }
}
