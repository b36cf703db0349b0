package dev.llmedt.prompt;

import dev.llmedt.check.Require;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts untrusted text (item titles, domain names, earlier answers of a model) into prompts so that
 * it cannot add lines, list items or placeholders to them, and cleans answers the same way.
 * Internal (a package the module does not export): shared by the augmenter and the profiler.
 */
public final class PromptText {

    /** White space, separators (U+2028 and U+2029 included) and control characters. */
    private static final Pattern BREAKS = Pattern.compile("[\\s\\p{Z}\\p{Cc}]+");
    /** Invisible format characters (bidirectional overrides, zero-width characters). */
    private static final Pattern INVISIBLE = Pattern.compile("\\p{Cf}+");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)\\}");

    private PromptText() {
    }

    /**
     * Flattens text to one line: runs of white space, line or paragraph separators and control
     * characters become one space, invisible format characters are removed, the ends are
     * stripped; text longer than {@code maxChars} is cut there (never inside a surrogate pair) and
     * ends with {@code "..."}, so the result has at most {@code maxChars + 3} characters.
     *
     * @param text any text, not null
     * @param maxChars at least 1
     */
    public static String oneLine(String text, int maxChars) {
        Objects.requireNonNull(text, "text");
        Require.atLeast("maxChars", maxChars, 1);
        String t = BREAKS.matcher(INVISIBLE.matcher(text).replaceAll("")).replaceAll(" ").strip();
        if (t.length() <= maxChars) {
            return t;
        }
        int cut = Character.isHighSurrogate(t.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return t.substring(0, cut).strip() + "...";
    }

    /**
     * Flattens text to one line like {@link #oneLine}, but keeps it whole up to {@code maxChars}
     * characters and cuts longer text so that the result, the final {@code "..."} included, has at
     * most {@code maxChars} characters.
     *
     * @param text any text, not null
     * @param maxChars at least 4
     */
    public static String fit(String text, int maxChars) {
        Require.atLeast("maxChars", maxChars, 4);
        String flat = oneLine(text, Integer.MAX_VALUE - 3);
        return flat.length() <= maxChars ? flat : oneLine(flat, maxChars - 3);
    }

    /**
     * Replaces the placeholders {@code {name}} of a template in one pass: text coming from a value
     * is never scanned for placeholders again, so a title or an answer that contains
     * {@code "{items}"} stays as written. Placeholders without a value, and any other text, are
     * kept as written.
     *
     * @param template the prompt template
     * @param values the text of each placeholder name (without braces)
     */
    public static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 256);
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Checks that a template contains each of the placeholders.
     *
     * @param setting the name of the setting that holds the template, for the message
     * @param template the template, not null
     * @param placeholders names without braces
     * @return {@code template}
     * @throws IllegalArgumentException naming the setting and the first missing placeholder
     */
    public static String requirePlaceholders(String setting, String template, String... placeholders) {
        Objects.requireNonNull(template, setting);
        for (String p : placeholders) {
            if (!template.contains("{" + p + "}")) {
                throw new IllegalArgumentException(setting + " must contain the placeholder {" + p + "}, got '" + template + "'");
            }
        }
        return template;
    }
}
