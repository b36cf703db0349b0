package dev.llmedt.cluster;

import dev.llmedt.check.Require;
import dev.llmedt.engine.WorkerPool;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Spherical k-means over unit vectors: points are assigned to the centroid of highest cosine,
 * centroids are the L2-normalised sums of their points.
 *
 * <ul>
 *   <li>Initialisation: k-means++ with a seeded {@link SplittableRandom}: the first centroid is a
 *       uniform point, each next one a point drawn with probability proportional to its squared
 *       distance {@code 2 - 2 cos} to the nearest centroid chosen so far.</li>
 *   <li>Iterations stop when no point changes cluster (converged), when at most
 *       {@code tolerance x points} change, or after {@code maxIterations} assignments. In every
 *       case the returned assignment is the nearest centroid of each point among the returned
 *       centroids (ties: the lowest cluster).</li>
 *   <li>A cluster left empty (or whose points cancel out) is re-seeded deterministically with the
 *       point farthest from its own centroid (ties: the lowest point) not already used to re-seed
 *       another cluster in the same iteration.</li>
 *   <li>With fewer points than clusters, there are as many clusters as points.</li>
 * </ul>
 *
 * <p>The result depends on the points, the settings and the seed only, not on the thread count.
 *
 * <p>Internal (a package the module does not export): the augmenter and the profiler cluster with
 * the same code.
 */
public final class KMeans {

    /**
     * A clustering.
     *
     * @param assignment the cluster of each point
     * @param centroids unit centroid vectors, one per cluster
     * @param iterations assignment passes made
     * @param converged whether the last pass changed no assignment
     */
    public record Result(int[] assignment, float[][] centroids, int iterations, boolean converged) {

        /** Returns the number of clusters. */
        public int clusters() {
            return centroids.length;
        }
    }

    private KMeans() {
    }

    /**
     * Clusters unit vectors.
     *
     * @param points unit vectors of one dimension (not modified)
     * @param k wanted clusters, at least 1 (fewer when there are fewer points)
     * @param seed the seed of the initialisation
     * @param maxIterations at least 1
     * @param tolerance stop once at most this fraction of the points changed cluster, in [0, 1)
     * @param pool workers for the assignment passes
     * @throws IllegalArgumentException when k, maxIterations or tolerance is out of range
     */
    public static Result fit(float[][] points, int dimension, int k, long seed, int maxIterations, double tolerance, WorkerPool pool) {
        Require.atLeast("clusters", k, 1);
        Require.atLeast("maxIterations", maxIterations, 1);
        Require.inClosedOpen("tolerance", tolerance, 0, 1);
        int n = points.length;
        if (n == 0) {
            return new Result(new int[0], new float[0][], 0, true);
        }
        CosineIndex index = new CosineIndex(points, dimension);
        int clusters = Math.min(k, n);
        float[][] centroids = seed(points, index, clusters, seed, pool);
        int[] assignment = new int[n];
        Arrays.fill(assignment, -1);
        float[] scores = new float[n];
        int iterations = 0;
        boolean converged = false;
        while (true) {
            int[] next = index.nearestQueries(centroids, scores, pool);
            iterations++;
            int changed = 0;
            for (int i = 0; i < n; i++) {
                if (next[i] != assignment[i]) {
                    changed++;
                }
            }
            assignment = next;
            if (changed == 0) {
                converged = true;
                break;
            }
            if (iterations >= maxIterations || changed <= tolerance * n) {
                break;
            }
            centroids = update(points, dimension, assignment, scores, clusters);
        }
        return new Result(assignment, centroids, iterations, converged);
    }

    /** k-means++ seeding. */
    private static float[][] seed(float[][] points, CosineIndex index, int clusters, long seed, WorkerPool pool) {
        int n = points.length;
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centroids = new float[clusters][];
        boolean[] chosen = new boolean[n];
        double[] distance = new double[n];
        Arrays.fill(distance, Double.POSITIVE_INFINITY);
        float[] cos = new float[n];
        int pick = random.nextInt(n);
        for (int c = 0; c < clusters; c++) {
            if (c > 0) {
                pick = draw(distance, chosen, random);
            }
            chosen[pick] = true;
            centroids[c] = points[pick].clone();
            index.scores(centroids[c], cos, pool);
            for (int i = 0; i < n; i++) {
                double d = Math.max(0, 2 - 2 * (double) cos[i]);
                if (d < distance[i]) {
                    distance[i] = d;
                }
            }
            distance[pick] = 0;
        }
        return centroids;
    }

    /** Draws a point with probability proportional to its distance; the first unchosen point when all are 0. */
    private static int draw(double[] distance, boolean[] chosen, SplittableRandom random) {
        double total = 0;
        for (double d : distance) {
            total += d;
        }
        if (total > 0) {
            double u = random.nextDouble() * total;
            double cumulative = 0;
            int last = -1;
            for (int i = 0; i < distance.length; i++) {
                if (distance[i] > 0) {
                    cumulative += distance[i];
                    last = i;
                    if (cumulative > u) {
                        return i;
                    }
                }
            }
            return last;
        }
        for (int i = 0; i < chosen.length; i++) {
            if (!chosen[i]) {
                return i;
            }
        }
        throw new IllegalStateException("more clusters than points");
    }

    /** Normalised cluster sums; empty or degenerate clusters re-seeded with the farthest points. */
    private static float[][] update(float[][] points, int dimension, int[] assignment, float[] scores, int clusters) {
        double[][] sums = new double[clusters][dimension];
        int[] counts = new int[clusters];
        for (int i = 0; i < points.length; i++) {
            double[] s = sums[assignment[i]];
            float[] p = points[i];
            for (int f = 0; f < dimension; f++) {
                s[f] += p[f];
            }
            counts[assignment[i]]++;
        }
        float[][] centroids = new float[clusters][];
        boolean[] used = null;
        for (int c = 0; c < clusters; c++) {
            double norm = 0;
            for (double v : sums[c]) {
                norm += v * v;
            }
            if (counts[c] == 0 || !(norm > 1e-24)) {
                if (used == null) {
                    used = new boolean[points.length];
                }
                int far = farthest(scores, used);
                used[far] = true;
                centroids[c] = points[far].clone();
                continue;
            }
            double scale = 1 / Math.sqrt(norm);
            float[] centroid = new float[dimension];
            for (int f = 0; f < dimension; f++) {
                centroid[f] = (float) (sums[c][f] * scale);
            }
            centroids[c] = centroid;
        }
        return centroids;
    }

    private static int farthest(float[] scores, boolean[] used) {
        int best = -1;
        for (int i = 0; i < scores.length; i++) {
            if (!used[i] && (best < 0 || scores[i] < scores[best])) {
                best = i;
            }
        }
        return best;
    }
}
