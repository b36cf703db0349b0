package dev.llmedt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.testing.SharedData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reproduces the PyTorch golden case {@code ../shared/golden/sasrec-small}: hidden states,
 * logits, loss and every parameter's gradient. This source also runs in float64 (the build
 * generates the {@code f64} copy), where the tolerance tightens from 1e-5 to 1e-10.
 */
class GoldenSasRecTest {

    /** Relative tolerance: 1e-5 in float32, 1e-10 in float64. */
    static final double TOLERANCE = Math.ulp((float) 1) > 1e-10 ? 1e-5 : 1e-10;

    private static Path dir;
    private static ParameterSet parameters;
    private static SasRecNetwork network;
    private static RaggedBatch batch;
    private static Gradients grads;
    private static double loss;
    private static int[] rowOf;

    @BeforeAll
    static void run() throws IOException {
        dir = SharedData.require("golden/sasrec-small");
        SasRecShape shape = new SasRecShape(41, 16, 2, 2, 8, 0, (float) 1e-8);
        parameters = SasRecNetwork.createParameters(shape);
        for (Parameter p : parameters.list()) {
            float[] flat = new float[(int) p.size()];
            ByteBuffer b = read("params/" + p.name() + ".f32");
            for (int i = 0; i < flat.length; i++) {
                flat[i] = b.getFloat();
            }
            assertEquals(0, b.remaining(), p.name() + " file size");
            p.setFlat(flat);
        }
        int[] seqs = ints("seqs.i32");
        int[] pos = ints("pos.i32");
        int[] neg = ints("neg.i32");
        batch = new RaggedBatch(4, 32);
        rowOf = new int[32];
        java.util.Arrays.fill(rowOf, -1);
        int targets = 0;
        for (int s = 0; s < 4; s++) {
            int first = 0;
            while (first < 8 && seqs[s * 8 + first] == 0) {
                first++;
            }
            int row = batch.beginSequence(8 - first, 0, s);
            for (int t = first; t < 8; t++, row++) {
                batch.input[row] = seqs[s * 8 + t];
                batch.position[row] = t;
                batch.positive[row] = pos[s * 8 + t];
                batch.negative[row] = neg[s * 8 + t];
                rowOf[s * 8 + t] = row;
                if (pos[s * 8 + t] != 0) {
                    targets++;
                }
            }
        }
        network = new SasRecNetwork(shape, parameters, 4, 32);
        grads = new Gradients(parameters);
        network.forward(batch, false);
        loss = network.backward(targets, grads);
    }

    private static ByteBuffer read(String name) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(dir.resolve(name))).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int[] ints(String name) throws IOException {
        ByteBuffer b = read(name);
        int[] v = new int[b.remaining() / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getInt();
        }
        return v;
    }

    private static double[] doubles(String name) throws IOException {
        ByteBuffer b = read(name);
        double[] v = new double[b.remaining() / 8];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getDouble();
        }
        return v;
    }

    /** max |actual - expected| / max |expected|. */
    private static void assertClose(String what, double[] expected, double[] actual) {
        double maxErr = 0;
        double maxRef = 0;
        for (int i = 0; i < expected.length; i++) {
            maxErr = Math.max(maxErr, Math.abs(actual[i] - expected[i]));
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
        }
        double rel = maxErr / Math.max(maxRef, 1e-30);
        assertTrue(rel <= TOLERANCE, what + ": relative error " + rel + " > " + TOLERANCE);
    }

    @Test
    void hiddenStatesMatch() throws IOException {
        double[] expected = doubles("hidden.f64");
        double[] actual = new double[expected.length];
        double[] expectedReal = new double[expected.length];
        for (int p = 0; p < 32; p++) {
            if (rowOf[p] < 0) {
                continue;
            }
            for (int f = 0; f < 16; f++) {
                actual[p * 16 + f] = network.hidden()[f][rowOf[p]];
                expectedReal[p * 16 + f] = expected[p * 16 + f];
            }
        }
        assertClose("hidden", expectedReal, actual);
    }

    @Test
    void logitsAndLossMatch() throws IOException {
        double[] pl = doubles("pos_logits.f64");
        double[] nl = doubles("neg_logits.f64");
        int[] pos = ints("pos.i32");
        double[] actualP = new double[pl.length];
        double[] actualN = new double[nl.length];
        for (int p = 0; p < 32; p++) {
            if (rowOf[p] >= 0 && pos[p] != 0) {
                actualP[p] = network.positiveLogit(rowOf[p]);
                actualN[p] = network.negativeLogit(rowOf[p]);
            } else {
                pl[p] = 0;
                nl[p] = 0;
            }
        }
        assertClose("positive logits", pl, actualP);
        assertClose("negative logits", nl, actualN);
        double expectedLoss = 1.6659779005742288;
        assertTrue(Math.abs(loss - expectedLoss) / expectedLoss <= TOLERANCE, "loss " + loss + " vs " + expectedLoss);
    }

    @Test
    void everyParameterGradientMatches() throws IOException {
        for (Parameter p : parameters.list()) {
            double[] expected = doubles("grads/" + p.name() + ".f64");
            float[][] g = grads.of(p);
            double[] actual = new double[expected.length];
            int cols = p.cols();
            for (int r = 0; r < p.rows(); r++) {
                for (int c = 0; c < cols; c++) {
                    actual[r * cols + c] = g[r][c];
                }
            }
            assertEquals(expected.length, actual.length, p.name());
            assertClose("gradient of " + p.name(), expected, actual);
        }
    }
}
