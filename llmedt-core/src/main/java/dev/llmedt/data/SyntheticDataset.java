package dev.llmedt.data;

import dev.llmedt.check.Require;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates a small, realistic-looking two-domain dataset ("Food" and "Kitchen") with titled items,
 * so that examples and tests run on a fresh machine without downloading anything.
 *
 * <p>Items belong to shared topics (coffee, tea, baking, ...): the coffee beans of the Food domain
 * and the coffee grinder of the Kitchen domain share a topic, which gives text encoders and the
 * cross-domain augmenter something real to find. Users follow one or two topics; within a topic
 * they tend to move to the "next" item of that topic, so the sequence order carries signal beyond
 * popularity. Single-domain and mixed users are generated in proportions like those of the Amazon
 * data; held-out users are mixed, like LLMCDSR's.
 */
public final class SyntheticDataset {

    private static final String[] TOPICS = {"coffee", "tea", "baking", "pasta", "grilling", "spices", "breakfast", "smoothies"};
    private static final String[][] FOOD = {
        {"Espresso Beans", "Dark Roast Ground Coffee", "Cold Brew Coffee", "Decaf Coffee Pods", "Hazelnut Coffee Syrup"},
        {"Green Tea Bags", "Earl Grey Loose Leaf Tea", "Chamomile Herbal Tea", "Matcha Powder", "Chai Tea Concentrate"},
        {"All-Purpose Flour", "Dark Chocolate Chips", "Pure Vanilla Extract", "Yellow Cake Mix", "Baking Powder"},
        {"Spaghetti Pasta", "Marinara Sauce", "Extra Virgin Olive Oil", "Parmesan Cheese Crisps", "Basil Pesto Sauce"},
        {"Smoky BBQ Sauce", "Beef Jerky", "Steak Seasoning Rub", "Hickory Smoked Sausages", "Grill Marinade"},
        {"Ground Cinnamon", "Smoked Paprika", "Black Peppercorns", "Curry Powder", "Sea Salt Flakes"},
        {"Rolled Oats", "Maple Syrup", "Buttermilk Pancake Mix", "Honey Granola Cereal", "Raw Honey"},
        {"Whey Protein Powder", "Frozen Berry Mix", "Almond Butter", "Chia Seeds", "Dried Mango Slices"},
    };
    private static final String[][] KITCHEN = {
        {"Espresso Machine", "Burr Coffee Grinder", "French Press", "Pour-Over Coffee Dripper", "Milk Frother"},
        {"Electric Kettle", "Glass Teapot", "Tea Infuser", "Porcelain Tea Cup Set", "Gooseneck Kettle"},
        {"Stand Mixer", "Nonstick Baking Sheet", "Silicone Spatula Set", "Springform Cake Pan", "Measuring Cups"},
        {"Pasta Maker", "Stainless Steel Colander", "Stock Pot", "Garlic Press", "Cheese Grater"},
        {"Grill Tongs", "Instant-Read Meat Thermometer", "Cast Iron Grill Pan", "Silicone Basting Brush", "Smoker Box"},
        {"Spice Rack Organizer", "Pepper Mill", "Granite Mortar and Pestle", "Salt Grinder", "Glass Spice Jars"},
        {"Belgian Waffle Maker", "2-Slice Toaster", "Nonstick Frying Pan", "Ceramic Cereal Bowls", "Egg Poacher"},
        {"High-Speed Blender", "Smoothie Cups with Lids", "Citrus Juicer", "Food Processor", "Reusable Straws"},
    };
    private static final String[] FOOD_BRANDS = {"Acme", "Golden Valley", "Nature's Pantry", "Blue Ridge", "Casa Verde", "Hearth & Co"};
    private static final String[] KITCHEN_BRANDS = {"Cuisora", "HomeCraft", "SteelLine", "Oak & Iron", "Kitchique", "Brevio"};
    private static final String[] FOOD_VARIANTS = {"Organic", "Classic", "Family Size", "Gluten-Free", "Premium", "Value Pack"};
    private static final String[] KITCHEN_VARIANTS = {"Black", "Stainless Steel", "Compact", "Professional", "2-Pack", "Deluxe"};

    /**
     * Sizes and seed of a synthetic dataset.
     *
     * @param seed the random seed; the same options always give the same dataset
     * @param itemsPerTopic items per topic and domain, in [5, 200]
     * @param foodOnlyUsers users with Food items only
     * @param kitchenOnlyUsers users with Kitchen items only
     * @param mixedUsers training users with items of both domains
     * @param heldOutUsers users in each of the validation and test files
     */
    public record Options(long seed, int itemsPerTopic, int foodOnlyUsers, int kitchenOnlyUsers, int mixedUsers, int heldOutUsers) {

