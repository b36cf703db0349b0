package dev.llmedt.dualphase;

import dev.llmedt.LlmEdtModel;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads LLM-EDT model files; what {@link LlmEdtModel#load} and {@link LlmEdtModel#loadPhaseOne}
 * call (use those).
 */
public final class LlmEdtModelFiles {

    private LlmEdtModelFiles() {
    }

    /** See {@link LlmEdtModel#load}. */
    public static LlmEdtModel load(Path file) throws IOException {
        return DualPhaseModel.load(file);
    }

    /** See {@link LlmEdtModel#loadPhaseOne}. */
    public static LlmEdtModel loadPhaseOne(Path file, DualPhaseConfig config) throws IOException {
        return DualPhaseModel.loadPhaseOne(file, config);
    }
}
