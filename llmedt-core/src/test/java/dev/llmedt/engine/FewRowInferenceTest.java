package dev.llmedt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The row-major forward of few rows on transposed weight snapshots gives bit-identical results to
 * the feature-major forward it replaces at inference, for a linear layer and for a whole network.
 */
class FewRowInferenceTest {

    /** Fixed, so that every run (and CI) checks the same examples. */
    private static final long SEED = 0x5E7E_0010L;

    /** A linear layer's problem: the values' seed, input width, output slice of a larger weight, rows, and whether it has a bias. */
    record Layer(long seed, int in, int out, int outFrom, int rows, boolean bias) {
    }

    @Test
    void rowMajorLinearForwardIsBitIdenticalToFeatureMajor() {
        // Widths and row counts that are not multiples of the group of four or of a vector's 16 floats.
        Gen<Layer> layers = longs().all().zip(integers().between(1, 70), integers().between(1, 200), integers().between(0, 9),
                integers().between(1, 70), (seed, in, out, outFrom, rows) -> new Layer(seed, in, out, outFrom, rows, seed % 3 != 0));
        qt().withFixedSeed(SEED).withExamples(300).forAll(layers).checkAssert(FewRowInferenceTest::sameOutputs);
    }

    private static void sameOutputs(Layer l) {
        SplittableRandom r = new SplittableRandom(l.seed());
        int outTotal = l.outFrom() + l.out() + 3;
        float[][] weight = gaussian(r, outTotal, l.in());
        float[] bias = l.bias() ? gaussian(r, 1, outTotal)[0] : null;
        float[][] x = gaussian(r, l.in(), l.rows() + 5); // feature-major, with spare columns
        float[][] expected = new float[l.out()][l.rows()];
        Kernels.linearForward(weight, bias, l.outFrom(), l.out(), x, l.in(), l.rows(), expected, false);

        float[][] weightT = new float[l.in()][l.out()];
        for (int o = 0; o < l.out(); o++) {
            for (int p = 0; p < l.in(); p++) {
                weightT[p][o] = weight[l.outFrom() + o][p];
            }
        }
        float[][] xRows = new float[l.rows()][l.in()];
        Kernels.transpose(x, l.in(), l.rows(), xRows);
        float[][] yRows = new float[l.rows()][l.out()];
        Kernels.linearForwardRows(weightT, bias, l.outFrom(), l.out(), xRows, l.in(), l.rows(), yRows);
        // The Vector API's row kernel reads and writes feature-major (spare rows and columns must stay untouched).
        float[][] y = new float[l.out() + 1][l.rows() + 2];
        RowKernels.rows(weightT, 0, bias, l.outFrom(), l.out(), x, l.in(), 0, l.rows(), y, false, new float[l.out()]);
        for (int o = 0; o < l.out(); o++) {
            for (int row = 0; row < l.rows(); row++) {
                int output = o;
                int atRow = row;
                // assertEquals on floats compares bit patterns (it tells 0.0 from -0.0)
                assertEquals(expected[o][row], yRows[row][o], () -> l + ": output " + output + " of row " + atRow);
                assertEquals(expected[o][row], y[o][row], () -> l + ": Vector API row kernel, output " + output + " of row " + atRow);
            }
            assertEquals(0f, y[o][l.rows()], () -> l + ": a spare column was written");
        }
        assertEquals(0f, y[l.out()][0], () -> l + ": a spare row was written");
    }