        /** Validates the fields. */
        public Options {
            Require.inRange("itemsPerTopic", itemsPerTopic, 5, 200);
            Require.inRange("foodOnlyUsers", foodOnlyUsers, 0, 1_000_000);
            Require.inRange("kitchenOnlyUsers", kitchenOnlyUsers, 0, 1_000_000);
            Require.inRange("mixedUsers", mixedUsers, 1, 1_000_000);
            Require.inRange("heldOutUsers", heldOutUsers, 1, 1_000_000);
        }

        /** The defaults: 24 items per topic and domain, 600 / 1200 / 500 training users, 200 held out. */
        public static Options defaults(long seed) {
            return new Options(seed, 24, 600, 1200, 500, 200);
        }
    }

    /**
     * Sizes and seed of the themed dataset of {@link #themed(ThemedOptions)}.
     *
     * @param seed the random seed; the same options always give the same dataset
     * @param foodPerTheme Food items per theme, in [6, 600] (six products, repeated with other brands and variants)
     * @param kitchenPerTheme Kitchen items per theme, in [6, 600]
     * @param foodOnlyUsers training users with Food items only ({@code train_A.txt})
     * @param kitchenOnlyUsers training users with Kitchen items only ({@code train_B.txt})
     * @param foodHeavyUsers mixed training users with 5-20% Kitchen items ({@code train_overlap.txt}): the imbalanced users
     * @param balancedUsers mixed training users with 30-70% Kitchen items ({@code train_overlap.txt})
     * @param heldOutUsers users in each of the validation and test files; their targets alternate Food, Kitchen
     */
    public record ThemedOptions(long seed, int foodPerTheme, int kitchenPerTheme, int foodOnlyUsers, int kitchenOnlyUsers,
            int foodHeavyUsers, int balancedUsers, int heldOutUsers) {

        /** Validates the fields. */
        public ThemedOptions {
            Require.inRange("foodPerTheme", foodPerTheme, 6, 600);
            Require.inRange("kitchenPerTheme", kitchenPerTheme, 6, 600);
            Require.inRange("foodOnlyUsers", foodOnlyUsers, 0, 1_000_000);
            Require.inRange("kitchenOnlyUsers", kitchenOnlyUsers, 0, 1_000_000);
            Require.inRange("foodHeavyUsers", foodHeavyUsers, 0, 1_000_000);
            Require.inRange("balancedUsers", balancedUsers, 0, 1_000_000);
            Require.inRange("heldOutUsers", heldOutUsers, 1, 1_000_000);
            if (foodHeavyUsers + balancedUsers == 0) {
                throw new IllegalArgumentException("foodHeavyUsers + balancedUsers must be at least 1 (someone must link the domains), got 0");
            }
        }

        /**
         * The quickstart's sizes: 36 Food and 30 Kitchen items per theme (528 items), 900 Food-only,
         * 120 Kitchen-only, 700 food-heavy and 120 balanced training users, 300 held out.
         */
        public static ThemedOptions defaults(long seed) {
            return new ThemedOptions(seed, 36, 30, 900, 120, 700, 120, 300);
        }
    }

    private SyntheticDataset() {
    }

    /** The theme names of the themed dataset, in item order (Food items of theme 0 come first, and so on). */
    public static List<String> themes() {
        return List.of(ThemedGenerator.THEMES);
    }

    /** The item field that names an item's theme in the themed dataset ({@code Item.text().get(THEME)}). */
    public static final String THEME = ThemedGenerator.THEME_FIELD;

    /** Generates the default-sized themed dataset for a seed (see {@link #themed(ThemedOptions)}). */
    public static CdsrDataset themed(long seed) {
        return themed(ThemedOptions.defaults(seed));
    }

    /**
     * Generates a two-domain dataset (Food, Kitchen) whose item titles carry meaning a language model
     * can read: eight themes (Italian cooking, coffee, tea, baking, grilling, breakfast, smoothies,
     * Asian cooking), each with six Food products and six Kitchen products paired by use (espresso
     * beans and an espresso machine, spaghetti and a pasta maker). Users follow a main theme (and
     * sometimes a second); most of them are Food-only or food-heavy (5-20% Kitchen), so Kitchen is
     * the sparse minor domain; in Kitchen they often take the tool paired with their last food.
     * Held-out users are mixed, their targets alternate Food and Kitchen. Each item also has a
     * {@link #THEME} field (not part of the title). The same options always give the same dataset.
     */
    public static CdsrDataset themed(ThemedOptions options) {
        return new ThemedGenerator(options).generate();
    }

    /** Generates the default-sized dataset for a seed. */
    public static CdsrDataset generate(long seed) {
        return generate(Options.defaults(seed));
    }

