package dev.llmedt.dualphase;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How an item becomes a vector of the model width (METHOD section 1).
 */
public enum ItemRepresentation {
    /** A learned vector per item (plain SASRec); no text needed. */
    ID("id"),
    /**
     * The item's frozen text embedding through the trainable item adapter only (the reference
     * design); items without text get a learned vector instead.
     */
    LLM("llm"),
    /** The adapted text embedding plus a learned vector per item. */
    HYBRID("hybrid");

    private final String label;

    ItemRepresentation(String label) {
        this.label = label;
    }

    /** Returns the command-line and JSON name ({@code id}, {@code llm}, {@code hybrid}). */
    @JsonValue
    public String label() {
        return label;
    }

    /** Returns whether the representation reads item text embeddings. */
    public boolean usesText() {
        return this != ID;
    }

    /**
     * Parses a label.
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    @JsonCreator
    public static ItemRepresentation parse(String text) {
        for (ItemRepresentation r : values()) {
            if (r.label.equals(text.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("item representation must be one of id, llm, hybrid, got '" + text + "'");
    }
}
