package dev.llmedt.examples.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.dualphase.DualPhaseConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What makes a study run's result (its settings, seed, data, the shared options and, for LLM-EDT,
 * the resolved configuration), and when a run recorded by an earlier build still is this run: one
 * recorded before a setting existed (with the value every run had then), or with the older data
 * fingerprint over the interactions only. A finished run is reused only when its identity is this one.
 */
final class RunIdentity {

    private static final Logger LOG = LoggerFactory.getLogger(RunIdentity.class);

    /**
     * Configuration settings added after runs were recorded, by JSON pointer, with the value that is
     * what every run did before the setting existed (phase 1's constant learning rate).
     */
    static final Map<String, Integer> LATER_SETTINGS = Map.of("/config/pretraining/plateau_patience", 0);

    private RunIdentity() {
    }

    /**
     * The identity of a run.
     *
     * @param config the resolved LLM-EDT configuration, or null for SASRec (whose settings are its description)
     */
    static Map<String, Object> of(RunSpec spec, long seed, CdsrDataset data, RunOptions options, DualPhaseConfig config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", spec.name());
        m.put("settings", spec.describe());
        m.put("seed", seed);
        m.put("dataset", data.name());
        m.put("dataset_fingerprint", data.fingerprint());
        m.put("options", options.describe());
        m.put("embeddings", spec.embeddings() != null ? spec.embeddings().getFileName().toString()
                : options.embeddings() == null ? "encoded (embedded all-MiniLM-L6-v2)" : options.embeddings().getFileName().toString());
        if (config != null) {
            // The resolved configuration (threads left out: they do not change results), so that a run made under other
            // library defaults is trained again rather than reused.
            m.put("config", config.withThreads(0).toJson());
        }
        return m;
    }

    /**
     * Returns {@code identity} when the run recorded in {@code dir} with {@code stored} is this run,
     * by an earlier build's record included (and says so in the log); otherwise {@code stored} as it is.
     */
    static JsonNode recognise(JsonNode identity, JsonNode stored, CdsrDataset data, Path dir) {
        JsonNode recorded = stored;
        if (!identity.equals(recorded) && identity.equals(withLaterSettings(recorded))) {
            LOG.info("{} was recorded before the settings {} existed: reused with their values of that time", dir, LATER_SETTINGS);
            recorded = withLaterSettings(recorded);
        }
        if (!identity.equals(recorded) && sameButForOlderFingerprint(identity, recorded, data)) {
            LOG.warn("{} was recorded with the older data fingerprint (interactions only, before runs recorded the item table): "
                    + "reused; its item table is not checked", dir);
            recorded = identity;
        }
        return recorded;
    }

    /** A stored identity with the settings it predates added at their value of that time. */
    private static JsonNode withLaterSettings(JsonNode stored) {
        JsonNode upgraded = stored.deepCopy();
        LATER_SETTINGS.forEach((pointer, value) -> {
            int cut = pointer.lastIndexOf('/');
            if (upgraded.at(pointer).isMissingNode() && upgraded.at(pointer.substring(0, cut)) instanceof ObjectNode parent) {
                parent.put(pointer.substring(cut + 1), value);
            }
        });
        return upgraded;
    }

    /**
     * Whether a stored identity is this one but for a dataset fingerprint of the older kind (over the
     * interactions only, as runs recorded it before fingerprints covered the item table) that this
     * data has: such a run is reused, as model files of that time are loaded, with a warning.
     */
    private static boolean sameButForOlderFingerprint(JsonNode identity, JsonNode stored, CdsrDataset data) {
        if (!(stored instanceof ObjectNode o) || !data.interactionsFingerprint().equals(o.path("dataset_fingerprint").asText())) {
            return false;
        }
        ObjectNode upgraded = o.deepCopy();
        upgraded.put("dataset_fingerprint", data.fingerprint());
        return identity.equals(upgraded);
    }
}