    /** The tiled transposes move every element to its place (row counts around and across tiles) and touch nothing else. */
    @Test
    void transposesMoveEveryElementAndNothingElse() {
        qt().withFixedSeed(SEED).withExamples(200).forAll(longs().all(), integers().between(1, 70), integers().between(1, 300))
                .checkAssert((seed, width, rows) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    float[][] m = gaussian(r, width, rows + 2);
                    float[][] out = new float[rows + 1][width + 1];
                    Kernels.transpose(m, width, rows, out);
                    float[][] back = new float[width + 1][rows + 2];
                    Kernels.untranspose(out, width, rows, back);
                    for (int row = 0; row <= rows; row++) {
                        for (int f = 0; f <= width; f++) {
                            float expected = row < rows && f < width ? m[f][row] : 0;
                            assertEquals(expected, out[row][f], "transpose: row " + row + ", feature " + f + " of " + rows + " x " + width);
                        }
                    }
                    for (int f = 0; f <= width; f++) {
                        for (int row = 0; row < rows + 2; row++) {
                            float expected = row < rows && f < width ? m[f][row] : 0;
                            assertEquals(expected, back[f][row], "untranspose: feature " + f + ", row " + row + " of " + width + " x " + rows);
                        }
                    }
                });
    }

    @Test
    void networkWithWeightSnapshotsGivesBitIdenticalHiddenStates() {
        SasRecShape shape = new SasRecShape(40, 24, 2, 2, 30, (float) 0.2, (float) 1e-6);
        ParameterSet set = SasRecNetwork.createParameters(shape);
        SasRecNetwork.initialize(set, 5);
        SplittableRandom r = new SplittableRandom(17);
        for (Parameter p : set.list()) {
            if (p.shape().length == 1) {
                float[] v = p.vectorValue();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (0.5 * r.nextGaussian()); // non-trivial layer norms and biases
                }
            }
        }
        SasRecNetwork plain = new SasRecNetwork(shape, set, 8, 8 * 30);
        SasRecNetwork snapshot = new SasRecNetwork(shape, set, 8, 8 * 30);
        snapshot.snapshotWeights();
        // One user (few rows: the row-major path) and a batch of 8 users (more rows than FEW_ROWS: feature-major).
        for (int users : new int[] {1, 3, 8}) {
            int[][] histories = new int[users][];
            for (int u = 0; u < users; u++) {
                histories[u] = new int[1 + r.nextInt(40)];
                for (int t = 0; t < histories[u].length; t++) {
                    histories[u][t] = r.nextInt(39);
                }
            }
            RaggedBatch batch = new RaggedBatch(8, 8 * 30);
            int[] lastRow = new int[8];
            HistoryWindows.fill(batch, histories, users, shape.maxLength(), 1, lastRow);
            plain.forward(batch, false);
            snapshot.forward(batch, false);
            for (int f = 0; f < shape.dim(); f++) {
                for (int row = 0; row < batch.rows; row++) {
                    assertEquals(plain.hidden()[f][row], snapshot.hidden()[f][row], "feature " + f + " of row " + row + " with " + users + " users (" + batch.rows + " rows)");
                }
            }
        }
    }

    /**
     * The last-rows pass ({@link SasRecNetwork#forwardLastRows}) gives each sequence's last row the
     * bits of the full inference pass: with and without weight snapshots, with and without the
     * output projection, one to three blocks, sequences of one row and of the maximum length.
     */
    @Test
    void lastRowsPassGivesTheFullPassBitsAtEachLastRow() {
        qt().withFixedSeed(SEED).withExamples(60).forAll(longs().all(), integers().between(1, 3), integers().between(1, 12))
                .checkAssert((seed, blocks, users) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    int heads = 1 + r.nextInt(3);
                    int dim = heads * (4 + r.nextInt(12));
                    SasRecShape shape = new SasRecShape(50, dim, blocks, heads, 20, (float) 0.3, (float) 1e-6);
                    ParameterSet set = SasRecNetwork.createParameters(shape);
                    if (seed % 2 != 0) {
                        SasRecNetwork.addOutputProjection(set, dim);
                    }
                    SasRecNetwork.initialize(set, seed);
                    for (Parameter p : set.list()) {
                        float[][] m = p.value();
                        for (float[] row : m) {
                            for (int i = 0; i < row.length; i++) {
                                row[i] += (float) (0.3 * r.nextGaussian()); // non-trivial norms, biases and projection
                            }
                        }
                    }
                    int[][] histories = new int[users][];
                    for (int u = 0; u < users; u++) {
                        histories[u] = new int[r.nextInt(4) == 0 ? 1 : 1 + r.nextInt(30)];
                        for (int t = 0; t < histories[u].length; t++) {
                            histories[u][t] = 1 + r.nextInt(48);
                        }
                    }
                    RaggedBatch batch = new RaggedBatch(12, 12 * 20);
                    int[] lastRow = new int[12];
                    HistoryWindows.fill(batch, histories, users, shape.maxLength(), 0, lastRow);
                    // A domain thread over the same backbone: its own positions, an adapter (or none) and a gate.
                    ParameterSet threadSet = set;
                    threadSet.add(Parameter.matrix("pos_emb.d1.weight", shape.maxLength(), dim));
                    boolean adapter = seed % 3 != 0;
                    if (adapter) {
                        ResidualAdapter.addParameters(threadSet, "adapter.d1.", dim, 3);
                    }
                    threadSet.add(Parameter.vector("gate.d1", 1));
                    for (Parameter p : threadSet.list()) {
                        if (p.name().startsWith("pos_emb.d1") || p.name().startsWith("adapter.") || p.name().startsWith("gate.")) {
                            for (float[] row : p.value()) {
                                for (int i = 0; i < row.length; i++) {
                                    row[i] = (float) (0.5 * r.nextGaussian());
                                }
                            }
                        }
                    }
                    DomainThread fullThread = new DomainThread(shape, threadSet, "pos_emb.d1.weight", adapter ? "adapter.d1." : null,
                            (float) 0.3, "gate.d1", 12, 12 * 20);
                    DomainThread lastThread = new DomainThread(shape, threadSet, "pos_emb.d1.weight", adapter ? "adapter.d1." : null,
                            (float) 0.3, "gate.d1", 12, 12 * 20);
                    lastThread.snapshotWeights();
                    fullThread.forward(batch, false);
                    lastThread.forwardLastRows(batch);
                    for (int u = 0; u < users; u++) {
                        for (int f = 0; f < dim; f++) {
                            assertEquals(fullThread.hidden()[f][lastRow[u]], lastThread.hidden()[f][lastRow[u]],
                                    "domain thread: feature " + f + " of user " + u + ", adapter " + adapter);
                            assertEquals(fullThread.ungatedHidden()[f][lastRow[u]], lastThread.ungatedHidden()[f][lastRow[u]],
                                    "domain thread (ungated): feature " + f + " of user " + u);
                        }
                    }
                    for (boolean snapshots : new boolean[] {false, true}) {
                        SasRecNetwork full = new SasRecNetwork(shape, set, 12, 12 * 20);
                        SasRecNetwork last = new SasRecNetwork(shape, set, 12, 12 * 20);
                        if (snapshots) {
                            full.snapshotWeights();
                            last.snapshotWeights();
                        }
                        full.forward(batch, false);
                        last.forwardLastRows(batch);
                        for (int u = 0; u < users; u++) {
                            for (int f = 0; f < dim; f++) {
                                assertEquals(full.hidden()[f][lastRow[u]], last.hidden()[f][lastRow[u]],
                                        "feature " + f + " of user " + u + " (" + histories[u].length + " items), " + blocks + " blocks, "
                                                + users + " users, snapshots " + snapshots);
                            }
                        }
                    }
                });
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
