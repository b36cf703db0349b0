package dev.llmedt.augment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where an augmenter puts an inserted item in the user's sequence. */
public enum InsertionStrategy {
    /** Right after the user's item it is most similar to (its source): the bridge of LLM-EDT. */
    AFTER_SOURCE,
    /** At the end of the sequence, in the order of the source items (ablation). */
    APPEND,
    /** At a uniformly random place, before the first item included, seeded per user (ablation). */
    RANDOM;

    /**
     * Parses {@code after-source}, {@code append} or {@code random} (case-insensitive; {@code _}
     * may stand for {@code -}).
     *
     * @throws IllegalArgumentException for anything else, naming the accepted values
     */
    @JsonCreator
    public static InsertionStrategy parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (InsertionStrategy s : values()) {
            if (s.label().equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("insertion must be after-source, append or random, got '" + text + "'");
    }

    /** Returns the lower-case, hyphenated name ({@code after-source}). */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
