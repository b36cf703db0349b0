package dev.llmedt.dualphase;

import dev.llmedt.engine.DomainThread;
import dev.llmedt.engine.Gradients;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.ProfileAlignment;
import dev.llmedt.engine.RaggedBatch;
import dev.llmedt.engine.TensorLayout;
import dev.llmedt.engine.WorkerPool;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Phase 2's profile alignment across the chunks of a step ({@link FineTuningSteps}): per domain, the
 * in-batch InfoNCE between each profiled user's last {@code h_d} and the user's projected profile.
 * The users are gathered from the chunks in chunk order, each domain is aligned by one worker, and
 * each user's gradient is handed back to the chunk that holds the user's thread.
 */
final class FineTuningAlignment {

    private final int domains;
    private final int dim;
    private final double weight;
    private final float[][] profiles;
    private final IntPredicate hasProfile;
    private final Gradients total;
    private final WorkerPool pool;
    private final WorkerPool.Task alignTask = this::align;
    private final ProfileAlignment[] alignments;
    private final float[][][] alignUsers;
    private final float[][][] alignProfiles;
    private final float[][][] alignGrads;
    private final int[][] alignChunk;
    private final int[][] alignSequence;
    private final int[] alignCount;
    private final double[] alignLoss;
    /** Per chunk, domain and sequence of the chunk's domain batch, the gradient of its last {@code h_d}. */
    private final float[][][][] alignGradOf;

    /**
     * @param profiles per training sequence, its profile embedding
     * @param hasProfile whether training sequence s has a profile
     * @param chunkCount the most chunks of a batch
     * @param total the step's total gradients, which the alignment adds into
     * @param pool the workers that align the domains
     */
    FineTuningAlignment(ParameterSet set, FineTuningConfig config, float[][] profiles, IntPredicate hasProfile, int domains,
            int chunkCount, int dim, Gradients total, WorkerPool pool) {
        this.domains = domains;
        this.dim = dim;
        this.weight = config.alignmentWeight();
        this.profiles = profiles;
        this.hasProfile = hasProfile;
        this.total = total;
        this.pool = pool;
        int cap = config.batchSize();
        alignments = new ProfileAlignment[domains];
        for (int d = 0; d < domains; d++) {
            alignments[d] = new ProfileAlignment(set, TensorLayout.profileAdapter(d), config.temperature(), cap);
        }
        alignGradOf = new float[chunkCount][domains][cap][dim];
        alignUsers = new float[domains][cap][];
        alignProfiles = new float[domains][cap][];
        alignGrads = new float[domains][cap][dim];
        alignChunk = new int[domains][cap];
        alignSequence = new int[domains][cap];
        alignCount = new int[domains];
        alignLoss = new double[domains];
    }

    /**
     * Aligns a step's users after the chunks' forward passes: gathers them, aligns each domain on
     * the workers and hands each user's gradient back to its chunk (read it with {@link #addGradients}).
     *
     * @param chunkCount the step's chunks
     * @param lastRowOf per chunk, domain and sequence of its batch, the row of its last item
     */
    void run(int chunkCount, RaggedBatch[][] batchesOf, DomainThread[][] threadsOf, int[][][] lastRowOf) {
        gather(chunkCount, batchesOf, threadsOf, lastRowOf);
        pool.run(alignTask);
        scatter(chunkCount, batchesOf);
    }

    /** Collects, per domain and in chunk order, the users with a profile and their last h_d. */
    private void gather(int chunkCount, RaggedBatch[][] batchesOf, DomainThread[][] threadsOf, int[][][] lastRowOf) {
        for (int d = 0; d < domains; d++) {
            int n = 0;
            for (int c = 0; c < chunkCount; c++) {
                RaggedBatch batch = batchesOf[c][d];
                float[][] h = threadsOf[c][d].ungatedHidden(); // cosine alignment: the direction, whatever the gate
                for (int q = 0; q < batch.sequences; q++) {
                    int s = batch.tag[q];
                    if (!hasProfile.test(s)) {
                        continue;
                    }
                    if (alignUsers[d][n] == null) {
                        alignUsers[d][n] = new float[dim];
                    }
                    int row = lastRowOf[c][d][q];
                    for (int f = 0; f < dim; f++) {
                        alignUsers[d][n][f] = h[f][row];
                    }
                    Arrays.fill(alignGrads[d][n], 0); // forwardBackward adds into it
                    alignProfiles[d][n] = profiles[s];
                    alignChunk[d][n] = c;
                    alignSequence[d][n] = q;
                    n++;
                }
            }
            alignCount[d] = n;
        }
    }

    /**
     * Worker w computes the alignment of the domains d with d % workers == w, into the total
     * gradients (each domain has its own adapter, so the domains write disjoint parameters).
     */
    private void align(int w) {
        for (int d = w; d < domains; d += pool.size()) {
            alignLoss[d] = alignments[d].forwardBackward(alignUsers[d], alignProfiles[d], alignCount[d], weight, alignGrads[d], total);
        }
    }

    /** Hands each user's alignment gradient to the chunk that holds the user's thread. */
    private void scatter(int chunkCount, RaggedBatch[][] batchesOf) {
        for (int c = 0; c < chunkCount; c++) {
            for (int d = 0; d < domains; d++) {
                for (int q = 0; q < batchesOf[c][d].sequences; q++) {
                    Arrays.fill(alignGradOf[c][d][q], 0);
                }
            }
        }
        for (int d = 0; d < domains; d++) {
            for (int i = 0; i < alignCount[d]; i++) {
                System.arraycopy(alignGrads[d][i], 0, alignGradOf[alignChunk[d][i]][d][alignSequence[d][i]], 0, dim);
            }
        }
    }

    /** Adds the alignment gradients of chunk c's domain-d users into {@code g} (the thread's ungated gradient) at their last rows. */
    void addGradients(int c, int d, RaggedBatch batch, int[] lastRows, float[][] g) {
        for (int q = 0; q < batch.sequences; q++) {
            int row = lastRows[q];
            float[] a = alignGradOf[c][d][q];
            for (int f = 0; f < dim; f++) {
                g[f][row] += a[f];
            }
        }
    }

    /** Adds the step's alignment losses to {@code loss}, in domain order. */
    double addLosses(double loss) {
        for (int d = 0; d < domains; d++) {
            loss += alignLoss[d];
        }
        return loss;
    }
}
