package dev.llmedt.eval;

import dev.llmedt.check.Require;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a target is ranked: against every item of its domain (FULL, the default and the honest
 * one) or against N sampled negatives (SAMPLED, as in papers that report sampled metrics).
 *
 * <p>Sampled numbers are typically an order of magnitude higher than full-ranking ones; every
 * report carries its protocol so that they are never mixed.
 *
 * @param kind full or sampled ranking
 * @param negatives SAMPLED: the number of distinct negatives per case; FULL: 0
 * @param seed SAMPLED: the seed of the negative draw; FULL: 0
 * @param excludeInputItems FULL: whether the user's input items other than the target are removed
 *     from the candidates; SAMPLED: always true (negatives never come from the user's sequence)
 */
public record Protocol(Kind kind, int negatives, long seed, boolean excludeInputItems) {

    /** The ranking protocols. */
    public enum Kind {
        /** Rank among all items of the target's domain. */
        FULL,
        /** Rank among N uniformly drawn negatives of the target's domain. */
        SAMPLED
    }

    /** Validates the fields. */
    public Protocol {
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        if (kind == Kind.FULL && (negatives != 0 || seed != 0)) {
            throw new IllegalArgumentException("full ranking takes no negatives or seed");
        }
        if (kind == Kind.SAMPLED) {
            Require.atLeast("negatives", negatives, 1);
            if (!excludeInputItems) {
                throw new IllegalArgumentException("sampled negatives always exclude the user's items");
            }
        }
    }

    /** Full ranking over the target's domain with the user's input items excluded (the default). */
    public static Protocol full() {
        return new Protocol(Kind.FULL, 0, 0, true);
    }

    /** Sampled ranking against {@code negatives} distinct uniform negatives drawn with {@code seed}. */
    public static Protocol sampled(int negatives, long seed) {
        return new Protocol(Kind.SAMPLED, negatives, seed, true);
    }

    /** Returns this full-ranking protocol with the user's input items kept among the candidates. */
    public Protocol includingInputItems() {
        if (kind != Kind.FULL) {
            throw new IllegalStateException("only full ranking can keep input items as candidates");
        }
        return new Protocol(Kind.FULL, 0, 0, false);
    }

    /**
     * Parses {@code full}, {@code full-with-input} or {@code sampled-N}; sampled protocols use the
     * given seed.
     */
    public static Protocol parse(String text, long seed) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("full")) {
            return full();
        }
        if (t.equals("full-with-input")) {
            return full().includingInputItems();
        }
        if (t.startsWith("sampled-")) {
            try {
                return sampled(Integer.parseInt(t.substring("sampled-".length())), seed);
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("protocol must be 'full', 'full-with-input' or 'sampled-N' (N >= 1), got '" + text + "'");
    }

    /** Returns a short label: {@code full}, {@code full-with-input} or {@code sampled-N}. */
    public String label() {
        if (kind == Kind.SAMPLED) {
            return "sampled-" + negatives;
        }
        return excludeInputItems ? "full" : "full-with-input";
    }

    /** Returns a description for JSON reports. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", label());
        m.put("kind", kind.name().toLowerCase(Locale.ROOT));
        m.put("exclude_input_items", excludeInputItems);
        if (kind == Kind.SAMPLED) {
            m.put("negatives", negatives);
            m.put("seed", seed);
        }
        return m;
    }
}
