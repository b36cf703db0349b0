package dev.llmedt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The Vector API kernels give bit-identical results to the scalar kernels, for every shape: widths
 * and row counts below, at and past a vector's lanes and the block of four, slices of a larger
 * weight, with and without bias, overwriting and accumulating. (The build runs the tests with
 * {@code --add-modules jdk.incubator.vector}, so the golden training traces also run on them.)
 */
class VectorKernelsTest {

    /** Fixed, so that every run (and CI) checks the same examples. */
    private static final long SEED = 0x5E7E_0022L;

    /** A problem: the values' seed, input width, output width, output slice start, rows, bias, accumulate. */
    record Shape(long seed, int in, int out, int outFrom, int rows, boolean bias, boolean accumulate) {
    }

    private static Gen<Shape> shapes() {
        return longs().all().zip(integers().between(1, 70), integers().between(1, 70), integers().between(0, 5),
                integers().between(1, 110), (seed, in, out, outFrom, rows) -> new Shape(seed, in, out, outFrom, rows, seed % 3 != 0,
                        (seed >>> 7) % 2 == 0));
    }

    @Test
    void theBuildRunsTheVectorKernels() {
        assertTrue(Kernels.VECTOR, "the tests run with --add-modules jdk.incubator.vector (surefire argLine), so Kernels.VECTOR "
                + "must be on; else the golden traces would not check the vector kernels");
        assertTrue(VectorKernels.LANES >= 2, "lanes " + VectorKernels.LANES);
    }

    @Test
    void forwardIsBitIdenticalToScalar() {
        qt().withFixedSeed(SEED).withExamples(300).forAll(shapes()).checkAssert(s -> {
            SplittableRandom r = new SplittableRandom(s.seed());
            int outTotal = s.outFrom() + s.out() + 2;
            float[][] weight = gaussian(r, outTotal, s.in());
            float[] bias = s.bias() ? gaussian(r, 1, outTotal)[0] : null;
            float[][] x = gaussian(r, s.in(), s.rows() + 3);
            float[][] expected = gaussian(r, s.out(), s.rows() + 3);
            float[][] actual = copy(expected);
            for (int o = 0; o < s.out(); o++) {
                Kernels.linearForwardRange(weight, bias, s.outFrom() + o, x, s.in(), 0, s.rows(), expected[o], s.accumulate());
            }
            VectorKernels.linearForward(weight, bias, s.outFrom(), s.out(), x, s.in(), s.rows(), actual, s.accumulate());
            assertSame(s, expected, actual);
        });
    }

    @Test
    void inputGradientIsBitIdenticalToScalar() {
        qt().withFixedSeed(SEED + 1).withExamples(300).forAll(shapes()).checkAssert(s -> {
            SplittableRandom r = new SplittableRandom(s.seed());
            float[][] weight = gaussian(r, s.outFrom() + s.out() + 2, s.in());
            float[][] dy = gaussian(r, s.out(), s.rows() + 3);
            float[][] expected = gaussian(r, s.in(), s.rows() + 3);
            float[][] actual = copy(expected);
            for (int p = 0; p < s.in(); p++) {
                Kernels.linearBackwardDataRange(weight, s.outFrom(), s.out(), dy, p, 0, s.rows(), expected[p], s.accumulate());
            }
            VectorKernels.linearBackwardData(weight, s.outFrom(), s.out(), dy, s.in(), s.rows(), actual, s.accumulate());
            assertSame(s, expected, actual);
        });
    }

    /**
     * The row kernel that runs the training kernels' last rows (after the last whole vector of rows)
     * gives the scalar kernels' bits on any row range: the forward on a transposed weight slice, and
     * the input gradient on the weight's own rows, overwriting or accumulating, with or without bias.
     */
    @Test
    void rowKernelOnTheLastRowsIsBitIdenticalToScalar() {
        qt().withFixedSeed(SEED + 7).withExamples(300).forAll(shapes()).checkAssert(s -> {
            SplittableRandom r = new SplittableRandom(s.seed());
            int outTotal = s.outFrom() + s.out() + 2;
            float[][] weight = gaussian(r, outTotal, s.in());
            float[] bias = s.bias() ? gaussian(r, 1, outTotal)[0] : null;
            int from = r.nextInt(s.rows());
            float[] row = new float[Math.max(s.in(), s.out())];

            float[][] x = gaussian(r, s.in(), s.rows() + 3);
            float[][] expected = gaussian(r, s.out(), s.rows() + 3);
            float[][] actual = copy(expected);
            for (int o = 0; o < s.out(); o++) {
                Kernels.linearForwardRange(weight, bias, s.outFrom() + o, x, s.in(), from, s.rows(), expected[o], s.accumulate());
            }
            float[][] weightT = new float[s.in()][s.out()];
            for (int o = 0; o < s.out(); o++) {
                for (int p = 0; p < s.in(); p++) {
                    weightT[p][o] = weight[s.outFrom() + o][p];
                }
            }
            RowKernels.rows(weightT, 0, bias, s.outFrom(), s.out(), x, s.in(), from, s.rows(), actual, s.accumulate(), row);
            assertSame(s, expected, actual);

            float[][] dy = gaussian(r, s.out(), s.rows() + 3);
            float[][] expectedDx = gaussian(r, s.in(), s.rows() + 3);
            float[][] actualDx = copy(expectedDx);
            for (int p = 0; p < s.in(); p++) {
                Kernels.linearBackwardDataRange(weight, s.outFrom(), s.out(), dy, p, from, s.rows(), expectedDx[p], s.accumulate());
            }
            RowKernels.rows(weight, s.outFrom(), null, 0, s.in(), dy, s.out(), from, s.rows(), actualDx, s.accumulate(), row);
            assertSame(s, expectedDx, actualDx);
        });
    }

