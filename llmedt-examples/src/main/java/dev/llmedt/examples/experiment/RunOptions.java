package dev.llmedt.examples.experiment;

import java.nio.file.Path;

/**
 * What every run of a study shares besides its settings.
 *
 * @param embeddings precomputed item embeddings (from {@code encode}), or null to encode the items
 * @param cache the text cache of the embedded encoder (item texts, profiles)
 * @param threads worker threads, 0 = all processors
 * @param maxEpochs phase 1 (and SASRec) and phase 2 most epochs, or null for the defaults
 * @param patience phase 1 (and SASRec) and phase 2 patience, or null for the defaults
 * @param dim the hidden width, or null for the default (64)
 */
record RunOptions(Path embeddings, Path cache, int threads, int[] maxEpochs, int[] patience, Integer dim) {

    /** The part of the options that changes results, for the cached-run check. */
    String describe() {
        return "max_epochs=" + text(maxEpochs) + ";patience=" + text(patience) + ";dim=" + (dim == null ? "default" : dim);
    }

    private static String text(int[] v) {
        if (v == null) {
            return "default";
        }
        return v.length == 1 ? Integer.toString(v[0]) : v[0] + "," + v[1];
    }
}
