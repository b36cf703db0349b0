package dev.llmedt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every layer and loss against central finite differences. The checks run in float64, on the
 * generated {@code f64} copy of the engine (the build does not run the float32 copy of this class).
 */
class GradientCheckTest {

    private static final boolean DOUBLE = Math.ulp((float) 1) < 1e-10;
    private static final double H = 1e-6;
    private static final double TOLERANCE = 1e-6;

    private final SplittableRandom random = new SplittableRandom(7);

    @BeforeEach
    void onlyInDoublePrecision() {
        Assumptions.assumeTrue(DOUBLE, "finite-difference checks need the float64 copy of this test");
    }

    /** Compares analytic gradients with central differences of {@code loss} for every entry of {@code values}. */
    private static void check(String what, DoubleSupplier loss, float[][] values, float[][] analytic, int rows, int cols) {
        double maxErr = 0;
        double maxRef = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float saved = values[r][c];
                values[r][c] = saved + (float) H;
                double up = loss.getAsDouble();
                values[r][c] = saved - (float) H;
                double down = loss.getAsDouble();
                values[r][c] = saved;
                double numeric = (up - down) / (2 * H);
                maxErr = Math.max(maxErr, Math.abs(numeric - analytic[r][c]));
                maxRef = Math.max(maxRef, Math.abs(numeric));
            }
        }
        assertTrue(maxRef > 1e-8, what + ": gradient is identically zero, the check would be vacuous");
        double rel = maxErr / maxRef;
        assertTrue(rel < TOLERANCE, what + ": relative error " + rel);
    }

    private float[][] randomMatrix(int a, int b, double scale) {
        float[][] m = new float[a][b];
        for (float[] row : m) {
            for (int i = 0; i < b; i++) {
                row[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
            }
        }
        return m;
    }

    private static double weightedSum(float[][] y, float[][] w, int width, int rows) {
        double s = 0;
        for (int f = 0; f < width; f++) {
            for (int r = 0; r < rows; r++) {
                s += (double) y[f][r] * w[f][r];
            }
        }
        return s;
    }

    static void randomize(Parameter p, SplittableRandom random, double scale) {
        for (float[] row : p.value()) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
            }
        }
    }

    @Test
    void linearSliceWithBias() {
        ParameterSet set = new ParameterSet();
        Parameter w = set.add(Parameter.matrix("w", 7, 5));
        Parameter b = set.add(Parameter.vector("b", 7));
        randomize(w, random, 1);
        randomize(b, random, 1);
        Linear layer = new Linear(set, w, b, 2, 4);
        int rows = 6;
        float[][] x = randomMatrix(5, rows, 1);
        float[][] weights = randomMatrix(4, rows, 1);
        float[][] y = new float[4][rows];
        DoubleSupplier loss = () -> {
            layer.forward(x, rows, y);
            return weightedSum(y, weights, 4, rows);
        };
        Gradients g = new Gradients(set);
        float[][] dx = new float[5][rows];
        loss.getAsDouble();
        layer.backward(x, weights, rows, dx, false, g, new RowScratch());
        check("linear weight", loss, w.value(), g.of(w), 7, 5);
        check("linear bias", loss, b.value(), g.of(b), 1, 7);
        check("linear input", loss, x, dx, 5, rows);
        for (int r = 0; r < 7; r++) {
            for (int c = 0; c < 5; c++) {
                if (r < 2 || r >= 6) {
                    assertEquals(0, g.of(w)[r][c], "rows outside the slice get no gradient");
                }
            }
        }
    }

    @Test
    void layerNorm() {
        ParameterSet set = new ParameterSet();
        Parameter gamma = set.add(Parameter.vector("g", 6));
        Parameter beta = set.add(Parameter.vector("b", 6));
        randomize(gamma, random, 2);
        randomize(beta, random, 1);
        int rows = 5;
        LayerNorm ln = new LayerNorm(set, gamma, beta, (float) 1e-5, rows);
        float[][] x = randomMatrix(6, rows, 3);
        float[][] w = randomMatrix(6, rows, 1);
        float[][] y = new float[6][rows];
        DoubleSupplier loss = () -> {
            ln.forward(x, rows, y);
            return weightedSum(y, w, 6, rows);
        };
        Gradients g = new Gradients(set);
        float[][] dx = new float[6][rows];
        loss.getAsDouble();
        ln.backward(w, rows, dx, false, g);
        check("layer norm gamma", loss, gamma.value(), g.of(gamma), 1, 6);
        check("layer norm beta", loss, beta.value(), g.of(beta), 1, 6);
        check("layer norm input", loss, x, dx, 6, rows);
    }

    @Test
    void activations() {
        for (Activation act : Activation.values()) {
            int rows = 7;
            float[][] x = randomMatrix(3, rows, 3);
            for (float[] row : x) {
                for (int i = 0; i < rows; i++) {
                    if (Math.abs(row[i]) < 0.05) {
                        row[i] += 0.2; // away from ReLU's kink
                    }
                }
            }
            float[][] w = randomMatrix(3, rows, 1);
            float[][] y = new float[3][rows];
            DoubleSupplier loss = () -> {
                act.forward(x, 3, rows, y);
                return weightedSum(y, w, 3, rows);
            };
            float[][] dx = new float[3][rows];
            for (int f = 0; f < 3; f++) {
                System.arraycopy(w[f], 0, dx[f], 0, rows);
            }
            act.backward(x, 3, rows, dx);
            check(act + " input", loss, x, dx, 3, rows);
        }
        assertEquals(0.8413447460685429 * 1.0, Activation.gelu(1.0), 2e-7, "GELU(1) = Phi(1)");
    }

    @Test
    void dropoutUsesItsMaskBothWays() {
        int rows = 9;
        Dropout dropout = new Dropout((float) 0.4, 4, rows);
        int[] sequenceOfRow = {0, 0, 0, 1, 1, 2, 2, 2, 2};
        long[] streams = new long[3];
        float[][] x = randomMatrix(4, rows, 1);
        float[][] w = randomMatrix(4, rows, 1);
        float[][] y = new float[4][rows];
        DoubleSupplier loss = () -> {
            streams[0] = 11;
            streams[1] = 12;
            streams[2] = 13;
            Kernels.copy(x, 4, rows, y);
            dropout.forward(y, rows, true, sequenceOfRow, streams);
            return weightedSum(y, w, 4, rows);
        };
        loss.getAsDouble();
        float[][] dx = new float[4][rows];
        Kernels.copy(w, 4, rows, dx);
        dropout.backward(dx, rows);
        check("dropout input", loss, x, dx, 4, rows);
        int zeros = 0;
        for (float[] row : y) {
            for (int r = 0; r < rows; r++) {
                zeros += row[r] == 0 ? 1 : 0;
            }
        }
        assertTrue(zeros > 0 && zeros < 4 * rows, "some but not all elements dropped: " + zeros);
    }

    @Test
    void causalSelfAttentionWithDropout() {
        int d = 8;
        ParameterSet set = new ParameterSet();
        Parameter inW = set.add(Parameter.matrix("in_w", 3 * d, d));
        Parameter inB = set.add(Parameter.vector("in_b", 3 * d));
        Parameter outW = set.add(Parameter.matrix("out_w", d, d));
        Parameter outB = set.add(Parameter.vector("out_b", d));
        for (Parameter p : set.list()) {
            randomize(p, random, 0.6);
        }
        RaggedBatch batch = new RaggedBatch(3, 11);
        int[] lengths = {1, 4, 6};
        for (int s = 0; s < 3; s++) {
            batch.beginSequence(lengths[s], 0, s);
        }
        int rows = batch.rows;
        CausalSelfAttention attention = new CausalSelfAttention(set, inW, inB, outW, outB, 2, (float) 0.25, 6, 11, 3);
        float[][] queryIn = randomMatrix(d, rows, 1);
        float[][] keyValueIn = randomMatrix(d, rows, 1);
        float[][] w = randomMatrix(d, rows, 1);
        float[][] out = new float[d][rows];
        DoubleSupplier loss = () -> {
            for (int s = 0; s < 3; s++) {
                batch.streams[s] = 100 + s;
            }
            attention.forward(queryIn, keyValueIn, batch, true, out);
            return weightedSum(out, w, d, rows);
        };
        loss.getAsDouble();
        Gradients g = new Gradients(set);
        float[][] dq = new float[d][rows];
        float[][] dkv = new float[d][rows];
        attention.backward(w, g, dq, false, dkv, false);
        check("attention query input", loss, queryIn, dq, d, rows);
        check("attention key/value input", loss, keyValueIn, dkv, d, rows);
        for (Parameter p : set.list()) {
            check("attention " + p.name(), loss, p.value(), g.of(p), p.rows(), p.cols());
        }
    }

    @Test
    void binaryCrossEntropy() {
        double[] g = new double[1];
        for (double z : new double[] {-30, -2.5, -0.1, 0, 0.7, 4, 40}) {
            for (boolean positive : new boolean[] {true, false}) {
                Losses.binaryCrossEntropy(z, positive, 1, g);
                double numeric = (Losses.binaryCrossEntropy(z + H, positive, 1, new double[1])
                        - Losses.binaryCrossEntropy(z - H, positive, 1, new double[1])) / (2 * H);
                assertEquals(numeric, g[0], 1e-7, "BCE gradient at " + z);
            }
        }
        assertEquals(Math.log(2), Losses.binaryCrossEntropy(0, true, 1, g), 1e-15);
        assertTrue(Double.isFinite(Losses.binaryCrossEntropy(-1000, true, 1, g)), "no overflow");
    }

    @Test
    void infoNce() {
        for (boolean symmetric : new boolean[] {false, true}) {
            int n = 5;
            int width = 4;
            float[][] a = randomMatrix(n, width, 1);
            float[][] b = randomMatrix(n, width, 1);
            double[][] work = new double[n + 2][n];
            DoubleSupplier loss = () -> Losses.infoNce(a, b, n, width, 0.3, symmetric, 1, new float[n][width],
                    new float[n][width], work);
            float[][] ga = new float[n][width];
            float[][] gb = new float[n][width];
            Losses.infoNce(a, b, n, width, 0.3, symmetric, 1, ga, gb, work);
            check("InfoNCE a (symmetric=" + symmetric + ")", loss, a, ga, n, width);
            check("InfoNCE b (symmetric=" + symmetric + ")", loss, b, gb, n, width);
        }
    }

    /** A small SASRec on three sequences with dropout on (the random streams reset at each evaluation). */
    static final class SmallSasRec {
        final SasRecShape shape = new SasRecShape(13, 8, 2, 2, 6, (float) 0.2, (float) 1e-6);
        final ParameterSet set = SasRecNetwork.createParameters(shape);
        final RaggedBatch batch = new RaggedBatch(3, 16);
        final SasRecNetwork network;
        int targets;

        SmallSasRec(SplittableRandom random) {
            this(random, false);
        }

        /** With {@code outputProjection}, the network maps its final states through {@code out_proj} (randomized here). */
        SmallSasRec(SplittableRandom random, boolean outputProjection) {
            if (outputProjection) {
                SasRecNetwork.addOutputProjection(set, shape.dim());
            }
            network = new SasRecNetwork(shape, set, 3, 16);
            SasRecNetwork.initialize(set, 3);
            if (outputProjection) {
                randomize(set.get(TensorLayout.OUTPUT_PROJECTION_WEIGHT), random, 0.5); // not the identity it starts at
            }
            for (Parameter p : set.list()) {
                if (p.shape().length == 1) {
                    randomize(p, random, 0.5); // non-trivial layer norms and biases
                }
            }
            int[][] seqs = {{3, 7, 1, 12}, {5}, {2, 2, 9, 4, 11, 6}};
            for (int s = 0; s < seqs.length; s++) {
                int row = batch.beginSequence(seqs[s].length, 0, s);
                for (int t = 0; t < seqs[s].length; t++) {
                    batch.input[row + t] = seqs[s][t];
                    batch.position[row + t] = shape.maxLength() - seqs[s].length + t;
                    batch.positive[row + t] = 1 + (seqs[s][t] + 3) % 12;
                    batch.negative[row + t] = 1 + (seqs[s][t] + 7) % 12;
                    targets++;
                }
            }
        }

        /** The gradients of the loss with dropout on, the random streams reset as {@link #loss} resets them. */
        Gradients gradients() {
            Gradients g = new Gradients(set);
            for (int s = 0; s < batch.sequences; s++) {
                batch.streams[s] = 1000 + s;
            }
            network.forward(batch, true);
            network.backward(targets, g);
            return g;
        }

        double loss(boolean training) {
            for (int s = 0; s < batch.sequences; s++) {
                batch.streams[s] = 1000 + s;
            }
            network.forward(batch, training);
            return network.backward(targets, new Gradients(set));
        }
    }

    @Test
    void wholeSasRecNetworkWithDropout() {
        SmallSasRec m = new SmallSasRec(random);
        Gradients g = m.gradients();
        for (Parameter p : m.set.list()) {
            int rows = p.rows();
            if (p.name().equals("item_emb.weight")) {
                // padding row 0 never receives a gradient; check the others
                for (int c = 0; c < p.cols(); c++) {
                    assertEquals(0, g.of(p)[0][c], "padding row gradient");
                }
            }
            check("SASRec " + p.name(), () -> m.loss(true), p.value(), g.of(p), rows, p.cols());
        }
    }

    @Test
    void sasRecNetworkWithAnOutputProjection() {
        SmallSasRec m = new SmallSasRec(random, true);
        Gradients g = m.gradients();
        for (Parameter p : m.set.list()) {
            check("SASRec with output projection " + p.name(), () -> m.loss(true), p.value(), g.of(p), p.rows(), p.cols());
        }
    }

    @Test
    void anOutputProjectionStartsAtTheIdentityAndLeavesEveryOtherStartingValueAsItWas() {
        SasRecShape shape = new SasRecShape(13, 8, 2, 2, 6, (float) 0.2, (float) 1e-6);
        ParameterSet plain = SasRecNetwork.createParameters(shape);
        SasRecNetwork.initialize(plain, 5);
        ParameterSet projected = SasRecNetwork.createParameters(shape);
        SasRecNetwork.addOutputProjection(projected, shape.dim());
        SasRecNetwork.initialize(projected, 5);
        for (Parameter p : plain.list()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(p.value(), projected.get(p.name()).value(), p.name());
        }
        float[][] w = projected.get(TensorLayout.OUTPUT_PROJECTION_WEIGHT).value();
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < w[i].length; j++) {
                assertEquals(i == j ? 1f : 0f, w[i][j]);
            }
        }
        // At the identity (bias 0) the network's states are those of the network without it.
        RaggedBatch batch = new RaggedBatch(1, 4);
        int row = batch.beginSequence(3, 0, 0);
        for (int t = 0; t < 3; t++) {
            batch.input[row + t] = 2 + t;
            batch.position[row + t] = shape.maxLength() - 3 + t;
        }
        SasRecNetwork a = new SasRecNetwork(shape, plain, 1, 4);
        SasRecNetwork b = new SasRecNetwork(shape, projected, 1, 4);
        a.forward(batch, false);
        b.forward(batch, false);
        for (int f = 0; f < shape.dim(); f++) {
            for (int r = 0; r < 3; r++) {
                assertEquals(a.hidden()[f][r], b.hidden()[f][r], 1e-6);
            }
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(SasRecNetwork.emptyHistoryHidden(plain), SasRecNetwork.emptyHistoryHidden(projected));
    }

    /** The loss and gradients of the small network as its batch stands, normalised by {@code totalWeight}. */
    private static double weightedLoss(SmallSasRec m, double totalWeight, Gradients into) {
        for (int s = 0; s < m.batch.sequences; s++) {
            m.batch.streams[s] = 1000 + s;
        }
        m.network.forward(m.batch, true);
        return m.network.backward(totalWeight, into);
    }

    @Test
    void weightedSasRecLoss() {
        SmallSasRec m = new SmallSasRec(random);
        Gradients plain = new Gradients(m.set);
        double mean = weightedLoss(m, m.targets, plain);
        // Weight 1 everywhere is the plain mean BCE, bit for bit (the golden traces rely on it).
        Gradients again = new Gradients(m.set);
        assertEquals(mean, m.loss(true));
        assertEquals(mean, weightedLoss(m, m.targets, again));

        // Weight 0 on a row removes its contribution: the same loss and gradients as no target there.
        int row = 4;
        m.batch.weight[row] = 0;
        Gradients zero = new Gradients(m.set);
        double zeroLoss = weightedLoss(m, m.targets - 1, zero);
        int positive = m.batch.positive[row];
        int negative = m.batch.negative[row];
        m.batch.weight[row] = 1;
        m.batch.positive[row] = 0;
        m.batch.negative[row] = 0;
        Gradients removed = new Gradients(m.set);
        double removedLoss = weightedLoss(m, m.targets - 1, removed);
        assertEquals(removedLoss, zeroLoss, 1e-12);
        assertTrue(Math.abs(removedLoss - mean) > 1e-6, "the row mattered");
        for (Parameter p : m.set.list()) {
            for (int r = 0; r < p.rows(); r++) {
                for (int c = 0; c < p.cols(); c++) {
                    assertEquals(removed.of(p)[r][c], zero.of(p)[r][c], 1e-12, p.name());
                }
            }
        }
        m.batch.positive[row] = positive;
        m.batch.negative[row] = negative;

        // Fractional weights: the gradient of sum w_r BCE_r / sum w_r.
        double total = 0;
        for (int r = 0; r < m.batch.rows; r++) {
            m.batch.weight[r] = (float) (0.1 + 0.3 * (r % 4));
            total += m.batch.weight[r];
        }
        double sum = total;
        Gradients g = new Gradients(m.set);
        weightedLoss(m, sum, g);
        for (Parameter p : m.set.list()) {
            check("weighted SASRec " + p.name(), () -> weightedLoss(m, sum, new Gradients(m.set)), p.value(), g.of(p), p.rows(),
                    p.cols());
        }
    }

    @Test
    void adamAndAdamWFollowPyTorch() {
        for (boolean decoupled : new boolean[] {false, true}) {
            ParameterSet set = new ParameterSet();
            Parameter p = set.add(Parameter.vector("p", 3));
            p.setFlat(new float[] {(float) 0.5, (float) -1.0, (float) 2.0});
            Adam adam = new Adam(set, 0.01, 0.9, 0.98, 1e-8, 0.1, decoupled);
            Gradients grads = new Gradients(set);
            float[][] grad = grads.of(p);
            grad[0][0] = (float) 0.3;
            grad[0][1] = (float) -0.2;
            double[] w = {0.5, -1.0, 2.0};
            double[] mm = new double[3];
            double[] vv = new double[3];
            for (int t = 1; t <= 3; t++) {
                adam.beginStep();
                adam.update(0, grads, 0, 1);
                adam.endStep();
                for (int i = 0; i < 3; i++) {
                    double gi = grad[0][i] + (decoupled ? 0 : 0.1 * w[i]);
                    if (decoupled) {
                        w[i] *= 1 - 0.01 * 0.1;
                    }
                    mm[i] = 0.9 * mm[i] + 0.1 * gi;
                    vv[i] = 0.98 * vv[i] + 0.02 * gi * gi;
                    double denom = Math.sqrt(vv[i]) / Math.sqrt(1 - Math.pow(0.98, t)) + 1e-8;
                    w[i] -= 0.01 / (1 - Math.pow(0.9, t)) * mm[i] / denom;
                }
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(w[i], p.vectorValue()[i], 1e-12, "decoupled=" + decoupled + " element " + i);
            }
        }
    }

    @Test
    void residualAdapterWithDropout() {
        int d = 6;
        int m = 3;
        ParameterSet set = new ParameterSet();
        ResidualAdapter.addParameters(set, "a.", d, m);
        for (Parameter p : set.list()) {
            randomize(p, random, 0.8);
        }
        int rows = 7;
        int[] sequenceOfRow = {0, 0, 0, 1, 1, 1, 1};
        long[] streams = new long[2];
        ResidualAdapter adapter = new ResidualAdapter(set, "a.", (float) 0.3, rows);
        float[][] x = randomMatrix(d, rows, 1);
        float[][] w = randomMatrix(d, rows, 1);
        float[][] y = new float[d][rows];
        DoubleSupplier loss = () -> {
            streams[0] = 5;
            streams[1] = 6;
            adapter.forward(x, rows, true, sequenceOfRow, streams, y);
            return weightedSum(y, w, d, rows);
        };
        loss.getAsDouble();
        Gradients g = new Gradients(set);
        float[][] dx = new float[d][rows];
        Kernels.copy(w, d, rows, dx);
        adapter.backward(dx, g, dx);
        check("adapter input", loss, x, dx, d, rows);
        for (Parameter p : set.list()) {
            check("adapter " + p.name(), loss, p.value(), g.of(p), p.rows(), p.cols());
        }
    }

    /** Nine table rows of width 5: text only, ID only, both and neither (row 0), random parameters and features. */
    private record MixedTower(int width, ParameterSet set, Parameter ids, boolean[] usesText, boolean[] usesId, ItemTower tower) {
    }

    private MixedTower mixedTower() {
        int width = 5;
        int featureWidth = 7;
        int tableRows = 9;
        ParameterSet set = new ParameterSet();
        Parameter ids = set.add(Parameter.table(ItemTower.ID_TABLE, tableRows, width));
        ItemTower.addAdapter(set, featureWidth, 3, width);
        for (Parameter p : set.list()) {
            randomize(p, random, 0.7);
        }
        float[][] features = randomMatrix(tableRows, featureWidth, 1);
        boolean[] usesText = {false, true, true, false, true, true, true, false, true};
        boolean[] usesId = {false, true, false, true, true, false, true, true, false};
        return new MixedTower(width, set, ids, usesText, usesId, new ItemTower(set, features, usesText, usesId, width, 8));
    }

    @Test
    void itemTowerMixesTextAndIdRows() {
        MixedTower m = mixedTower();
        int width = m.width;
        int tableRows = m.usesId.length;
        ParameterSet set = m.set;
        Parameter ids = m.ids;
        boolean[] usesText = m.usesText;
        boolean[] usesId = m.usesId;
        ItemTower tower = m.tower;
        int[] rows = {2, 3, 5, 6, 8, 1};
        float[][] out = new float[rows.length + 1][width];
        float[][] w = randomMatrix(rows.length + 1, width, 1);
        DoubleSupplier loss = () -> {
            tower.forward(rows, 0, rows.length, out);
            double s = 0;
            for (int k = 1; k <= rows.length; k++) {
                for (int f = 0; f < width; f++) {
                    s += (double) out[k][f] * w[k][f];
                }
            }
            return s;
        };
        loss.getAsDouble();
        Gradients g = new Gradients(set);
        tower.backward(w, g);
        for (Parameter p : set.list()) {
            check("item tower " + p.name(), loss, p.value(), g.of(p), p.rows(), p.cols());
        }
        for (int r : new int[] {2, 5, 8, 0, 4, 7}) {
            for (int c = 0; c < width; c++) {
                if (!usesId[r] || r == 4 || r == 7 || r == 0) {
                    assertEquals(0, g.of(ids)[r][c], "ID row " + r + " is not read, so it gets no gradient");
                }
            }
        }
        float[][] table = new float[tableRows][width];
        tower.materialize(table);
        tower.forward(rows, 0, rows.length, out);
        for (int k = 0; k < rows.length; k++) {
            assertArrayEquals(out[k + 1], table[rows[k]], "materialize equals forward");
        }
    }

    @Test
    void itemTowerWithIdDropout() {
        MixedTower m = mixedTower();
        int width = m.width;
        int tableRows = m.usesId.length;
        ParameterSet set = m.set;
        Parameter ids = m.ids;
        boolean[] usesText = m.usesText;
        boolean[] usesId = m.usesId;
        ItemTower tower = m.tower;
        int[] rows = {2, 3, 5, 6, 8, 1, 4};
        float[][] full = new float[rows.length + 1][width];
        tower.forward(rows, 0, rows.length, full);
        float[][] out = new float[rows.length + 1][width];
        float[][] w = randomMatrix(rows.length + 1, width, 1);
        // A salt under which rows 1, 4 and 6 (text and ID) do not all drop or all stay.
        long salt = 0;
        int dropped;
        do {
            salt++;
            tower.dropIds(0.5f, salt);
            tower.forward(rows, 0, rows.length, out);
            dropped = 0;
            for (int k = 0; k < rows.length; k++) {
                dropped += usesText[rows[k]] && usesId[rows[k]] && close(out[k + 1], minus(full[k + 1], ids.value()[rows[k]], 1)) ? 1 : 0;
            }
        } while (dropped == 0 || dropped == 3);
        long chosen = salt;
        DoubleSupplier loss = () -> {
            tower.dropIds(0.5f, chosen);
            tower.forward(rows, 0, rows.length, out);
            double s = 0;
            for (int k = 1; k <= rows.length; k++) {
                for (int f = 0; f < width; f++) {
                    s += (double) out[k][f] * w[k][f];
                }
            }
            return s;
        };
        loss.getAsDouble();
        Gradients g = new Gradients(set);
        tower.backward(w, g);
        for (Parameter p : set.list()) {
            check("item tower with ID dropout " + p.name(), loss, p.value(), g.of(p), p.rows(), p.cols());
        }
        // The checks moved and restored the parameters: the reference vectors and this step's again.
        tower.dropIds(0, 0);
        tower.forward(rows, 0, rows.length, full);
        loss.getAsDouble();
        for (int k = 0; k < rows.length; k++) {
            int r = rows[k];
            boolean both = usesText[r] && usesId[r];
            boolean isDropped = both && close(out[k + 1], minus(full[k + 1], ids.value()[r], 1));
            if (!both) {
                assertArrayEquals(full[k + 1], out[k + 1], "row " + r + " has one part only: no ID dropout");
            } else if (!isDropped) {
                assertTrue(close(out[k + 1], minus(full[k + 1], ids.value()[r], -1)), "a kept ID vector of row " + r + " counts twice at p = 0.5");
            }
            for (int c = 0; c < width; c++) {
                float expected = !usesId[r] ? 0 : isDropped ? 0 : both ? 2 * w[k + 1][c] : w[k + 1][c];
                assertEquals(expected, g.of(ids)[r][c], 1e-5, "ID gradient of row " + r);
            }
        }
        float[][] table = new float[tableRows][width];
        tower.materialize(table);
        for (int k = 0; k < rows.length; k++) {
            assertArrayEquals(full[k + 1], table[rows[k]], "materialize (evaluation) uses every ID vector, unscaled");
        }
    }

    @Test
    void idDropoutDropsTheShareAskedTheSameRowsInEveryWorkersTowerAndOtherRowsNextStep() {
        int tableRows = 20001;
        ParameterSet set = new ParameterSet();
        Parameter ids = set.add(Parameter.table(ItemTower.ID_TABLE, tableRows, 1));
        ItemTower.addAdapter(set, 1, 1, 1);
        for (float[] row : ids.value()) {
            row[0] = 1;
        }
        float[][] features = new float[tableRows][1];
        boolean[] both = new boolean[tableRows];
        java.util.Arrays.fill(both, 1, tableRows, true);
        int[] rows = new int[tableRows - 1];
        for (int k = 0; k < rows.length; k++) {
            rows[k] = k + 1;
        }
        ItemTower a = new ItemTower(set, features, both, both, 1, rows.length);
        ItemTower b = new ItemTower(set, features, both, both, 1, rows.length);
        float[][] outA = new float[tableRows][1];
        float[][] outB = new float[tableRows][1];
        float[][] outNext = new float[tableRows][1];
        a.dropIds(0.3f, 42);
        b.dropIds(0.3f, 42);
        a.forward(rows, 0, rows.length, outA);
        b.forward(rows, 0, rows.length, outB);
        a.dropIds(0.3f, 43);
        a.forward(rows, 0, rows.length, outNext);
        int dropped = 0;
        int differ = 0;
        for (int r = 1; r < tableRows; r++) {
            assertEquals(outA[r][0], outB[r][0], "same salt, same mask in another worker's tower");
            assertTrue(outA[r][0] == 0 || Math.abs(outA[r][0] - 1 / 0.7) < 1e-5, "dropped (0) or kept and scaled: " + outA[r][0]);
            dropped += outA[r][0] == 0 ? 1 : 0;
            differ += (outA[r][0] == 0) != (outNext[r][0] == 0) ? 1 : 0;
        }
        double share = dropped / (double) rows.length;
        assertEquals(0.3, share, 0.015, "share of rows dropped");
        assertEquals(2 * 0.3 * 0.7, differ / (double) rows.length, 0.02, "another step's mask is independent");
    }

    private static float[] minus(float[] a, float[] b, float times) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - times * b[i];
        }
        return out;
    }

    private static boolean close(float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i] - b[i]) > 1e-4 * (1 + Math.abs(b[i]))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void itemTowerWithOneAdapterPerDomain() {
        int width = 4;
        int featureWidth = 5;
        int tableRows = 8;
        ParameterSet set = new ParameterSet();
        set.add(Parameter.table(ItemTower.ID_TABLE, tableRows, width));
        ItemTower.addAdapter(set, "a.d0.", featureWidth, 3, width);
        ItemTower.addAdapter(set, "a.d1.", featureWidth, 3, width);
        for (Parameter p : set.list()) {
            randomize(p, random, 0.7);
        }
        float[][] features = randomMatrix(tableRows, featureWidth, 1);
        boolean[] usesText = {false, true, true, true, true, true, false, true};
        boolean[] usesId = {false, true, true, true, true, true, true, true};
        int[] adapterOf = {0, 0, 0, 0, 1, 1, 1, 1};
        ItemTower tower = new ItemTower(set, ItemTower.ID_TABLE, features, usesText, usesId, adapterOf, new String[] {"a.d0.", "a.d1."},
                width, 8);
        int[] rows = {1, 3, 4, 6, 7};
        float[][] out = new float[rows.length + 1][width];
        float[][] w = randomMatrix(rows.length + 1, width, 1);
        DoubleSupplier loss = () -> {
            tower.forward(rows, 0, rows.length, out);
            double s = 0;
            for (int k = 1; k <= rows.length; k++) {
                for (int f = 0; f < width; f++) {
                    s += (double) out[k][f] * w[k][f];
                }
            }
            return s;
        };
        loss.getAsDouble();
        Gradients g = new Gradients(set);
        tower.backward(w, g);
        for (Parameter p : set.list()) {
            check("per-domain item tower " + p.name(), loss, p.value(), g.of(p), p.rows(), p.cols());
        }
    }

    @Test
    void profileAlignmentThroughNormalizationAndAdapter() {
        for (boolean head : new boolean[] {false, true}) {
            int n = 5;
            int width = 4;
            int profileWidth = 6;
            ParameterSet set = new ParameterSet();
            ProfileAlignment.addParameters(set, "p.", profileWidth, 3, width, head);
            for (Parameter p : set.list()) {
                randomize(p, random, 0.8);
            }
            ProfileAlignment alignment = new ProfileAlignment(set, "p.", 0.4, 8);
            float[][] users = randomMatrix(n, width, 1);
            float[][] profiles = randomMatrix(n, profileWidth, 1);
            DoubleSupplier loss = () -> alignment.forwardBackward(users, profiles, n, 0.7, new float[n][width], new Gradients(set));
            Gradients g = new Gradients(set);
            float[][] gu = new float[n][width];
            double value = alignment.forwardBackward(users, profiles, n, 0.7, gu, g);
            assertTrue(value > 0, "InfoNCE is positive");
            check("alignment user vectors (head " + head + ")", loss, users, gu, n, width);
            for (Parameter p : set.list()) {
                check("alignment " + p.name() + " (head " + head + ")", loss, p.value(), g.of(p), p.rows(), p.cols());
            }
            if (!head) {
                // Scaling a user vector does not change a cosine: its gradient is orthogonal to it.
                for (int i = 0; i < n; i++) {
                    assertEquals(0, Kernels.dot(gu[i], users[i], width), 1e-9, "gradient orthogonal to user " + i);
                }
            }
        }
    }

    @Test
    void projectedProfilesInTheScore() {
        int n = 4;
        int width = 5;
        ParameterSet set = new ParameterSet();
        ProfileAlignment.addParameters(set, "p.", 6, 3, width, false);
        for (Parameter p : set.list()) {
            randomize(p, random, 0.8);
        }
        ProfileAlignment projection = new ProfileAlignment(set, "p.", 1, 8);
        float[][] profiles = randomMatrix(n, 6, 1);
        float[][] w = randomMatrix(n, width, 1);
        float[][] out = new float[n][width];
        DoubleSupplier loss = () -> {
            projection.project(profiles, n, out);
            double s = 0;
            for (int i = 0; i < n; i++) {
                for (int f = 0; f < width; f++) {
                    s += (double) out[i][f] * w[i][f];
                }
            }
            return s;
        };
        loss.getAsDouble();
        Gradients g = new Gradients(set);
        projection.projectBackward(w, n, g);
        for (Parameter p : set.list()) {
            check("projected profile " + p.name(), loss, p.value(), g.of(p), p.rows(), p.cols());
        }
    }

    @Test
    void domainThreadTrainsItsPositionsThroughTheFrozenBackbone() {
        SmallSasRec m = new SmallSasRec(random);
        ParameterSet set = m.set;
        int d = m.shape.dim();
        set.add(Parameter.matrix("pos_emb.d1.weight", m.shape.maxLength(), d));
        ResidualAdapter.addParameters(set, "adapter.d1.", d, 3);
        set.add(Parameter.vector("gate.d1", 1));
        for (Parameter p : set.list()) {
            if (p.name().startsWith("pos_emb.d1") || p.name().startsWith("adapter.") || p.name().startsWith("gate.")) {
                randomize(p, random, 0.5);
            } else {
                p.setFrozen(true);
            }
        }
        DomainThread thread = new DomainThread(m.shape, set, "pos_emb.d1.weight", "adapter.d1.", (float) 0.3, "gate.d1", 3, 16);
        float[][] offsets = randomMatrix(16, d, 0.5);
        DoubleSupplier loss = () -> {
            for (int s = 0; s < m.batch.sequences; s++) {
                m.batch.streams[s] = 2000 + s;
            }
            thread.forward(m.batch, true);
            return thread.loss(offsets, 1.0 / m.targets);
        };
        loss.getAsDouble();
        Gradients g = new Gradients(set);
        float[][] extra = randomMatrix(d, m.batch.rows, 0.3);
        float[][] onUngated = randomMatrix(d, m.batch.rows, 0.3);
        for (int f = 0; f < d; f++) {
            for (int r = 0; r < m.batch.rows; r++) {
                thread.hiddenGradient()[f][r] += extra[f][r]; // a second loss on h_d
                thread.ungatedGradient()[f][r] += onUngated[f][r]; // and one on its direction, as the alignment adds
            }
        }
        thread.backward(g);
        DoubleSupplier total = () -> {
            double value = loss.getAsDouble();
            return value + weightedSum(thread.hidden(), extra, d, m.batch.rows) + weightedSum(thread.ungatedHidden(), onUngated, d,
                    m.batch.rows);
        };
        for (Parameter p : set.list()) {
            if (p.frozen()) {
                for (float[] row : g.of(p)) {
                    for (float v : row) {
                        assertEquals(0, v, p.name() + " is frozen: no gradient accumulates");
                    }
                }
            } else {
                check("domain thread " + p.name(), total, p.value(), g.of(p), p.rows(), p.cols());
            }
        }
    }

    @Test
    void domainThreadOnGivenBlockOutputsTrainsItsAdapterAsTheFullPassDoes() {
        SmallSasRec m = new SmallSasRec(random);
        ParameterSet set = m.set;
        int d = m.shape.dim();
        set.add(Parameter.matrix("pos_emb.d1.weight", m.shape.maxLength(), d));
        ResidualAdapter.addParameters(set, "adapter.d1.", d, 3);
        set.add(Parameter.vector("gate.d1", 1));
        for (Parameter p : set.list()) {
            randomize(p, random, 0.5);
            p.setFrozen(!(p.name().startsWith("adapter.") || p.name().startsWith("gate.")));
        }
        DomainThread full = new DomainThread(m.shape, set, "pos_emb.d1.weight", "adapter.d1.", (float) 0.3, "gate.d1", false, 3, 16);
        DomainThread given = new DomainThread(m.shape, set, "pos_emb.d1.weight", "adapter.d1.", (float) 0.3, "gate.d1", false, 3, 16);
        assertFalse(given.network().hasTrainableInputsOrWeights(), "positions, blocks and items frozen");
        SasRecNetwork blocks = new SasRecNetwork(m.shape, set, "pos_emb.d1.weight", 3, 16);
        blocks.forward(m.batch, false);
        float[][] offsets = randomMatrix(16, d, 0.5);
        DoubleSupplier loss = () -> {
            for (int s = 0; s < m.batch.sequences; s++) {
                m.batch.streams[s] = 3000 + s;
            }
            for (int f = 0; f < d; f++) {
                System.arraycopy(blocks.hidden()[f], 0, given.network().hidden()[f], 0, m.batch.rows);
            }
            given.forwardOnBlockOutputs(m.batch, true);
            return given.loss(offsets, 1.0 / m.targets);
        };
        double value = loss.getAsDouble();
        for (int s = 0; s < m.batch.sequences; s++) {
            m.batch.streams[s] = 3000 + s;
        }
        full.forward(m.batch, true); // the blocks without dropout, the adapter with it: the same bits
        assertEquals(value, full.loss(offsets, 1.0 / m.targets));
        for (int f = 0; f < d; f++) {
            assertArrayEquals(java.util.Arrays.copyOf(full.hidden()[f], m.batch.rows), java.util.Arrays.copyOf(given.hidden()[f],
                    m.batch.rows), "h_d feature " + f);
        }
        Gradients g = new Gradients(set);
        Gradients fromFull = new Gradients(set);
        given.backward(g);
        full.backward(fromFull);
        for (Parameter p : set.list()) {
            for (int r = 0; r < p.rows(); r++) {
                assertArrayEquals(fromFull.of(p)[r], g.of(p)[r], p.name() + " row " + r);
            }
            if (!p.frozen()) {
                check("domain thread on given block outputs " + p.name(), loss, p.value(), g.of(p), p.rows(), p.cols());
            }
        }
        set.get("pos_emb.d1.weight").setFrozen(false);
        loss.getAsDouble();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> given.backward(new Gradients(set)));
        assertTrue(e.getMessage().contains("forwardOnBlockOutputs"), e.getMessage());
    }
}
