package dev.llmedt.augment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How the offline augmenter picks the bridge item of a source item (the item of the target domain
 * it inserts after it). Every scoring keeps tau on the plain cosine between source and bridge;
 * the scorings differ in which item they pick.
 */
public enum BridgeScoring {
    /**
     * The nearest item of the target domain by cosine of the text embeddings (the default). A few
     * "hub" items are the nearest item of very many source items and take most insertions.
     */
    TEXT,
    /**
     * Cross-domain similarity local scaling: the item of highest
     * {@code 2 cos(s, t) - r_T(s) - r_S(t)}, where {@code r_S(t)} is the mean cosine of item
     * {@code t}'s {@value ItemSpace#HUB_NEIGHBOURS} nearest items of the source domain (and
     * {@code r_T(s)} that of {@code s} in the target domain). A hub is close to many items, so its
     * {@code r_S} is high and its score pushed down.
     */
    CSLS,
    /**
     * From behaviour: the item of the target domain that users most often took next after the
     * source item, counted over the training sequences (the first item of the target domain after
     * each occurrence of the source item); a source item without such a successor falls back to
     * {@link #CSLS}. Behavioural bridges are exempt from tau, are placed right after their source
     * item and win over similarity bridges of the same item.
     */
    BEHAVIOUR;

    /**
     * Parses {@code text}, {@code csls} or {@code behaviour} (case-insensitive; {@code behavior} is
     * accepted too).
     *
     * @throws IllegalArgumentException for anything else, naming the accepted values
     */
    @JsonCreator
    public static BridgeScoring parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("behavior")) {
            return BEHAVIOUR;
        }
        for (BridgeScoring s : values()) {
            if (s.label().equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("bridges must be text, csls or behaviour, got '" + text + "'");
    }

    /** Returns the lower-case name ({@code csls}). */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
