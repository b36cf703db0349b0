package dev.llmedt.examples;

import dev.llmedt.EpochSummary;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.TrainingListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training listener that records every epoch summary by phase (for the report's curves) and
 * shows each epoch's batches as progress ({@link ConsoleProgress}: a bar on a terminal).
 */
final class TrainingCurves implements TrainingListener {

    private final String model;
    private final ProgressListener progress;
    private final Map<String, List<EpochSummary>> epochs = new LinkedHashMap<>();

    TrainingCurves(String model, ProgressListener progress) {
        this.model = model;
        this.progress = progress;
    }

    @Override
    public void batchFinished(String phase, int epoch, int batch, int batches, double loss) {
        progress.progress(model + " " + phase + " epoch " + epoch, batch, batches);
    }

    @Override
    public void epochFinished(EpochSummary summary) {
        epochs.computeIfAbsent(summary.phase(), p -> new ArrayList<>()).add(summary);
    }

    /** The epochs of each phase, in the order the phases ran. */
    Map<String, List<EpochSummary>> epochs() {
        return Collections.unmodifiableMap(epochs);
    }
}
