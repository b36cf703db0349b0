package dev.llmedt.augment;

import java.util.List;
import java.util.Objects;

/**
 * The prompt asking a generator for items of another domain: a template whose placeholders
 * {@code {source_domain}}, {@code {target_domain}}, {@code {count}} and {@code {items}} are
 * replaced; any other text, braces included, is kept as written.
 *
 * <p>{@code {items}} becomes the user's items grouped by cluster ({@code Group 1:} then one
 * {@code - title} line per item). Titles are flattened to one line (white space collapsed) and cut,
 * so an item text cannot add lines, groups or list items to the prompt.
 */
final class SuggestionPrompt {

    /** Longest title shown in a prompt, in characters. */
    static final int MAX_TITLE_CHARS = 150;

    private final String template;

    SuggestionPrompt(String template) {
        Objects.requireNonNull(template, "promptTemplate");
        if (!template.contains("{items}")) {
            throw new IllegalArgumentException("promptTemplate must contain the placeholder {items}, got '" + template + "'");
        }
        this.template = template;
    }

    String template() {
        return template;
    }

    /**
     * Renders the prompt.
     *
     * @param groups titles per cluster, in display order; empty groups are skipped
     */
    String render(String sourceDomain, String targetDomain, int count, List<List<String>> groups) {
        StringBuilder items = new StringBuilder();
        int g = 0;
        for (List<String> group : groups) {
            if (group.isEmpty()) {
                continue;
            }
            if (items.length() > 0) {
                items.append('\n');
            }
            items.append("Group ").append(++g).append(':');
            for (String title : group) {
                items.append("\n- ").append(flatten(title));
            }
        }
        return template.replace("{source_domain}", flatten(sourceDomain)).replace("{target_domain}", flatten(targetDomain))
                .replace("{count}", Integer.toString(count)).replace("{items}", items);
    }

    /** Collapses white space (line breaks included) to single spaces and cuts to {@link #MAX_TITLE_CHARS}. */
    static String flatten(String text) {
        String t = text.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
        return t.length() <= MAX_TITLE_CHARS ? t : t.substring(0, MAX_TITLE_CHARS).strip() + "...";
    }
}
