package dev.llmedt.data;

import dev.llmedt.check.Require;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An item: its global id, its domain, the id it has in the source files and its text fields.
 *
 * @param id global item id (see {@link Domain})
 * @param domain index of the item's domain
 * @param externalId the id in the source data (an ASIN, a CSV key), never null, may be empty
 * @param text text fields in a stable order ({@code title} first when present); unmodifiable;
 *     empty when the item has no text
 */
public record Item(int id, int domain, String externalId, Map<String, String> text) {

    /** The name of the title field. */
    public static final String TITLE = "title";

    /** Validates and freezes the fields. */
    public Item {
        Require.atLeast("item id", id, 0);
        Objects.requireNonNull(externalId, "externalId");
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : text.entrySet()) {
            if (e.getValue() != null && !e.getValue().isBlank()) {
                copy.put(e.getKey(), e.getValue());
            }
        }
        text = Collections.unmodifiableMap(copy);
    }

    /** Returns the title, or an empty string when the item has none. */
    public String title() {
        return text.getOrDefault(TITLE, "");
    }

    /** Returns whether the item has any non-blank text field. */
    public boolean hasText() {
        return !text.isEmpty();
    }
}
