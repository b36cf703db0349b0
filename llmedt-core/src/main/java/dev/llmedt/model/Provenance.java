package dev.llmedt.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.data.CdsrDataset;
import java.time.Instant;

/** The provenance every model file starts with: library and JVM versions, time, data fingerprint, seed and threads. */
public final class Provenance {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Provenance() {
    }

    /**
     * Returns a new provenance node with {@code library}, {@code java}, {@code os}, {@code created},
     * {@code dataset}, {@code dataset_fingerprint}, {@code seed} and {@code threads}; trainers add
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
        p.put("dataset_fingerprint", data.fingerprint());
        p.put("seed", seed);
        p.put("threads", threads);
        return p;
    }
}
