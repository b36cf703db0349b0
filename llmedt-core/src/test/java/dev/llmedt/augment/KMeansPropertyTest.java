package dev.llmedt.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.llmedt.cluster.CosineIndex;
import dev.llmedt.cluster.KMeans;
import dev.llmedt.engine.WorkerPool;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Properties of {@link KMeans} and of the exact search it runs on ({@link CosineIndex}). */
class KMeansPropertyTest {

    /** Fixed, so that every run (and CI) checks the same examples. */
    private static final long SEED = 0x6EA5_0001L;

    /**
     * Bounds the time a failing property spends shrinking: QuickTheories' default (100,000 cycles,
     * each running the property) would take up to several minutes at a few milliseconds an example.
     */
    private static final int SHRINK_CYCLES = 2_000;

    /** Random unit vectors; with {@code duplicates}, some points repeat earlier ones exactly. */
    static float[][] points(long seed, int n, int dim, boolean duplicates) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] p = new float[n][];
        for (int i = 0; i < n; i++) {
            if (duplicates && i > 0 && r.nextInt(4) == 0) {
                p[i] = p[r.nextInt(i)].clone();
                continue;
            }
            float[] v = new float[dim];
            double norm = 0;
            for (int f = 0; f < dim; f++) {
                v[f] = (float) r.nextGaussian();
                norm += v[f] * v[f];
            }
            for (int f = 0; f < dim; f++) {
                v[f] /= (float) Math.sqrt(norm);
            }
            p[i] = v;
        }
        return p;
    }

    static double cos(float[] a, float[] b) {
        double s = 0;
        for (int f = 0; f < a.length; f++) {
            s += (double) a[f] * b[f];
        }
        return s;
    }

    /** A clustering problem: the points' seed, their number, k, their dimension and the maximum number of passes. */
    record Fit(long seed, int n, int k, int dim, int iterations) {
    }

    @Test
    void everyPointIsAssignedToItsNearestCentroid() {
        Gen<Fit> fits = longs().all().zip(integers().between(1, 120), integers().between(1, 12), integers().between(1, 9),
                integers().between(1, 30), Fit::new);
        qt().withFixedSeed(SEED)
                .withShrinkCycles(SHRINK_CYCLES)
                .withExamples(60)
                .forAll(fits)
                .checkAssert(f -> everyPointIsAssignedToItsNearestCentroid(f.seed(), f.n(), f.k(), f.dim(), f.iterations()));
    }

    private static void everyPointIsAssignedToItsNearestCentroid(long seed, int n, int k, int dim, int iterations) {
        float[][] points = points(seed, n, dim, true);
        KMeans.Result r;
        try (WorkerPool pool = new WorkerPool(2)) {
            r = KMeans.fit(points, dim, k, seed, iterations, 0, pool);
        }
        assertEquals(Math.min(k, n), r.clusters());
        assertEquals(n, r.assignment().length);
        for (int i = 0; i < n; i++) {
            int a = r.assignment()[i];
            assertTrue(a >= 0 && a < r.clusters(), "point " + i + " in cluster " + a);
            double best = Double.NEGATIVE_INFINITY;
            for (float[] c : r.centroids()) {
                best = Math.max(best, cos(points[i], c));
            }
            assertTrue(cos(points[i], r.centroids()[a]) >= best - 1e-5, "point " + i + " is not at its nearest centroid");
        }
        for (float[] c : r.centroids()) {
            assertEquals(1.0, cos(c, c), 1e-5, "centroids are unit vectors");
        }
    }

    @Test
    void atConvergenceEachCentroidIsTheNormalisedMeanOfItsPoints() {
        qt().withFixedSeed(SEED)
                .withShrinkCycles(SHRINK_CYCLES)
                .withExamples(40)
                .forAll(longs().all(), integers().between(2, 80), integers().between(1, 6))
                .checkAssert(KMeansPropertyTest::atConvergenceEachCentroidIsTheNormalisedMeanOfItsPoints);
    }

    private static void atConvergenceEachCentroidIsTheNormalisedMeanOfItsPoints(long seed, int n, int k) {
        int dim = 5;
        float[][] points = points(seed, n, dim, false);
        KMeans.Result r;
        try (WorkerPool pool = new WorkerPool(1)) {
            r = KMeans.fit(points, dim, k, seed, 1000, 0, pool);
        }
        assertTrue(r.converged(), "spherical k-means converges on " + n + " points within 1000 passes");
        for (int c = 0; c < r.clusters(); c++) {
            double[] sum = new double[dim];
            int members = 0;
            for (int i = 0; i < n; i++) {
                if (r.assignment()[i] == c) {
                    members++;
                    for (int f = 0; f < dim; f++) {
                        sum[f] += points[i][f];
                    }
                }
            }
            if (members == 0) {
                continue;
            }
            double norm = Math.sqrt(Arrays.stream(sum).map(x -> x * x).sum());
            for (int f = 0; f < dim; f++) {
                assertEquals(sum[f] / norm, r.centroids()[c][f], 1e-5, "cluster " + c + " feature " + f);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameClusteringWhateverTheThreads() {
        qt().withFixedSeed(SEED)
                .withShrinkCycles(SHRINK_CYCLES)
                .withExamples(40)
                .forAll(longs().all(), integers().between(1, 700), integers().between(1, 10))
                .checkAssert(KMeansPropertyTest::theSameSeedGivesTheSameClusteringWhateverTheThreads);
    }

    private static void theSameSeedGivesTheSameClusteringWhateverTheThreads(long seed, int n, int k) {
        float[][] points = points(seed, n, 7, true);
        KMeans.Result one;
        KMeans.Result two;
        try (WorkerPool a = new WorkerPool(1); WorkerPool b = new WorkerPool(3)) {
            one = KMeans.fit(points, 7, k, seed, 15, 0.01, a);
            two = KMeans.fit(points, 7, k, seed, 15, 0.01, b);
        }
        assertArrayEquals(one.assignment(), two.assignment());
        assertEquals(one.iterations(), two.iterations());
        for (int c = 0; c < one.clusters(); c++) {
            assertArrayEquals(one.centroids()[c], two.centroids()[c]);
        }
    }

    @Test
    void exactSearchFindsTheHighestCosineWithTiesToTheLowestIndex() {
        qt().withFixedSeed(SEED)
                .withShrinkCycles(SHRINK_CYCLES)
                .withExamples(60)
                .forAll(longs().all(), integers().between(0, 600), integers().between(1, 20), integers().between(1, 11))
                .checkAssert(KMeansPropertyTest::exactSearchFindsTheHighestCosineWithTiesToTheLowestIndex);
    }

    private static void exactSearchFindsTheHighestCosineWithTiesToTheLowestIndex(long seed, int rows, int queries, int dim) {
        float[][] data = points(seed, rows, dim, true);
        float[][] q = points(seed + 1, queries, dim, false);
        if (rows > 0) {
            q[0] = data[rows - 1].clone();
        }
        CosineIndex index = new CosineIndex(data, dim);
        float[] scores = new float[queries];
        int[] nearest;
        try (WorkerPool pool = new WorkerPool(2)) {
            nearest = index.nearestRows(q, scores, pool);
        }
        for (int j = 0; j < queries; j++) {
            if (rows == 0) {
                assertEquals(-1, nearest[j]);
                continue;
            }
            double best = Double.NEGATIVE_INFINITY;
            for (float[] row : data) {
                best = Math.max(best, cos(q[j], row));
            }
            assertTrue(cos(q[j], data[nearest[j]]) >= best - 1e-5, "query " + j);
            assertEquals(cos(q[j], data[nearest[j]]), scores[j], 1e-5);
            for (int r = 0; r < nearest[j]; r++) {
                assertTrue(cos(q[j], data[r]) < cos(q[j], data[nearest[j]]) + 1e-5 || Arrays.equals(data[r], data[nearest[j]]),
                        "an earlier row is not clearly better");
                if (Arrays.equals(data[r], data[nearest[j]])) {
                    throw new AssertionError("row " + r + " equals row " + nearest[j] + " and comes first: ties go to the lowest index");
                }
            }
        }
    }

    @Test
    void exactSearchAcrossSeveralBlocksIsExactAndThreadIndependent() {
        int rows = 2 * CosineIndex.BLOCK + 123;
        float[][] data = points(5, rows, 6, true);
        float[][] queries = points(6, 37, 6, false);
        queries[3] = data[rows - 1].clone();
        CosineIndex index = new CosineIndex(data, 6);
        float[] s1 = new float[queries.length];
        float[] s3 = new float[queries.length];
        float[] r1 = new float[rows];
        float[] r3 = new float[rows];
        int[] n1;
        int[] n3;
        int[] q1;
        int[] q3;
        try (WorkerPool one = new WorkerPool(1); WorkerPool three = new WorkerPool(3)) {
            n1 = index.nearestRows(queries, s1, one);
            n3 = index.nearestRows(queries, s3, three);
            q1 = index.nearestQueries(queries, r1, one);
            q3 = index.nearestQueries(queries, r3, three);
        }
        assertArrayEquals(n1, n3);
        assertArrayEquals(s1, s3);
        assertArrayEquals(q1, q3);
        assertArrayEquals(r1, r3);
        for (int j = 0; j < queries.length; j++) {
            double best = Double.NEGATIVE_INFINITY;
            for (float[] row : data) {
                best = Math.max(best, cos(queries[j], row));
            }
            assertTrue(cos(queries[j], data[n1[j]]) >= best - 1e-5, "query " + j);
        }
        assertEquals(1.0, s1[3], 1e-5);
        for (int r = 0; r < rows; r++) {
            double best = Double.NEGATIVE_INFINITY;
            for (float[] q : queries) {
                best = Math.max(best, cos(q, data[r]));
            }
            assertTrue(cos(queries[q1[r]], data[r]) >= best - 1e-5, "row " + r);
        }
    }

    @Test
    void wellSeparatedGroupsAreFound() {
        int dim = 4;
        float[][] points = new float[40][];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < points.length; i++) {
            float[] v = new float[dim];
            v[i % 4] = 1;
            for (int f = 0; f < dim; f++) {
                v[f] += (float) (0.05 * r.nextGaussian());
            }
            double norm = Math.sqrt(cos(v, v));
            for (int f = 0; f < dim; f++) {
                v[f] /= (float) norm;
            }
            points[i] = v;
        }
        KMeans.Result result;
        try (WorkerPool pool = new WorkerPool(2)) {
            result = KMeans.fit(points, dim, 4, 11, 100, 0, pool);
        }
        assertTrue(result.converged());
        for (int i = 4; i < points.length; i++) {
            assertEquals(result.assignment()[i % 4], result.assignment()[i], "point " + i + " belongs with point " + (i % 4));
        }
        assertEquals(4, Arrays.stream(result.assignment()).distinct().count());
    }

    @Test
    void identicalPointsNeverLeaveAClusterBroken() {
        float[][] points = new float[10][];
        for (int i = 0; i < points.length; i++) {
            points[i] = new float[] {0.6f, 0.8f};
        }
        KMeans.Result r;
        try (WorkerPool pool = new WorkerPool(1)) {
            r = KMeans.fit(points, 2, 3, 5, 10, 0, pool);
        }
        assertEquals(3, r.clusters());
        for (int a : r.assignment()) {
            assertEquals(0, a, "ties go to the lowest cluster");
        }
        try (WorkerPool pool = new WorkerPool(1)) {
            assertEquals(0, KMeans.fit(new float[0][], 2, 3, 5, 10, 0, pool).clusters());
        }
    }
}
