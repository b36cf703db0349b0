package dev.llmedt.dualphase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmedt.check.Require;
import dev.llmedt.io.RecordJson;
import java.util.Objects;

/**
 * Everything that determines an LLM-EDT training run besides its data: the backbone and item
 * representation, the two phases, the seed and the thread count. Round-trips through JSON
 * ({@link #toJson}, {@link #fromJson}), the one representation shared by the command line, the
 * model file and provenance.
 *
 * @param backbone the network and item representation
 * @param pretraining phase 1
 * @param fineTuning phase 2
 * @param seed the seed of every random choice (initialization, order, negatives, dropout)
 * @param threads worker threads, 0 = all available processors, else in [1, 256]
 * @param selectOnValidation true (default): early stopping, best weights and the phase-2 learning
 *     rate schedule follow validation NDCG@10; false: each phase trains its maximum number of
 *     epochs and keeps its last weights, so validation users cannot influence the model (it is
 *     still measured and reported)
 */
public record DualPhaseConfig(BackboneConfig backbone, PretrainingConfig pretraining, FineTuningConfig fineTuning, long seed,
        int threads, boolean selectOnValidation) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Validates the fields. */
    public DualPhaseConfig {
        Objects.requireNonNull(backbone, "backbone");
        Objects.requireNonNull(pretraining, "pretraining");
        Objects.requireNonNull(fineTuning, "fineTuning");
        if (threads != 0) {
            Require.inRange("threads", threads, 1, 256);
        }
    }

    /** Returns the defaults: the settings selected on food-kitchen validation users (see the README). */
    public static DualPhaseConfig defaults() {
        return new DualPhaseConfig(BackboneConfig.defaults(), PretrainingConfig.defaults(), FineTuningConfig.defaults(), 42, 0, true);
    }

    /** Returns a copy with another backbone. */
    public DualPhaseConfig withBackbone(BackboneConfig b) {
        return new DualPhaseConfig(b, pretraining, fineTuning, seed, threads, selectOnValidation);
    }

    /** Returns a copy with another phase 1. */
    public DualPhaseConfig withPretraining(PretrainingConfig p) {
        return new DualPhaseConfig(backbone, p, fineTuning, seed, threads, selectOnValidation);
    }

    /** Returns a copy with another phase 2. */
    public DualPhaseConfig withFineTuning(FineTuningConfig f) {
        return new DualPhaseConfig(backbone, pretraining, f, seed, threads, selectOnValidation);
    }

    /** Returns a copy with another seed. */
    public DualPhaseConfig withSeed(long s) {
        return new DualPhaseConfig(backbone, pretraining, fineTuning, s, threads, selectOnValidation);
    }

    /** Returns a copy with another thread count (0 = all processors). */
    public DualPhaseConfig withThreads(int t) {
        return new DualPhaseConfig(backbone, pretraining, fineTuning, seed, t, selectOnValidation);
    }

    /** Returns a copy that selects on validation (the default) or trains fixed epochs and keeps the last weights. */
    public DualPhaseConfig withSelectOnValidation(boolean select) {
        return new DualPhaseConfig(backbone, pretraining, fineTuning, seed, threads, select);
    }

    /** Returns the number of worker threads this configuration resolves to on this machine. */
    public int resolvedThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    /** Returns the configuration as a JSON tree. */
    public JsonNode toJson() {
        return RecordJson.write(this);
    }

    /**
     * Reads a configuration from its JSON tree.
     *
     * @throws IllegalArgumentException when a field is missing, unknown or out of range (the message names it)
     */
    public static DualPhaseConfig fromJson(JsonNode json) {
        try {
            return RecordJson.read(json, DualPhaseConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid LLM-EDT configuration: " + e.getOriginalMessage(), e);
        }
    }
}
