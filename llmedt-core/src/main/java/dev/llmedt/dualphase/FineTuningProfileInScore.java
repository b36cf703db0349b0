package dev.llmedt.dualphase;

import dev.llmedt.engine.DomainThread;
import dev.llmedt.engine.Gradients;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.ProfileAlignment;
import dev.llmedt.engine.TensorLayout;

/**
 * Phase 2 with the profile in the score ({@link FineTuningConfig#profileInScore()}): per chunk and
 * domain of a step ({@link FineTuningSteps}), the rows whose next item is a profiled user's last
 * target, where the user's projected profile is added to {@code h_d} before the loss.
 */
final class FineTuningProfileInScore {

    private final ParameterSet set;
    private final double temperature;
    private final int cap;
    private final int dim;
    private final ProfileAlignment[][] scorers;
    private final int[][] scoreCount;
    private final int[][][] scoreRows;
    private final float[][][][] scoreProfiles;
    private final float[][][][] scoreOut;

    /** @param chunkCount the most chunks of a batch */
    FineTuningProfileInScore(ParameterSet set, FineTuningConfig config, int chunkCount, int domains, int dim) {
        this.set = set;
        this.temperature = config.temperature();
        this.cap = config.batchSize();
        this.dim = dim;
        scorers = new ProfileAlignment[chunkCount][domains];
        scoreCount = new int[chunkCount][domains];
        scoreRows = new int[chunkCount][domains][cap];
        scoreProfiles = new float[chunkCount][domains][cap][];
        scoreOut = new float[chunkCount][domains][cap][dim];
    }

    /** Makes chunk c's profile scorer of domain d if it has none yet (made on first use, as the chunk's domain threads are). */
    void newScorer(int c, int d) {
        if (scorers[c][d] == null) {
            scorers[c][d] = new ProfileAlignment(set, TensorLayout.profileAdapter(d), temperature, cap);
        }
    }

    /** Forgets chunk c's rows of domain d (before the chunk is filled). */
    void clear(int c, int d) {
        scoreCount[c][d] = 0;
    }

    /** Adds {@code profile} to the score at {@code row} of chunk c's domain-d batch. */
    void add(int c, int d, int row, float[] profile) {
        int i = scoreCount[c][d]++;
        scoreRows[c][d][i] = row;
        scoreProfiles[c][d][i] = profile;
    }

    /** Adds the projected profiles to the thread's {@code h_d} at their rows (after the thread's forward pass). */
    void forward(int c, int d, DomainThread thread) {
        int n = scoreCount[c][d];
        if (n > 0) {
            scorers[c][d].project(scoreProfiles[c][d], n, scoreOut[c][d]);
            float[][] h = thread.hidden();
            for (int i = 0; i < n; i++) {
                int row = scoreRows[c][d][i];
                for (int f = 0; f < dim; f++) {
                    h[f][row] += scoreOut[c][d][i][f];
                }
            }
        }
    }

    /** Back-propagates the thread's gradient at the rows into the profile adapter (after the loss, before the thread's backward). */
    void backward(int c, int d, DomainThread thread, Gradients grads) {
        int n = scoreCount[c][d];
        if (n > 0) {
            float[][] g = thread.hiddenGradient();
            for (int i = 0; i < n; i++) {
                int row = scoreRows[c][d][i];
                for (int f = 0; f < dim; f++) {
                    scoreOut[c][d][i][f] = g[f][row]; // the gradient of the projected profile added at that row
                }
            }
            scorers[c][d].projectBackward(scoreOut[c][d], n, grads);
        }
    }
}
