package dev.llmedt.profile;

import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.data.Item;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.text.ItemEmbeddings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Hand-made and random catalogs, vectors and histories for the profiler tests. */
final class ProfileFixtures {

    private ProfileFixtures() {
    }

    /**
     * Food 0..5, Kitchen 6..9. Vectors point along four axes: coffee (0, 1, 2), tea (3, 4),
     * grinders (6, 7), other kitchen things (8, 9); item 5 has no title and a zero vector.
     */
    static final String[] TITLES = {
        "Arabica Coffee Beans, 12 Ounce", "Espresso Roast Coffee Beans", "Dark Roast Espresso", "Matcha Green Tea Powder",
        "Jasmine Green Tea", "", "Burr Coffee Grinder", "Manual Burr Grinder", "Glass Teapot", "Chef Knife",
    };
    private static final int[] AXIS = {0, 0, 0, 1, 1, -1, 2, 2, 3, 3};

    static ItemCatalog catalog() {
        return catalog(TITLES, 6);
    }

    static ItemEmbeddings embeddings() {
        return axes(AXIS, 4, "axes-4");
    }

    /** A Food/Kitchen catalog: the first {@code foodItems} titles are Food; an empty title means no text. */
    static ItemCatalog catalog(String[] titles, int foodItems) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < titles.length; i++) {
            items.add(new Item(i, i < foodItems ? 0 : 1, "x" + i, titles[i].isEmpty() ? Map.of() : Map.of(Item.TITLE, titles[i])));
        }
        return new ItemCatalog(List.of(new Domain(0, "Food", 0, foodItems), new Domain(1, "Kitchen", foodItems,
                titles.length - foodItems)), items);
    }

    /** Item vectors along axes: item i is the unit vector of axis[i], or zero when axis[i] < 0. */
    static ItemEmbeddings axes(int[] axis, int dimension, String modelId) {
        float[] m = new float[axis.length * dimension];
        for (int i = 0; i < axis.length; i++) {
            if (axis[i] >= 0) {
                m[i * dimension + axis[i]] = 1;
            }
        }
        return ItemEmbeddings.of(m, axis.length, dimension, modelId, "{title}");
    }

    /** A random unit vector (Gaussian direction). */
    static float[] unitVector(SplittableRandom random, int dimension) {
        float[] v = new float[dimension];
        double norm = 0;
        for (int f = 0; f < dimension; f++) {
            v[f] = (float) random.nextGaussian();
            norm += v[f] * v[f];
        }
        for (int f = 0; f < dimension; f++) {
            v[f] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    /** The words random titles are made of. */
    private static final String[] WORDS = {
        "coffee", "tea", "espresso", "grinder", "kettle", "pan", "knife", "spoon", "chocolate", "cocoa", "vanilla", "honey", "oats",
        "rice", "pasta", "sauce", "salt", "pepper", "olive", "oil", "bamboo", "steel", "glass", "ceramic", "organic", "roast",
    };

    /** A catalog of three domains with random titles (some items without title). */
    static ItemCatalog randomCatalog(long seed, int perDomain) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Domain> domains = new ArrayList<>();
        List<Item> items = new ArrayList<>();
        String[] names = {"Food", "Kitchen", "Books"};
        for (int d = 0; d < names.length; d++) {
            domains.add(new Domain(d, names[d], d * perDomain, perDomain));
            for (int k = 0; k < perDomain; k++) {
                int id = d * perDomain + k;
                StringBuilder title = new StringBuilder();
                int words = r.nextInt(5);
                for (int w = 0; w < words; w++) {
                    title.append(w == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
                }
                items.add(new Item(id, d, "r" + id, title.length() == 0 ? Map.of() : Map.of(Item.TITLE, title.toString())));
            }
        }
        return new ItemCatalog(domains, items);
    }

    /** Random unit vectors of dimension 8 (zero rows for items without title). */
    static ItemEmbeddings randomEmbeddings(ItemCatalog catalog, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int dim = 8;
        float[] m = new float[catalog.size() * dim];
        for (int i = 0; i < catalog.size(); i++) {
            if (!catalog.item(i).title().isEmpty()) {
                System.arraycopy(unitVector(r, dim), 0, m, i * dim, dim);
            }
        }
        return ItemEmbeddings.of(m, catalog.size(), dim, "random-8", "{title}");
    }

    /** Random histories of 0 to {@code maxLength} items, duplicates allowed. */
    static List<History> randomHistories(ItemCatalog catalog, long seed, int users, int maxLength) {
        SplittableRandom r = new SplittableRandom(seed);
        List<History> out = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            int[] items = new int[r.nextInt(maxLength + 1)];
            for (int k = 0; k < items.length; k++) {
                items[k] = r.nextInt(catalog.size());
            }
            out.add(History.of(items));
        }
        return out;
    }

    /** One domain's part of an extractive profile: the share as written and the terms of each cluster. */
    record Section(String share, List<List<String>> clusters) {

        List<String> terms() {
            return clusters.stream().flatMap(List::stream).toList();
        }
    }

    private static final Pattern SECTION = Pattern.compile("([^()]+?) \\(([<>]?\\d+%) of items\\)(?:: ([^.]*))?\\.");

    /**
     * Parses an extractive profile into its domain sections, in order.
     *
     * @throws AssertionError when the text is not exactly a sequence of sections
     */
    static Map<String, Section> sections(String profile) {
        Map<String, Section> out = new LinkedHashMap<>();
        Matcher m = SECTION.matcher(profile);
        StringBuilder rebuilt = new StringBuilder();
        while (m.find()) {
            rebuilt.append(m.group());
            List<List<String>> clusters = new ArrayList<>();
            if (m.group(3) != null) {
                for (String cluster : m.group(3).split("; ")) {
                    clusters.add(List.of(cluster.split(", ")));
                }
            }
            out.put(m.group(1).strip(), new Section(m.group(2), clusters));
        }
        if (!rebuilt.toString().equals(profile)) {
            throw new AssertionError("not an extractive profile: '" + profile + "'");
        }
        return out;
    }
}