    @Test
    void weightGradientIsBitIdenticalToScalar() {
        qt().withFixedSeed(SEED + 2).withExamples(300).forAll(shapes()).checkAssert(s -> {
            SplittableRandom r = new SplittableRandom(s.seed());
            float[][] dyRows = gaussian(r, s.rows(), s.out() + 1);
            float[][] xRows = gaussian(r, s.rows(), s.in() + 3);
            float[][] expected = gaussian(r, s.outFrom() + s.out() + 2, s.in() + 3);
            float[][] actual = copy(expected);
            for (int o = 0; o < s.out(); o++) {
                Kernels.linearBackwardWeightRange(dyRows, o, xRows, 0, s.in(), s.rows(), expected[s.outFrom() + o]);
            }
            VectorKernels.linearBackwardWeight(dyRows, s.out(), xRows, s.in(), s.rows(), actual, s.outFrom());
            assertSame(s, expected, actual);
        });
    }

    @Test
    void itemTowerProductsAreBitIdenticalToScalar() {
        qt().withFixedSeed(SEED + 3).withExamples(200).forAll(shapes()).checkAssert(s -> {
            SplittableRandom r = new SplittableRandom(s.seed());
            int width = s.out();
            float[][] productT = gaussian(r, s.in(), width + 2);
            float[][] features = gaussian(r, 4, s.in() + 1);
            float[][] expected = gaussian(r, 4, width + 2);
            float[][] actual = copy(expected);
            int full = width - width % VectorKernels.LANES;
            for (int j = 0; j < 4; j++) {
                Kernels.addWeightedRows(features[j], productT, s.in(), expected[j], 0, full);
            }
            VectorKernels.productRows(features[0], features[1], features[2], features[3], productT, s.in(), 0, full, actual[0], actual[1],
                    actual[2], actual[3]);
            assertSame(s, expected, actual);
            // At an offset into the matrix (item scoring: a block of items), four rows and one row.
            int from = 2;
            int fullFrom = (width + 2 - from) - (width + 2 - from) % VectorKernels.LANES;
            float[][] shifted = new float[s.in()][];
            for (int p = 0; p < s.in(); p++) {
                shifted[p] = Arrays.copyOfRange(productT[p], from, width + 2);
            }
            float[][] expectedAt = gaussian(r, 4, width + 2);
            float[][] actualAt = copy(expectedAt);
            float[][] actualOne = copy(expectedAt);
            for (int j = 0; j < 4; j++) {
                Kernels.addWeightedRows(features[j], shifted, s.in(), expectedAt[j], 0, fullFrom);
                VectorKernels.productRow(features[j], productT, s.in(), from, fullFrom, actualOne[j]);
            }
            VectorKernels.productRows(features[0], features[1], features[2], features[3], productT, s.in(), from, fullFrom, actualAt[0],
                    actualAt[1], actualAt[2], actualAt[3]);
            assertSame(s, expectedAt, actualAt);
            assertSame(s, expectedAt, actualOne);
        });
    }

    @Test
    void itemTowerProductGradientIsBitIdenticalToScalar() {
        qt().withFixedSeed(SEED + 4).withExamples(200).forAll(shapes()).checkAssert(s -> {
            SplittableRandom r = new SplittableRandom(s.seed());
            int n = s.rows();
            int width = s.out();
            float[][] xs = gaussian(r, n, s.in() + 2);
            float[][] gs = gaussian(r, n, width + 1);
            float[][] expected = gaussian(r, s.in() + 2, width + 1);
            float[][] actual = copy(expected);
            int pFrom = Math.min(s.outFrom(), s.in());
            scalarProductGradient(xs, n, gs, width, expected, pFrom, s.in());
            VectorKernels.productGradient(xs, n, gs, width, actual, pFrom, s.in(), packed(s.in() + 2), tileGrads());
            assertSame(s, expected, actual);
        });
    }

    /** Step-sized row counts around the product gradient's tile boundaries, at the default shape (128 features, width 64). */
    @Test
    void itemTowerProductGradientOverSeveralRowTilesIsBitIdenticalToScalar() {
        int tile = VectorKernels.PRODUCT_TILE_ROWS;
        SplittableRandom r = new SplittableRandom(SEED + 5);
        for (int n : new int[] {tile - 1, tile, tile + 1, tile + 3, tile + 4, tile + 5, 2 * tile, 2 * tile + 3, 3 * tile + 2, 1701}) {
            for (int width : new int[] {64, 70}) {
                float[][] xs = gaussian(r, n, 128);
                float[][] gs = gaussian(r, n, width);
                float[][] expected = gaussian(r, 128, width);
                float[][] actual = copy(expected);
                scalarProductGradient(xs, n, gs, width, expected, 2, 127);
                VectorKernels.productGradient(xs, n, gs, width, actual, 2, 127, packed(128), tileGrads());
                assertSame(new Shape(n, 128, width, 2, n, false, true), expected, actual);
            }
        }
    }

