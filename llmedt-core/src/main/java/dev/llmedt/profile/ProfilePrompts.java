package dev.llmedt.profile;

import dev.llmedt.prompt.PromptText;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three prompts of Summarize-Reform-Analyze, rendered from templates. Placeholders are
 * replaced in one pass ({@link PromptText#fill}); every inserted text (titles, domain names,
 * earlier answers) is flattened to one line first, so no title or answer can add lines, list items
 * or placeholders to a prompt.
 */
final class ProfilePrompts {

    /** Longest title written in a prompt, in characters. */
    static final int MAX_TITLE_CHARS = 150;
    /** Longest domain name written in a prompt, in characters. */
    static final int MAX_DOMAIN_CHARS = 100;

    private final String summarize;
    private final String reform;
    private final String analyze;

    /**
     * Checks the templates.
     *
     * @throws IllegalArgumentException naming the template and the missing placeholder
     */
    ProfilePrompts(String summarize, String reform, String analyze) {
        this.summarize = checkSummarize(summarize);
        this.reform = checkReform(reform);
        this.analyze = checkAnalyze(analyze);
    }

    /** Returns a Summarize template after checking that it has {@code {items}}. */
    static String checkSummarize(String template) {
        return PromptText.requirePlaceholders("summarizeTemplate", template, "items");
    }

    /** Returns a Reform template after checking that it has {@code {summaries}} and {@code {ratio}}. */
    static String checkReform(String template) {
        return PromptText.requirePlaceholders("reformTemplate", template, "summaries", "ratio");
    }

    /** Returns an Analyze template after checking that it has {@code {domains}}. */
    static String checkAnalyze(String template) {
        return PromptText.requirePlaceholders("analyzeTemplate", template, "domains");
    }

    /**
     * The Summarize prompt of one cluster.
     *
     * @param titles its items' titles, oldest first, none empty
     */
    String summarize(String domain, List<String> titles) {
        StringBuilder items = new StringBuilder();
        for (String title : titles) {
            items.append(items.length() == 0 ? "" : "\n").append("- ").append(PromptText.oneLine(title, MAX_TITLE_CHARS));
        }
        return PromptText.fill(summarize, Map.of("domain", domainName(domain), "items", items.toString()));
    }

    /**
     * The Reform prompt of one domain of a user.
     *
     * @param ratio the domain's share of the user's items, e.g. {@code "72%"}
     * @param ratios every domain of the user with its share, e.g. {@code "Food 72%, Kitchen 28%"}
     * @param summaries the domain's cluster summaries, most recent cluster first
     * @param sizes the number of items of each of those clusters
     */
    String reform(String domain, String ratio, String ratios, List<String> summaries, List<Integer> sizes) {
        StringBuilder lines = new StringBuilder();
        for (int k = 0; k < summaries.size(); k++) {
            lines.append(k == 0 ? "" : "\n").append("- (").append(sizes.get(k)).append(sizes.get(k) == 1 ? " item) " : " items) ")
                    .append(PromptText.oneLine(summaries.get(k), Integer.MAX_VALUE - 3));
        }
        return PromptText.fill(reform, Map.of("domain", domainName(domain), "ratio", ratio, "ratios", ratios, "summaries",
                lines.toString()));
    }

    /**
     * The Analyze prompt of a user.
     *
     * @param domainLines one line per domain, {@code Food (72% of items): <reformed preference>}
     * @param ratios every domain of the user with its share
     */
    String analyze(List<String> domainLines, String ratios) {
        StringBuilder lines = new StringBuilder();
        for (String line : domainLines) {
            lines.append(lines.length() == 0 ? "" : "\n").append("- ").append(PromptText.oneLine(line, Integer.MAX_VALUE - 3));
        }
        return PromptText.fill(analyze, Map.of("domains", lines.toString(), "ratios", ratios));
    }

    /** Returns a domain name as written in prompts (one line, cut). */
    static String domainName(String name) {
        return PromptText.oneLine(name, MAX_DOMAIN_CHARS);
    }

    /** Returns the SHA-256 (hex) of each template's UTF-8 text, by step name. */
    Map<String, String> sha256() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("summarize", sha256(summarize));
        m.put("reform", sha256(reform));
        m.put("analyze", sha256(analyze));
        return m;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
