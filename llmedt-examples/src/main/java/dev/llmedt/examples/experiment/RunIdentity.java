package dev.llmedt.examples.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.dualphase.DualPhaseConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What makes a study run's result (its settings, seed, data, the shared options and, for LLM-EDT,
 * the resolved configuration), and when a run recorded by an earlier build still is this run: one
 * whose configuration, read as this build reads it (settings added since at the value a file without
 * them reads as, as for model files), is this run's, or one with the older data fingerprint over the
 * interactions only. A finished run is reused only when its identity is this one.
 */
final class RunIdentity {

    private static final Logger LOG = LoggerFactory.getLogger(RunIdentity.class);
    private static final ObjectMapper JSON = new ObjectMapper();

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
        if (!identity.equals(recorded)) {
            JsonNode readToday = withConfigReadToday(recorded);
            if (identity.equals(readToday)) {
                LOG.info("{} was recorded before some settings of this build existed: reused, as its configuration reads today", dir);
                recorded = readToday;
            }
        }
        if (!identity.equals(recorded) && sameButForOlderFingerprint(identity, recorded, data)) {
            LOG.warn("{} was recorded with the older data fingerprint (interactions only, before runs recorded the item table): "
                    + "reused; its item table is not checked", dir);
            recorded = identity;
        }
        return recorded;
    }

    /**
     * A stored identity whose LLM-EDT configuration is read and written back as this build does (the
     * identity itself when it has none or it does not read).
     */
    private static JsonNode withConfigReadToday(JsonNode stored) {
        if (!(stored instanceof ObjectNode o) || !o.path("config").isObject()) {
            return stored;
        }
        try {
            ObjectNode upgraded = o.deepCopy();
            // Written and read back, so that number types compare as those read from a result.json.
            upgraded.set("config", JSON.readTree(JSON.writeValueAsBytes(DualPhaseConfig.fromJson(o.get("config")).withThreads(0).toJson())));
            return upgraded;
        } catch (IllegalArgumentException | IOException e) {
            return stored;
        }
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