    /** Generates a dataset. */
    public static CdsrDataset generate(Options options) {
        SplittableRandom random = new SplittableRandom(options.seed());
        int perTopic = options.itemsPerTopic();
        int perDomain = perTopic * TOPICS.length;
        List<Domain> domains = List.of(new Domain(0, "Food", 0, perDomain), new Domain(1, "Kitchen", perDomain, perDomain));
        List<Item> items = new ArrayList<>();
        for (int d = 0; d < 2; d++) {
            for (int t = 0; t < TOPICS.length; t++) {
                for (int k = 0; k < perTopic; k++) {
                    int id = d * perDomain + t * perTopic + k;
                    items.add(new Item(id, d, String.format("SYN%s%05d", d == 0 ? "F" : "K", id),
                            Map.of(Item.TITLE, title(d, t, k, random))));
                }
            }
        }
        ItemCatalog catalog = new ItemCatalog(domains, items);
        Generator g = new Generator(random, perTopic);
        List<UserSequence> train = new ArrayList<>();
        for (int u = 0; u < options.foodOnlyUsers(); u++) {
            train.add(new UserSequence("train_A.txt", "f" + (u + 1), History.wrap(g.sequence(0.0, 0, 4, 14))));
        }
        for (int u = 0; u < options.kitchenOnlyUsers(); u++) {
            train.add(new UserSequence("train_B.txt", "k" + (u + 1), History.wrap(g.sequence(1.0, 1, 4, 14))));
        }
        for (int u = 0; u < options.mixedUsers(); u++) {
            train.add(new UserSequence("train_overlap.txt", "m" + (u + 1), History.wrap(g.mixed(6, 24))));
        }
        List<EvaluationCase> valid = g.cases("valid.txt", options.heldOutUsers());
        List<EvaluationCase> test = g.cases("test.txt", options.heldOutUsers());
        return new CdsrDataset("synthetic-food-kitchen", catalog, train, valid, test, ReadReport.empty());
    }

    private static String title(int domain, int topic, int k, SplittableRandom random) {
        String[] nouns = domain == 0 ? FOOD[topic] : KITCHEN[topic];
        String[] brands = domain == 0 ? FOOD_BRANDS : KITCHEN_BRANDS;
        String[] variants = domain == 0 ? FOOD_VARIANTS : KITCHEN_VARIANTS;
        String noun = nouns[k % nouns.length];
        String brand = brands[random.nextInt(brands.length)];
        String variant = variants[(k / nouns.length + random.nextInt(2)) % variants.length];
        String size = domain == 0 ? (8 + 4 * random.nextInt(6)) + " oz" : (k % 3 == 0 ? "Set of " + (2 + random.nextInt(4)) : "1 Piece");
        return brand + " " + variant + " " + noun + ", " + size;
    }

    /** Draws sequences: topic-faithful users who tend to move to the next item of their topic. */
    private static final class Generator {
        private final SplittableRandom random;
        private final int perTopic;

        Generator(SplittableRandom random, int perTopic) {
            this.random = random;
            this.perTopic = perTopic;
        }

        /** A sequence where each step is in domain 1 with probability {@code kitchenShare}. */
        int[] sequence(double kitchenShare, int firstDomain, int minLength, int maxLength) {
            int length = minLength + (int) Math.floor(Math.pow(random.nextDouble(), 2.0) * (maxLength - minLength + 1));
            int[] topics = {random.nextInt(TOPICS.length), random.nextInt(TOPICS.length)};
            int[] out = new int[length];
            int topic = topics[0];
            int[] position = {zipf(), zipf()};
            int domain = firstDomain;
            for (int i = 0; i < length; i++) {
                if (i > 0) {
                    domain = random.nextDouble() < kitchenShare ? 1 : 0;
                    if (random.nextDouble() < 0.2) {
                        topic = topics[random.nextInt(2)];
                    }
                    // Mostly step to the next item of the topic: the sequential signal.
                    position[domain] = random.nextDouble() < 0.7 ? (position[domain] + 1) % perTopic : zipf();
                }
                out[i] = domain * perTopic * TOPICS.length + topic * perTopic + position[domain];
            }
            return out;
        }

        int[] mixed(int minLength, int maxLength) {
            double kitchenShare = 0.15 + 0.7 * random.nextDouble();
            return sequence(kitchenShare, random.nextDouble() < kitchenShare ? 1 : 0, minLength, maxLength);
        }

        List<EvaluationCase> cases(String source, int n) {
            List<EvaluationCase> cases = new ArrayList<>();
            for (int u = 0; u < n; u++) {
                int[] s = mixed(3, 20);
                int[] input = java.util.Arrays.copyOf(s, s.length - 1);
                cases.add(new EvaluationCase(source, Integer.toString(u + 1), History.wrap(input), s[s.length - 1]));
            }
            return cases;
        }

        /** A popularity-skewed position within a topic. */
        private int zipf() {
            return (int) Math.floor(perTopic * Math.pow(random.nextDouble(), 2.5));
        }
    }
}
