package dev.llmedt.dualphase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Objects;

/**
 * The embedded text profiles of the training users, for phase 2's alignment: one vector per
 * training sequence in {@code data.train()} order (a zero vector: no profile), the encoder that
 * embedded them and the profiler's provenance.
 *
 * <p>Profiles must be built only from what the model may see of each user (their training
 * sequence), never from validation or test targets.
 */
public final class ProfileVectors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final float[][] vectors;
    private final int dimension;
    private final String encoderId;
    private final JsonNode provenance;

    /**
     * Wraps profile vectors (copied).
     *
     * @param vectors one row per training sequence, all of one length
     * @param encoderId the model id of the encoder that embedded the profile texts
     * @param provenance the profiler's settings and counters
     * @throws IllegalArgumentException when rows differ in length or hold NaN or infinite values (names the row)
     */
    public ProfileVectors(float[][] vectors, String encoderId, Map<String, Object> provenance) {
        Objects.requireNonNull(vectors, "vectors");
        this.encoderId = Objects.requireNonNull(encoderId, "encoderId");
        this.provenance = JSON.valueToTree(Objects.requireNonNull(provenance, "provenance"));
        if (vectors.length == 0) {
            throw new IllegalArgumentException("no profile vectors");
        }
        this.dimension = vectors[0].length;
        if (dimension == 0) {
            throw new IllegalArgumentException("profile vectors must have at least one dimension");
        }
        this.vectors = new float[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != dimension) {
                throw new IllegalArgumentException("profile vector " + i + " has " + vectors[i].length + " values, the first has " + dimension);
            }
            for (float v : vectors[i]) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("profile vector " + i + " holds a NaN or infinite value");
                }
            }
            this.vectors[i] = vectors[i].clone();
        }
    }

    /** Returns the number of rows (training sequences). */
    public int size() {
        return vectors.length;
    }

    /** Returns the vector length. */
    public int dimension() {
        return dimension;
    }

    /** Returns the encoder's model id. */
    public String encoderId() {
        return encoderId;
    }

    /** Returns the profiler's provenance. */
    public JsonNode provenance() {
        return provenance.deepCopy();
    }

    /** Returns whether row i holds a profile (a non-zero vector). */
    public boolean hasProfile(int i) {
        for (float v : vectors[i]) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }

    float[][] rows() {
        return vectors;
    }
}
