package dev.llmedt.text;

import dev.llmedt.check.Require;
import dev.llmedt.data.Item;
import dev.llmedt.data.ItemCatalog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns an item's text fields into the one string that is encoded, per domain: which fields, in
 * what order, with what words around them, truncated to what length.
 *
 * <p>A pattern is literal text with placeholders {@code {field}} or {@code {field:N}} (the field
 * cut to at most N characters); {@code {{} and {@code }}} stand for literal braces. Example:
 * {@code "{title}. Brand: {brand}. {description:300}"}. Rendering
 * <ul>
 *   <li>replaces a field the item lacks by nothing;</li>
 *   <li>gives the empty string when every placeholder is empty, whatever literal text the pattern
 *       holds: such an item has no text (see {@link ItemEmbeddings});</li>
 *   <li>collapses runs of white space to one space, trims, and cuts the result to
 *       {@link Builder#maxChars} characters (default {@value #DEFAULT_MAX_CHARS}), at a word
 *       boundary when one is near.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe. {@link #toString()} is a canonical description recorded for
 * provenance.
 */
public final class ItemTextTemplate {

    /** The default limit of a rendered text, in characters. */
    public static final int DEFAULT_MAX_CHARS = 2000;

    private static final int MAX_CHARS_LIMIT = 1_000_000;

    private final Pattern defaultPattern;
    private final Map<String, Pattern> byDomain;
    private final int maxChars;

    private ItemTextTemplate(Builder b) {
        this.defaultPattern = b.defaultPattern;
        this.byDomain = Collections.unmodifiableMap(new LinkedHashMap<>(b.byDomain));
        this.maxChars = b.maxChars;
    }

    /**
     * Returns a template that uses one pattern for every domain.
     *
     * @param pattern for example {@code "{title}"}
     * @throws IllegalArgumentException when the pattern is malformed (names the position)
     */
    public static ItemTextTemplate of(String pattern) {
        return builder(pattern).build();
    }

    /** Returns the template {@code "{title}"}. */
    public static ItemTextTemplate titles() {
        return of("{" + Item.TITLE + "}");
    }

    /**
     * Starts a template with the pattern used for domains that have no pattern of their own.
     *
     * @throws IllegalArgumentException when the pattern is malformed
     */
    public static Builder builder(String defaultPattern) {
        return new Builder(Pattern.parse(defaultPattern));
    }

    /**
     * Renders the text of an item of a catalog.
     *
     * @param catalog the catalog the item belongs to (gives its domain's name)
     * @param item a global item id
     * @return the text, or the empty string when the item has no text under this template
     */
    public String render(ItemCatalog catalog, int item) {
        Item it = catalog.item(item);
        return render(it, catalog.domains().get(it.domain()).name());
    }

    /**
     * Renders the text of an item of the named domain.
     *
     * @return the text, or the empty string when the item has no text under this template
     */
    public String render(Item item, String domainName) {
        Pattern p = byDomain.getOrDefault(domainName, defaultPattern);
        return p.render(item.text(), maxChars);
    }

    /** Returns the limit of a rendered text, in characters. */
    public int maxChars() {
        return maxChars;
    }

    /**
     * Returns a canonical description: the default pattern, then {@code ; NAME=PATTERN} per domain,
     * then {@code ; maxChars=N} when not the default.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(defaultPattern.source);
        byDomain.forEach((name, p) -> sb.append("; ").append(name).append('=').append(p.source));
        if (maxChars != DEFAULT_MAX_CHARS) {
            sb.append("; maxChars=").append(maxChars);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ItemTextTemplate t && toString().equals(t.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** Builds an {@link ItemTextTemplate}; each setter checks its argument at once. */
    public static final class Builder {

        private final Pattern defaultPattern;
        private final Map<String, Pattern> byDomain = new LinkedHashMap<>();
        private int maxChars = DEFAULT_MAX_CHARS;

        private Builder(Pattern defaultPattern) {
            this.defaultPattern = defaultPattern;
        }

        /**
         * Uses a pattern of its own for the named domain.
         *
         * @throws IllegalArgumentException when the pattern is malformed
         * @throws IllegalStateException when the domain already has a pattern
         */
        public Builder domain(String domainName, String pattern) {
            Objects.requireNonNull(domainName, "domainName");
            if (domainName.isBlank()) {
                throw new IllegalArgumentException("domain name must not be blank");
            }
            if (byDomain.containsKey(domainName)) {
                throw new IllegalStateException("domain '" + domainName + "' already has a pattern: " + byDomain.get(domainName).source);
            }
            byDomain.put(domainName, Pattern.parse(pattern));
            return this;
        }

        /**
         * Cuts rendered texts to at most this many characters (default {@value #DEFAULT_MAX_CHARS}).
         *
         * @throws IllegalArgumentException unless {@code 1 <= maxChars <= 1,000,000}
         */
        public Builder maxChars(int maxChars) {
            this.maxChars = Require.inRange("maxChars", maxChars, 1, MAX_CHARS_LIMIT);
            return this;
        }

        /** Returns the template. */
        public ItemTextTemplate build() {
            return new ItemTextTemplate(this);
        }
    }

    /** A parsed pattern: literal parts and placeholders in order. */
    private static final class Pattern {

        /** A literal (field == null) or a placeholder (field, limit or 0). */
        private record Part(String literal, String field, int limit) {
        }

        final String source;
        final List<Part> parts;

        private Pattern(String source, List<Part> parts) {
            this.source = source;
            this.parts = parts;
        }

        static Pattern parse(String source) {
            Objects.requireNonNull(source, "pattern");
            List<Part> parts = new ArrayList<>();
            StringBuilder literal = new StringBuilder();
            boolean anyField = false;
            int i = 0;
            while (i < source.length()) {
                char c = source.charAt(i);
                if (c == '{' && i + 1 < source.length() && source.charAt(i + 1) == '{') {
                    literal.append('{');
                    i += 2;
                } else if (c == '}' && i + 1 < source.length() && source.charAt(i + 1) == '}') {
                    literal.append('}');
                    i += 2;
                } else if (c == '}') {
                    throw malformed(source, i, "'}' without '{' (write '}}' for a literal brace)");
                } else if (c == '{') {
                    int end = source.indexOf('}', i);
                    if (end < 0) {
                        throw malformed(source, i, "'{' is never closed");
                    }
                    if (literal.length() > 0) {
                        parts.add(new Part(literal.toString(), null, 0));
                        literal.setLength(0);
                    }
                    parts.add(placeholder(source, i, source.substring(i + 1, end)));
                    anyField = true;
                    i = end + 1;
                } else {
                    literal.append(c);
                    i++;
                }
            }
            if (literal.length() > 0) {
                parts.add(new Part(literal.toString(), null, 0));
            }
            if (!anyField) {
                throw new IllegalArgumentException("text template '" + source + "' has no {field} placeholder; e.g. '{title}'");
            }
            return new Pattern(source, List.copyOf(parts));
        }

        private static Part placeholder(String source, int at, String body) {
            String field = body;
            int limit = 0;
            int colon = body.indexOf(':');
            if (colon >= 0) {
                field = body.substring(0, colon);
                String n = body.substring(colon + 1);
                try {
                    limit = Integer.parseInt(n);
                } catch (NumberFormatException e) {
                    throw malformed(source, at, "the limit in {" + body + "} must be a whole number of characters, got '" + n + "'");
                }
                if (limit < 1) {
                    throw malformed(source, at, "the limit in {" + body + "} must be >= 1, got " + limit);
                }
            }
            if (field.isEmpty() || !field.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_' || ch == '-' || ch == '.')) {
                throw malformed(source, at, "'{" + body + "}' is not a field name (letters, digits, '_', '-', '.')");
            }
            return new Part(null, field, limit);
        }

        private static IllegalArgumentException malformed(String source, int at, String why) {
            return new IllegalArgumentException("text template '" + source + "' at character " + (at + 1) + ": " + why);
        }

        String render(Map<String, String> fields, int maxChars) {
            StringBuilder sb = new StringBuilder();
            boolean anyValue = false;
            for (Part p : parts) {
                if (p.field == null) {
                    sb.append(p.literal);
                    continue;
                }
                String v = fields.get(p.field);
                if (v == null || v.isBlank()) {
                    continue;
                }
                v = collapse(v);
                anyValue = true;
                sb.append(p.limit > 0 ? cut(v, p.limit) : v);
            }
            if (!anyValue) {
                return "";
            }
            return cut(collapse(sb.toString()), maxChars);
        }

        private static String collapse(String s) {
            StringBuilder sb = new StringBuilder(s.length());
            boolean space = false;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                    space = sb.length() > 0;
                } else {
                    if (space) {
                        sb.append(' ');
                        space = false;
                    }
                    sb.append(c);
                }
            }
            return sb.toString();
        }

        /** Cuts to at most {@code limit} chars, at the last space in the final fifth when there is one. */
        private static String cut(String s, int limit) {
            if (s.length() <= limit) {
                return s;
            }
            int end = limit;
            if (Character.isLowSurrogate(s.charAt(end)) && end > 0) {
                end--;
            }
            int space = s.lastIndexOf(' ', end);
            if (space >= end - end / 5 && space > 0) {
                end = space;
            }
            return s.substring(0, end).strip();
        }
    }
}
