package dev.llmedt.dualphase;

import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.RaggedBatch;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.engine.SasRecShape;
import dev.llmedt.engine.WorkerPool;
import dev.llmedt.training.TrainingSequences;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 2's {@code h_global}: the frozen phase-1 model's hidden state at every training row, computed
 * once before the first step, without dropout. The rows are laid out as phase 1 laid the sequences
 * out: row t of sequence s follows the item at mixed position {@code first(s) + t}.
 */
final class GlobalHiddenStates {

    private static final Logger LOG = LoggerFactory.getLogger(GlobalHiddenStates.class);

    private final int dim;
    private final long[] start;
    private final int[] first;
    private final float[] hidden;

    /**
     * Runs the frozen phase-1 blocks of {@code set} over every training sequence on the pool's workers.
     *
     * @throws IllegalArgumentException when the states do not fit in one array
     */
    GlobalHiddenStates(SasRecShape shape, ParameterSet set, TrainingSequences sequences, WorkerPool pool) {
        this.dim = shape.dim();
        this.start = new long[sequences.size() + 1];
        this.first = new int[sequences.size()];
        this.hidden = compute(shape, set, sequences, pool);
    }

    /** The mixed position of sequence s that row 0 of its states follows. */
    int first(int s) {
        return first[s];
    }

    /** Copies the state just before the item at mixed position j of sequence s (needs {@code j - 1 >= first(s)}). */
    void copyBefore(int s, int j, float[] into) {
        int base = (int) start[s] + (j - 1 - first[s]) * dim;
        System.arraycopy(hidden, base, into, 0, dim);
    }

    private static int rows(TrainingSequences sequences, SasRecShape shape, int s) {
        return Math.min(sequences.items[s].length - 1, shape.maxLength());
    }

    private float[] compute(SasRecShape shape, ParameterSet set, TrainingSequences sequences, WorkerPool pool) {
        long total = 0;
        for (int s = 0; s < sequences.size(); s++) {
            int n = Math.max(rows(sequences, shape, s), 0);
            start[s] = total;
            first[s] = sequences.items[s].length - 1 - n;
            total += (long) n * shape.dim();
        }
        start[sequences.size()] = total;
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("the training sequences have too many positions for phase 2 on one machine: " + total
                    / shape.dim() + " rows");
        }
        float[] out = new float[(int) total];
        int batch = 128;
        int chunks = (sequences.size() + batch - 1) / batch;
        int workers = pool.size();
        SasRecNetwork[] nets = new SasRecNetwork[workers];
        RaggedBatch[] batches = new RaggedBatch[workers];
        for (int w = 0; w < workers; w++) {
            nets[w] = new SasRecNetwork(shape, set, batch, batch * shape.maxLength());
            batches[w] = new RaggedBatch(batch, batch * shape.maxLength());
        }
        long startTime = System.nanoTime();
        pool.run(w -> {
            for (int c = w; c < chunks; c += workers) {
                RaggedBatch b = batches[w];
                b.clear();
                for (int s = c * batch; s < Math.min(sequences.size(), (c + 1) * batch); s++) {
                    int n = rows(sequences, shape, s);
                    if (n < 1) {
                        continue;
                    }
                    int firstPosition = first[s];
                    int row = b.beginSequence(n, 0, s);
                    for (int t = 0; t < n; t++) {
                        b.input[row + t] = sequences.items[s][firstPosition + t] + 1;
                        b.position[row + t] = shape.maxLength() - n + t;
                    }
                }
                if (b.sequences == 0) {
                    continue;
                }
                nets[w].forward(b, false);
                float[][] h = nets[w].hidden();
                for (int q = 0; q < b.sequences; q++) {
                    int s = b.tag[q];
                    int base = (int) start[s];
                    for (int t = 0; t < b.length[q]; t++) {
                        int r = b.start[q] + t;
                        for (int f = 0; f < shape.dim(); f++) {
                            out[base + t * shape.dim() + f] = h[f][r];
                        }
                    }
                }
            }
        });
        LOG.info("phase 2: frozen global hidden states of {} rows in {} s", total / shape.dim(),
                String.format("%.1f", (System.nanoTime() - startTime) / 1e9));
        return out;
    }
}
