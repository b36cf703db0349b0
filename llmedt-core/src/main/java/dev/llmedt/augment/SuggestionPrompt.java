package dev.llmedt.augment;

import dev.llmedt.prompt.PromptText;
import java.util.List;
import java.util.Map;

/**
 * The prompt asking a generator for items of another domain: a template whose placeholders
 * {@code {source_domain}}, {@code {target_domain}}, {@code {count}} and {@code {items}} are
 * replaced in one pass (text inserted for one placeholder is never read as another); any other
 * text, braces included, is kept as written.
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
        this.template = PromptText.requirePlaceholders("promptTemplate", template, "items");
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
        return PromptText.fill(template, Map.of("source_domain", flatten(sourceDomain), "target_domain", flatten(targetDomain),
                "count", Integer.toString(count), "items", items.toString()));
    }

    /** Flattens text to one line cut at {@link #MAX_TITLE_CHARS} (see {@link PromptText#oneLine}). */
    static String flatten(String text) {
        return PromptText.oneLine(text, MAX_TITLE_CHARS);
    }
}