    /** The item adapter's first-layer gradient: column dots on the transposed product gradient, per lane the sums of Kernels.dot. */
    @Test
    void itemAdapterColumnDotsAreBitIdenticalToScalarDots() {
        qt().withFixedSeed(SEED + 6).withExamples(200).forAll(shapes()).checkAssert(s -> {
            SplittableRandom r = new SplittableRandom(s.seed());
            int count = s.out();
            int features = 2 * s.in();
            float[][] rows = gaussian(r, features, count);
            float[][] rowsT = new float[count][features + 1];
            for (int p = 0; p < features; p++) {
                for (int f = 0; f < count; f++) {
                    rowsT[f][p] = rows[p][f];
                }
            }
            float[] col = gaussian(r, 1, count + 1)[0];
            float[][] expected = gaussian(r, 1, features + 1);
            float[][] actual = copy(expected);
            int full = features - features % VectorKernels.LANES;
            for (int p = 0; p < full; p++) {
                expected[0][p] += Kernels.dot(rows[p], col, count);
            }
            VectorKernels.columnDots(rowsT, col, count, full, gaussian(r, 4, features), actual[0]);
            assertSame(s, expected, actual);
        });
    }

    /** The item adapter's product M = W2 W1 and second-layer gradient, hidden unit by hidden unit, against the scalar updates. */
    @Test
    void itemAdapterScaledRowUpdatesAreBitIdenticalToScalar() {
        qt().withFixedSeed(SEED + 7).withExamples(200).forAll(shapes()).checkAssert(s -> {
            SplittableRandom r = new SplittableRandom(s.seed());
            int count = s.in();
            int width = s.out() + VectorKernels.LANES;
            int full = width - width % VectorKernels.LANES;
            float[][] x = gaussian(r, 3, width);
            float[][] weights = gaussian(r, 3, count + 1);
            float[][] expected = gaussian(r, count + 1, width);
            float[][] actual = copy(expected);
            for (int h = 0; h < 3; h++) {
                for (int p = 0; p < count; p++) {
                    for (int c = 0; c < full; c++) {
                        expected[p][c] += x[h][c] * weights[h][p];
                    }
                }
                for (int p = 0; p < count; p++) {
                    VectorKernels.addScaled(actual[p], x[h], weights[h][p], full);
                }
            }
            assertSame(s, expected, actual);
            float[][] rows = gaussian(r, count + 1, width);
            float[][] expectedSum = gaussian(r, 1, width);
            float[][] actualSum = copy(expectedSum);
            for (int p = 0; p < count; p++) {
                for (int c = 0; c < full; c++) {
                    expectedSum[0][c] += rows[p][c] * weights[0][p];
                }
            }
            for (int p = 0; p < count; p++) {
                VectorKernels.addScaled(actualSum[0], rows[p], weights[0][p], full);
            }
            assertSame(s, expectedSum, actualSum);
        });
    }

    private static float[][] packed(int features) {
        return new float[VectorKernels.PRODUCT_TILE_ROWS + 3][features];
    }

    private static float[][] tileGrads() {
        return new float[VectorKernels.PRODUCT_TILE_ROWS + 3][];
    }

    /** The item tower's scalar sum: rows in groups of four, then one by one. */
    private static void scalarProductGradient(float[][] xs, int n, float[][] gs, int width, float[][] dm, int pFrom, int pTo) {
        for (int p = pFrom; p < pTo; p++) {
            float[] d = dm[p];
            int k = 0;
            for (; k + 3 < n; k += 4) {
                for (int f = 0; f < width; f++) {
                    d[f] += xs[k][p] * gs[k][f] + xs[k + 1][p] * gs[k + 1][f] + xs[k + 2][p] * gs[k + 2][f] + xs[k + 3][p] * gs[k + 3][f];
                }
            }
            for (; k < n; k++) {
                for (int f = 0; f < width; f++) {
                    d[f] += xs[k][p] * gs[k][f];
                }
            }
        }
    }

    /** Compares every entry, spare ones included (they must stay untouched), by bit pattern. */
    private static void assertSame(Shape s, float[][] expected, float[][] actual) {
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                int row = i;
                int col = j;
                // assertEquals on floats compares bit patterns (it tells 0.0 from -0.0)
                assertEquals(expected[i][j], actual[i][j], () -> s + ": entry [" + row + "][" + col + "]");
            }
        }
    }

    private static float[][] copy(float[][] m) {
        float[][] c = new float[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    private static float[][] gaussian(SplittableRandom r, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int c = 0; c < cols; c++) {
                row[c] = (float) r.nextGaussian();
            }
        }
        return m;
    }
}
