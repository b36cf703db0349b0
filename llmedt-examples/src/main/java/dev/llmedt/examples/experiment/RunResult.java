package dev.llmedt.examples.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmedt.examples.PerUserFile;
import java.nio.file.Path;
import java.util.List;

/**
 * A finished run: its settings, seed and folder, the summary it wrote ({@code result.json}) and
 * its per-user results on the validation and test users (files from {@link PerUserFile}).
 */
record RunResult(RunSpec spec, long seed, Path directory, JsonNode summary, List<PerUserFile.Row> valid, List<PerUserFile.Row> test) {

    /** The model file of the run. */
    Path model() {
        return directory.resolve(StudyRunner.MODEL_FILE);
    }
}
