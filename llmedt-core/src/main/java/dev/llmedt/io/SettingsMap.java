package dev.llmedt.io;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads typed values from a settings map parsed from JSON (the {@code fromMap} side of the
 * settings records), with messages that name the component and the key. Internal: not part of the
 * supported API.
 */
public final class SettingsMap {

    private final String owner;
    private final Map<String, ?> map;

    private SettingsMap(String owner, Map<String, ?> map) {
        this.owner = owner;
        this.map = map;
    }

    /**
     * Wraps a map after checking that it has no key outside {@code keys}.
     *
     * @param owner the component, for messages ("augmenter", "profiler")
     * @throws IllegalArgumentException naming the unknown keys and the known ones
     */
    public static SettingsMap of(String owner, Map<String, ?> map, List<String> keys) {
        Set<String> unknown = new HashSet<>(map.keySet());
        keys.forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown " + owner + " settings " + unknown + "; known: " + keys);
        }
        return new SettingsMap(owner, map);
    }

    private Object value(String key) {
        Object v = map.get(key);
        if (v == null) {
            throw new IllegalArgumentException(owner + " setting '" + key + "' is missing");
        }
        return v;
    }

    /**
     * Returns a number.
     *
     * @throws IllegalArgumentException when missing or not a number
     */
    public Number number(String key) {
        if (value(key) instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException(owner + " setting '" + key + "' must be a number, got '" + map.get(key) + "'");
    }

    /**
     * Returns a whole number in int range.
     *
     * @throws IllegalArgumentException when missing, fractional or too large
     */
    public int intValue(String key) {
        Number n = number(key);
        if (n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() != n.intValue()) {
            throw new IllegalArgumentException(owner + " setting '" + key + "' must be a whole number in int range, got " + n);
        }
        return n.intValue();
    }

    /**
     * Returns text.
     *
     * @throws IllegalArgumentException when missing or not text
     */
    public String string(String key) {
        if (value(key) instanceof String t) {
            return t;
        }
        throw new IllegalArgumentException(owner + " setting '" + key + "' must be text, got '" + map.get(key) + "'");
    }

    /**
     * Returns true or false.
     *
     * @throws IllegalArgumentException when missing or not a boolean
     */
    public boolean bool(String key) {
        if (value(key) instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(owner + " setting '" + key + "' must be true or false, got '" + map.get(key) + "'");
    }
}
