package dev.llmedt.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.ItemCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Where a model came from, as its file records it: the library build (version and git commit),
 * the JVM and OS, when, on which data (dataset name, data and item-catalogue fingerprints), with
 * which seed, threads and configuration, and what training took (per phase: epochs, the selected
 * epoch, its validation NDCG@10, why it stopped, seconds per epoch). Immutable.
 *
 * <p>Every model file this library writes starts with its provenance (a JSON object in the file's
 * header, and the {@code llmedt.provenance} metadata entry of an ONNX export); {@link #json()} gives that object back, including what this record does not type (item text, augmentation,
 * profiles, the figures of every epoch), and {@link #fromJson} reads it, from files of every
 * version: what an older file does not record is {@code null} (strings, {@link #created()}) or
 * absent ({@link #catalogFingerprint()}, {@link #commit()}).
 *
 * @param library the library that trained the model, e.g. {@code llmedt 0.1.0} or {@code llmedt development build}
 * @param commit the git commit the library was built from, when the build knew it
 * @param uncommittedChanges whether that build had uncommitted changes (false when unknown)
 * @param java the JVM vendor and version
 * @param os the operating system and architecture
 * @param created when the model was trained, or null when the file does not say
 * @param dataset the dataset's name (with its holdout, e.g. {@code food-kitchen+mixed-loo})
 * @param datasetFingerprint the SHA-256 of the dataset's items and interactions ({@link CdsrDataset#fingerprint()};
 *     for files written before {@code catalogFingerprint} was recorded, {@link CdsrDataset#interactionsFingerprint()})
 * @param catalogFingerprint the SHA-256 of the item table ({@link ItemCatalog#fingerprint()}); absent in older files
 * @param seed the training seed
 * @param threads the training threads (the model does not depend on them)
 * @param phases what each training phase took, in order ({@code sasrec}; or {@code phase_1}, {@code phase_2})
 * @param json the whole provenance object as the file records it
 */
public record Provenance(String library, Optional<String> commit, boolean uncommittedChanges, String java, String os, Instant created,
        String dataset, String datasetFingerprint, Optional<String> catalogFingerprint, long seed, int threads, List<Phase> phases,
        JsonNode json) {

    /** Provenance key: the SHA-256 of the dataset, items and interactions ({@link CdsrDataset#fingerprint()}). */
    static final String DATASET_FINGERPRINT = "dataset_fingerprint";
    /** Provenance key: the SHA-256 of the item table ({@link ItemCatalog#fingerprint()}); absent in older files. */
    static final String CATALOG_FINGERPRINT = "catalog_fingerprint";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Properties BUILD = buildProperties();

    /**
     * What one training phase took.
     *
     * @param name {@code sasrec}, {@code phase_1} or {@code phase_2}
     * @param epochs epochs trained
     * @param bestEpoch the epoch whose weights the model holds (0: the starting weights)
     * @param bestValidNdcg10 validation NDCG@10 of that epoch
     * @param stopReason why training stopped ({@code max epochs}, {@code early stopping ...})
     * @param medianSecondsPerEpoch median training seconds of an epoch (0 when not recorded)
     * @param reused whether the phase was taken from another model file ({@code --phase-one})
     */
    public record Phase(String name, int epochs, int bestEpoch, double bestValidNdcg10, String stopReason, double medianSecondsPerEpoch,
            boolean reused) {
    }

    /**
     * Checks the fields and makes the lists and the JSON private copies (the JSON as it reads back
     * from its text, so that a provenance equals itself after a model file round trip).
     */
    public Provenance {
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(catalogFingerprint, "catalogFingerprint");
        phases = List.copyOf(phases);
        json = json == null ? JSON.createObjectNode() : normalized(json);
    }

    private static JsonNode normalized(JsonNode json) {
        try {
            return JSON.readTree(JSON.writeValueAsString(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("the provenance cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Returns the whole provenance object as written to model files (a copy): the fields of this
     * record under their file names, and what the trainer recorded besides (configuration, item
     * text, augmentation, profiles, training figures of every epoch).
     */
    @Override
    public JsonNode json() {
        return json.deepCopy();
    }

    /** Returns the value at a JSON pointer of {@link #json()} (e.g. {@code /training/phase_2/domain_selection}), missing node if absent. */
    public JsonNode at(String pointer) {
        return json.at(pointer).deepCopy();
    }

    /** Returns the configuration the trainer recorded, if any (LLM-EDT records its resolved {@code DualPhaseConfig}). */
    public Optional<JsonNode> config() {
        JsonNode c = json.get("config");
        return c == null || c.isNull() ? Optional.empty() : Optional.of(c.deepCopy());
    }

    /** Returns the named phase ({@code sasrec}, {@code phase_1}, {@code phase_2}), if the model was trained with it. */
    public Optional<Phase> phase(String name) {
        return phases.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Returns the validation NDCG@10 of the weights the model holds (NaN when the file does not record it). */
    public double bestValidNdcg10() {
        JsonNode t = json.path("training").path("best_valid_ndcg10");
        return t.isNumber() ? t.asDouble() : Double.NaN;
    }

    /**
     * Starts the provenance of a model trained now: this library's version and commit, the JVM,
     * the OS, the time, the data's name and fingerprints, the seed and threads. Trainers add their
     * configuration and figures to the returned object and make the record with {@link #fromJson}.
     */
    public static ObjectNode start(CdsrDataset data, long seed, int threads) {
        ObjectNode p = JSON.createObjectNode();
        p.put("library", "llmedt " + libraryVersion());
        String commit = BUILD.getProperty("commit", "");
        if (commit.matches("[0-9a-f]{40}")) {
            p.put("commit", commit);
            p.put("uncommitted_changes", Boolean.parseBoolean(BUILD.getProperty("uncommitted_changes")));
        }
        p.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        p.put("created", Instant.now().toString());
        p.put("dataset", data.name());
        p.put(DATASET_FINGERPRINT, data.fingerprint());
        p.put(CATALOG_FINGERPRINT, data.items().fingerprint());
        p.put("seed", seed);
        p.put("threads", threads);
        return p;
    }

    /** Returns this library's version ({@code development build} when not run from a released jar). */
    public static String libraryVersion() {
        String version = Provenance.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    /** Returns the git commit this library was built from, when the build recorded it (a jar built from a git checkout). */
    public static Optional<String> libraryCommit() {
        String commit = BUILD.getProperty("commit", "");
        return commit.matches("[0-9a-f]{40}") ? Optional.of(commit) : Optional.empty();
    }

    /** Returns whether the build this library came from had uncommitted changes (false when unknown). */
    public static boolean libraryHasUncommittedChanges() {
        return libraryCommit().isPresent() && Boolean.parseBoolean(BUILD.getProperty("uncommitted_changes"));
    }

    /**
     * Reads a provenance object as model files of every version of this library record it. Fields
     * a file does not record are null, absent, 0 or empty; nothing is lost ({@link #json()} keeps
     * the whole object).
     *
     * @throws IllegalArgumentException when {@code json} is not a JSON object
     */
    public static Provenance fromJson(JsonNode json) {
        if (json == null || json.isMissingNode() || json.isNull()) {
            json = JSON.createObjectNode();
        }
        if (!json.isObject()) {
            throw new IllegalArgumentException("a provenance must be a JSON object, got " + json.getNodeType());
        }
        Instant created = null;
        if (json.hasNonNull("created")) {
            try {
                created = Instant.parse(json.get("created").asText());
            } catch (DateTimeParseException e) {
                created = null;
            }
        }
        return new Provenance(text(json, "library"), Optional.ofNullable(text(json, "commit")), json.path("uncommitted_changes").asBoolean(false),
                text(json, "java"), text(json, "os"), created, text(json, "dataset"), text(json, DATASET_FINGERPRINT),
                Optional.ofNullable(text(json, CATALOG_FINGERPRINT)), json.path("seed").asLong(0), json.path("threads").asInt(0),
                phases(json.path("training")), json);
    }

    private static String text(JsonNode json, String key) {
        JsonNode v = json.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** SASRec files record one phase flat under {@code training}; LLM-EDT files {@code phase_1} and {@code phase_2} in it. */
    private static List<Phase> phases(JsonNode training) {
        if (!training.isObject()) {
            return List.of();
        }
        if (training.has("epochs")) {
            return List.of(phase("sasrec", training));
        }
        List<Phase> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = training.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isObject() && e.getValue().has("best_valid_ndcg10")) {
                out.add(phase(e.getKey(), e.getValue()));
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static Phase phase(String name, JsonNode p) {
        double median = p.path("median_seconds_per_epoch").asDouble(Double.NaN);
        if (Double.isNaN(median)) {
            median = medianTrainSeconds(p.path("epoch_summaries"));
        }
        return new Phase(name, p.path("epochs").asInt(0), p.path("best_epoch").asInt(0), p.path("best_valid_ndcg10").asDouble(Double.NaN),
                p.path("stop_reason").asText(""), median, p.path("reused").asBoolean(false));
    }

    private static double medianTrainSeconds(JsonNode epochs) {
        List<Double> s = new ArrayList<>();
        for (JsonNode e : epochs) {
            if (e.has("train_seconds")) {
                s.add(e.get("train_seconds").asDouble());
            }
        }
        if (s.isEmpty()) {
            return 0;
        }
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    /** Returns whether this provenance records the item catalogue (files written before it did not). */
    public boolean recordsCatalog() {
        return catalogFingerprint.isPresent();
    }

    /**
     * Returns the fingerprint of {@code data} that compares with {@link #datasetFingerprint()}:
     * {@link CdsrDataset#fingerprint()}, or for a file written before model files recorded the item
     * catalogue, {@link CdsrDataset#interactionsFingerprint()} (what such files recorded).
     */
    public String comparableFingerprint(CdsrDataset data) {
        return recordsCatalog() ? data.fingerprint() : data.interactionsFingerprint();
    }

    /**
     * Checks that the model was trained on this item catalogue: the same items under the same ids
     * (external ids and texts included), not only the same domain sizes. A file written before
     * model files recorded the catalogue passes (its loading warned that it cannot be checked).
     *
     * @param file the model file, for the message
     * @param catalog the items of the data the model is used with
     * @throws IllegalArgumentException naming the file and both fingerprints when the catalogues differ
     */
    public void requireCatalog(Path file, ItemCatalog catalog) {
        if (catalogFingerprint.isEmpty()) {
            return;
        }
        String trained = catalogFingerprint.get();
        if (!trained.equals(catalog.fingerprint())) {
            throw new IllegalArgumentException(file + " was trained on an item catalogue with fingerprint " + trained + ", but the data's "
                    + "items have fingerprint " + catalog.fingerprint() + " (" + catalog.size() + " items, domains " + catalog.domainNames()
                    + "): other items, or the same ones in another order or with other texts, so its item ids would name other items; "
                    + "use the data it was trained on");
        }
    }

    /** The commit this library was built from: {@code build.properties} written by the build next to this class. */
    private static Properties buildProperties() {
        Properties p = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            p.clear();
        }
        return p;
    }
}
