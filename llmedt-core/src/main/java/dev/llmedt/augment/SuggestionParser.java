package dev.llmedt.augment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts suggested item texts from a generator's answer, and nothing else.
 *
 * <p>Accepted shapes: a JSON array (possibly inside a code fence or surrounded by prose) of
 * strings or of objects with a {@code title}, {@code name}, {@code item} or {@code product} text
 * field; a JSON object holding such an array; otherwise the list items of the text, numbered
 * ({@code 1. x}, {@code 2) x}) or bulleted ({@code - x}, {@code * x}, {@code • x}). Every other line
 * is ignored, numbers are never read as item ids, and a parsed text is only ever a candidate
 * string: it is embedded and matched to a real item, which must pass the similarity threshold.
 */
final class SuggestionParser {

    /** Longest text kept from one list item, in characters. */
    static final int MAX_TEXT_CHARS = 300;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LIST_ITEM = Pattern.compile("^\\s*(?:\\d{1,3}\\s*[.)]|[-*\u2022+])\\s+(.*\\S)\\s*$");
    private static final List<String> TITLE_FIELDS = List.of("title", "name", "item", "product", "product_name", "product_title");

    /**
     * The texts found in one answer.
     *
     * @param texts at most {@code limit} texts, in answer order
     * @param beyondLimit texts found after the first {@code limit}, ignored
     */
    record Parsed(List<String> texts, int beyondLimit) {
    }

    private SuggestionParser() {
    }

    /** Parses an answer, keeping at most {@code limit} texts. */
    static Parsed parse(String answer, int limit) {
        List<String> found = new ArrayList<>();
        if (answer != null && !answer.isBlank()) {
            String body = withoutFences(answer);
            if (!fromJson(body, found)) {
                fromLines(body, found);
            }
        }
        if (found.size() <= limit) {
            return new Parsed(List.copyOf(found), 0);
        }
        return new Parsed(List.copyOf(found.subList(0, limit)), found.size() - limit);
    }

    private static String withoutFences(String answer) {
        StringBuilder sb = new StringBuilder(answer.length());
        for (String line : answer.split("\\R", -1)) {
            if (!line.strip().startsWith("```")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    /** Adds the texts of a JSON answer; returns false when the answer holds no JSON array of texts. */
    private static boolean fromJson(String body, List<String> out) {
        String t = body.strip();
        JsonNode node = tryJson(t);
        if (node == null || !(node.isArray() || node.isObject())) {
            int open = t.indexOf('[');
            int close = t.lastIndexOf(']');
            node = open >= 0 && close > open ? tryJson(t.substring(open, close + 1)) : null;
        }
        if (node != null && node.isObject()) {
            JsonNode array = null;
            for (Iterator<JsonNode> it = node.elements(); it.hasNext() && array == null;) {
                JsonNode v = it.next();
                if (v.isArray()) {
                    array = v;
                }
            }
            node = array;
        }
        if (node == null || !node.isArray()) {
            return false;
        }
        for (JsonNode e : node) {
            String text = null;
            if (e.isTextual()) {
                text = e.asText();
            } else if (e.isObject()) {
                for (String f : TITLE_FIELDS) {
                    if (e.path(f).isTextual()) {
                        text = e.get(f).asText();
                        break;
                    }
                }
            }
            add(text, out);
        }
        return true;
    }

    private static JsonNode tryJson(String text) {
        if (text.isEmpty() || (text.charAt(0) != '[' && text.charAt(0) != '{')) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static void fromLines(String body, List<String> out) {
        for (String line : body.split("\\R")) {
            Matcher m = LIST_ITEM.matcher(line);
            if (m.matches()) {
                add(m.group(1), out);
            }
        }
    }

    /** Cleans a text (markdown emphasis, quotes, white space, length) and adds it when something is left. */
    private static void add(String text, List<String> out) {
        if (text == null) {
            return;
        }
        String t = text.replace("**", "").replace("__", "").replaceAll("\\s+", " ").strip();
        while (t.length() >= 2 && isQuote(t.charAt(0)) && isQuote(t.charAt(t.length() - 1))) {
            t = t.substring(1, t.length() - 1).strip();
        }
        if (t.length() > MAX_TEXT_CHARS) {
            t = t.substring(0, MAX_TEXT_CHARS).strip();
        }
        if (!t.isEmpty()) {
            out.add(t);
        }
    }

    private static boolean isQuote(char c) {
        return c == '"' || c == '\'' || c == '`' || c == '\u201c' || c == '\u201d';
    }
}
