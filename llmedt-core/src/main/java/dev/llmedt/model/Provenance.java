package dev.llmedt.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.ItemCatalog;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The provenance every model file starts with: library and JVM versions, time, data and item
 * catalogue fingerprints, seed and threads; and the checks of a model's data against the data it
 * is used with.
 */
public final class Provenance {

    /** Provenance key: the SHA-256 of the dataset, items and interactions ({@link CdsrDataset#fingerprint()}). */
    public static final String DATASET_FINGERPRINT = "dataset_fingerprint";
    /** Provenance key: the SHA-256 of the item table ({@link ItemCatalog#fingerprint()}); absent in older files. */
    public static final String CATALOG_FINGERPRINT = "catalog_fingerprint";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Provenance() {
    }

    /**
     * Returns a new provenance node with {@code library}, {@code java}, {@code os}, {@code created},
     * {@code dataset}, {@code dataset_fingerprint}, {@code catalog_fingerprint}, {@code seed} and {@code threads}; trainers add
     * their configuration and figures.
     */
    public static ObjectNode of(CdsrDataset data, long seed, int threads) {
        ObjectNode p = JSON.createObjectNode();
        String version = Provenance.class.getPackage().getImplementationVersion();
        p.put("library", "llmedt " + (version == null ? "development build" : version));
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

    /** Returns whether a provenance records the item catalogue (files written before it did not). */
    public static boolean recordsCatalog(JsonNode provenance) {
        return provenance.hasNonNull(CATALOG_FINGERPRINT);
    }

    /**
     * Returns the fingerprint of {@code data} that compares with the {@code dataset_fingerprint} a
     * provenance records: {@link CdsrDataset#fingerprint()}, or for a file written before model
     * files recorded the item catalogue, {@link CdsrDataset#interactionsFingerprint()} (what such
     * files recorded).
     */
    public static String comparableFingerprint(JsonNode provenance, CdsrDataset data) {
        return recordsCatalog(provenance) ? data.fingerprint() : data.interactionsFingerprint();
    }

    /**
     * Checks that a model was trained on this item catalogue: the same items under the same ids
     * (external ids and texts included), not only the same domain sizes. A file written before
     * model files recorded the catalogue passes (its loading warned that it cannot be checked).
     *
     * @param file the model file, for the message
     * @param provenance the model's provenance
     * @param catalog the items of the data the model is used with
     * @throws IllegalArgumentException naming the file and both fingerprints when the catalogues differ
     */
    public static void requireCatalog(Path file, JsonNode provenance, ItemCatalog catalog) {
        if (!recordsCatalog(provenance)) {
            return;
        }
        String trained = provenance.get(CATALOG_FINGERPRINT).asText();
        if (!trained.equals(catalog.fingerprint())) {
            throw new IllegalArgumentException(file + " was trained on an item catalogue with fingerprint " + trained + ", but the data's "
                    + "items have fingerprint " + catalog.fingerprint() + " (" + catalog.size() + " items, domains " + catalog.domainNames()
                    + "): other items, or the same ones in another order or with other texts, so its item ids would name other items; "
                    + "use the data it was trained on");
        }
    }
}
