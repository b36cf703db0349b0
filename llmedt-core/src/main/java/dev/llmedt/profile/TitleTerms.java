package dev.llmedt.profile;

import dev.llmedt.data.ItemCatalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The terms of every title of a catalog and their inverse document frequency over all its titles.
 * Built once per catalog and kept as long as the catalog is reachable, so that profiling the
 * training users and then the evaluated users of one dataset tokenizes its titles once.
 *
 * <p><b>Terms.</b> A title is lower-cased ({@link Locale#ROOT}) and cut into maximal runs of
 * Unicode letters and digits. Dropped: terms of one character, terms that contain a digit
 * (sizes, counts and model numbers such as {@code 12}, {@code 16oz}, {@code 4pc}), and the
 * {@linkplain #STOP_WORDS stop words}.
 *
 * <p><b>idf</b> of a term = {@code ln((1 + N) / (1 + df)) + 1}, where {@code N} is the number of
 * items with a title and {@code df} the number of titles containing the term (the smoothed form:
 * always at least 1, larger for rarer terms).
 */
final class TitleTerms {

    /**
     * English function words, units and packaging words of product titles, and the names of HTML
     * entities ({@code &amp;}, {@code &quot;}) that escaped titles leave behind.
     */
    static final Set<String> STOP_WORDS = Set.of(
            "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "but", "by", "can", "do", "each",
            "for", "from", "has", "have", "he", "her", "his", "if", "in", "into", "is", "it", "its", "just", "more", "most", "my",
            "no", "non", "not", "of", "on", "one", "or", "our", "out", "over", "per", "she", "so", "than", "that", "the", "their",
            "them", "then", "there", "these", "they", "this", "those", "to", "too", "up", "us", "very", "was", "we", "were", "what",
            "when", "which", "while", "who", "will", "with", "without", "you", "your",
            "pack", "packs", "pk", "count", "ct", "ounce", "ounces", "oz", "fl", "lb", "lbs", "pound", "pounds", "gram", "grams", "kg",
            "mg", "ml", "liter", "liters", "litre", "quart", "quarts", "qt", "gallon", "gallons", "gal", "inch", "inches", "cm", "mm",
            "ft", "feet", "piece", "pieces", "pc", "pcs", "size", "sizes", "value",
            "amp", "quot", "apos", "nbsp", "lt", "gt");

    private static final Map<ItemCatalog, TitleTerms> BY_CATALOG = new WeakHashMap<>();

    /** Each term, by term id. */
    private final String[] terms;
    /** idf by term id. */
    private final double[] idf;
    /** The distinct term ids of each item's title, in order of first appearance; empty without title. */
    private final int[][] itemTerms;

    private TitleTerms(String[] terms, double[] idf, int[][] itemTerms) {
        this.terms = terms;
        this.idf = idf;
        this.itemTerms = itemTerms;
    }

    /** Returns the terms of a catalog, computing them the first time (catalogs are compared by identity). */
    static TitleTerms of(ItemCatalog catalog) {
        synchronized (BY_CATALOG) {
            return BY_CATALOG.computeIfAbsent(catalog, TitleTerms::compute);
        }
    }

    private static TitleTerms compute(ItemCatalog catalog) {
        Map<String, Integer> ids = new HashMap<>();
        List<String> terms = new ArrayList<>();
        List<Integer> df = new ArrayList<>();
        int[][] itemTerms = new int[catalog.size()][];
        int titled = 0;
        for (int item = 0; item < catalog.size(); item++) {
            String title = catalog.item(item).title();
            if (!title.isEmpty()) {
                titled++;
            }
            List<String> tokens = tokens(title);
            int[] row = new int[tokens.size()];
            for (int k = 0; k < row.length; k++) {
                Integer id = ids.get(tokens.get(k));
                if (id == null) {
                    id = terms.size();
                    ids.put(tokens.get(k), id);
                    terms.add(tokens.get(k));
                    df.add(0);
                }
                row[k] = id;
                df.set(id, df.get(id) + 1);
            }
            itemTerms[item] = row;
        }
        double[] idf = new double[terms.size()];
        for (int t = 0; t < idf.length; t++) {
            idf[t] = Math.log((1.0 + titled) / (1.0 + df.get(t))) + 1;
        }
        return new TitleTerms(terms.toArray(new String[0]), idf, itemTerms);
    }

    /** Returns the distinct terms of a text, in order of first appearance (see the class comment). */
    static List<String> tokens(String text) {
        Set<String> out = new LinkedHashSet<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            int cp = text.codePointAt(i);
            if (!Character.isLetterOrDigit(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            boolean digit = false;
            while (i < n) {
                cp = text.codePointAt(i);
                if (!Character.isLetterOrDigit(cp)) {
                    break;
                }
                digit |= Character.isDigit(cp);
                i += Character.charCount(cp);
            }
            String token = text.substring(start, i).toLowerCase(Locale.ROOT);
            if (!digit && token.codePointCount(0, token.length()) > 1 && !STOP_WORDS.contains(token)) {
                out.add(token);
            }
        }
        return new ArrayList<>(out);
    }

    /** Returns the distinct term ids of an item's title (shared array: do not modify). */
    int[] termsOf(int item) {
        return itemTerms[item];
    }

    /** Returns the text of a term. */
    String term(int id) {
        return terms[id];
    }

    /** Returns the idf of a term. */
    double idf(int id) {
        return idf[id];
    }
}
