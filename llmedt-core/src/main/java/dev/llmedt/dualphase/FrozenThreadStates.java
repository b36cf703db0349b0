package dev.llmedt.dualphase;

import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.RaggedBatch;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.engine.SasRecShape;
import dev.llmedt.engine.TensorLayout;
import dev.llmedt.engine.WorkerPool;
import dev.llmedt.training.TrainingSequences;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The block outputs of phase 2's domain threads when nothing the blocks read trains (frozen domain
 * positions) and the blocks run without dropout ({@link FineTuningConfig#evalModeBackbone}): then
 * each user's domain subsequence gives the same states in every epoch, so they are computed once,
 * before the first step, and each step runs only the adapters on them. The states are those a
 * training pass computes (the blocks treat every row and sequence alone, so batching does not change
 * a bit; tested against the uncached passes).
 *
 * <p>Row t of user s in domain d follows the t-th of the last {@code min(n, maxLength)} of the
 * user's n items of d, at position {@code maxLength - min(n, maxLength) + t}, as
 * {@link FineTuningSteps} lays a domain batch out.
 */
final class FrozenThreadStates {

    private static final Logger LOG = LoggerFactory.getLogger(FrozenThreadStates.class);

    private final int dim;
    private final int domains;
    /** Per sequence s and domain d (index s * domains + d), its first row; one more entry at the end. */
    private final int[] start;
    private final float[] states;

    /**
     * Runs the frozen blocks over every training sequence's domain subsequences on the pool's workers,
     * into rows laid out by {@code start} (see {@link #layout}).
     */
    private FrozenThreadStates(SasRecShape shape, ParameterSet set, TrainingSequences sequences, int domains, WorkerPool pool, int[] start) {
        this.dim = shape.dim();
        this.domains = domains;
        this.start = start;
        this.states = new float[start[start.length - 1] * dim];
        compute(shape, set, sequences, pool);
    }

    /**
     * The states of the training sequences if they fit: in one array and in half of the heap the
     * JVM can still give ({@code Runtime.maxMemory()} less what is in use), or {@code budgetBytes}
     * when it is not negative; otherwise null, and phase 2 runs the frozen blocks in every step
     * instead (the same states, so the same model bit for bit, only slower).
     */
    static FrozenThreadStates ifTheyFit(SasRecShape shape, ParameterSet set, TrainingSequences sequences, int domains, WorkerPool pool,
            long budgetBytes) {
        int[] start = new int[sequences.size() * domains + 1];
        long rows = layout(shape, sequences, domains, start);
        long bytes = rows * shape.dim() * Float.BYTES;
        Runtime runtime = Runtime.getRuntime();
        long budget = budgetBytes >= 0 ? budgetBytes : (runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory())) / 2;
        if (rows * shape.dim() > Integer.MAX_VALUE - 16 || bytes > budget) {
            LOG.info("phase 2: the frozen domain-thread states ({} rows, {} MB) exceed {} ({} MB); the frozen blocks run in every "
                    + "step instead (the same model, slower)", rows, bytes >> 20,
                    budgetBytes >= 0 ? "the configured budget" : "half of the free heap", budget >> 20);
            return null;
        }
        return new FrozenThreadStates(shape, set, sequences, domains, pool, start);
    }

    /**
     * Lays the states' rows out: per sequence s and domain d, the last {@code min(n, maxLength)} of
     * its n items of d, starting at row {@code start[s * domains + d]}; {@code start}'s last entry is
     * the total when it fits in an int. Returns the total.
     */
    private static long layout(SasRecShape shape, TrainingSequences sequences, int domains, int[] start) {
        long total = 0;
        int[] count = new int[domains];
        for (int s = 0, n = sequences.size(); s < n; s++) {
            java.util.Arrays.fill(count, 0);
            for (int item : sequences.items[s]) {
                count[sequences.domainOfItem[item]]++;
            }
            for (int d = 0; d < domains; d++) {
                start[s * domains + d] = (int) Math.min(total, Integer.MAX_VALUE);
                total += Math.min(count[d], shape.maxLength());
            }
        }
        start[start.length - 1] = (int) Math.min(total, Integer.MAX_VALUE);
        return total;
    }

    /** The number of rows kept (for the log and tests). */
    int rows() {
        return start[start.length - 1];
    }

    /**
     * Writes the states of every sequence of a domain batch into {@code hidden} (feature-major, the
     * batch's rows), the sequence of batch slot q being the training sequence {@code batch.tag[q]}.
     *
     * @throws IllegalStateException when a slot's length is not its sequence's number of kept rows
     */
    void copyInto(RaggedBatch batch, int d, float[][] hidden) {
        for (int q = 0; q < batch.sequences; q++) {
            int s = batch.tag[q];
            int first = start[s * domains + d];
            int m = start[s * domains + d + 1] - first;
            if (m != batch.length[q]) {
                throw new IllegalStateException("phase 2 batch slot " + q + " holds " + batch.length[q] + " rows of sequence " + s
                        + " in domain " + d + ", the frozen states " + m);
            }
            int row = batch.start[q];
            for (int t = 0; t < m; t++) {
                int base = (first + t) * dim;
                for (int f = 0; f < dim; f++) {
                    hidden[f][row + t] = states[base + f];
                }
            }
        }
    }

    private void compute(SasRecShape shape, ParameterSet set, TrainingSequences sequences, WorkerPool pool) {
        int batch = 128;
        int length = shape.maxLength();
        int chunks = (sequences.size() + batch - 1) / batch;
        int workers = pool.size();
        SasRecNetwork[][] nets = new SasRecNetwork[workers][domains];
        RaggedBatch[] batches = new RaggedBatch[workers];
        for (int w = 0; w < workers; w++) {
            for (int d = 0; d < domains; d++) {
                nets[w][d] = new SasRecNetwork(shape, set, TensorLayout.domainPositions(d), batch, batch * length);
            }
            batches[w] = new RaggedBatch(batch, batch * length);
        }
        long startTime = System.nanoTime();
        pool.run(w -> {
            int[] positions = new int[16];
            for (int c = w; c < chunks; c += workers) {
                for (int d = 0; d < domains; d++) {
                    RaggedBatch b = batches[w];
                    b.clear();
                    for (int s = c * batch; s < Math.min(sequences.size(), (c + 1) * batch); s++) {
                        int[] seq = sequences.items[s];
                        if (positions.length < seq.length) {
                            positions = new int[Math.max(seq.length, 2 * positions.length)];
                        }
                        int count = 0;
                        for (int j = 0; j < seq.length; j++) {
                            if (sequences.domainOfItem[seq[j]] == d) {
                                positions[count++] = j;
                            }
                        }
                        int m = Math.min(count, length);
                        if (m == 0) {
                            continue;
                        }
                        int row = b.beginSequence(m, 0, s);
                        for (int t = 0; t < m; t++) {
                            b.input[row + t] = seq[positions[count - m + t]] + 1;
                            b.position[row + t] = length - m + t;
                        }
                    }
                    if (b.sequences == 0) {
                        continue;
                    }
                    nets[w][d].forward(b, false);
                    float[][] h = nets[w][d].hidden();
                    for (int q = 0; q < b.sequences; q++) {
                        int base = start[b.tag[q] * domains + d] * dim;
                        for (int t = 0; t < b.length[q]; t++) {
                            int r = b.start[q] + t;
                            for (int f = 0; f < dim; f++) {
                                states[base + t * dim + f] = h[f][r];
                            }
                        }
                    }
                }
            }
        });
        LOG.info("phase 2: frozen domain-thread states of {} rows ({} MB) in {} s", rows(), (long) states.length * 4 / (1 << 20),
                String.format("%.1f", (System.nanoTime() - startTime) / 1e9));
    }
}
