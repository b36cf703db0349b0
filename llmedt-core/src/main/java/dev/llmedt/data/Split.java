package dev.llmedt.data;

import java.util.Locale;

/** The held-out parts of a dataset. */
public enum Split {
    /** Used for model selection (early stopping). */
    VALID,
    /** Reported once, at the selected model. */
    TEST;

    /** Parses {@code valid} or {@code test}, case-insensitively. */
    public static Split parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "valid", "validation", "val" -> VALID;
            case "test" -> TEST;
            default -> throw new IllegalArgumentException("split must be 'valid' or 'test', got '" + text + "'");
        };
    }

    /** Returns the lower-case name. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
