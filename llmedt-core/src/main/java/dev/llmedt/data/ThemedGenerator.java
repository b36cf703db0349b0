package dev.llmedt.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Draws the themed Food/Kitchen dataset of {@link SyntheticDataset#themed(SyntheticDataset.ThemedOptions)}.
 *
 * <p>Each theme (Italian cooking, coffee, ...) has six Food products and six Kitchen products,
 * paired by index: the k-th Food noun and the k-th Kitchen noun belong together (espresso beans and
 * an espresso machine) and share a word, so a text encoder sees the link. A user follows one main
 * theme and sometimes a second; within a domain they mostly step to the "next" item of the theme
 * (the sequential signal); when they step into Kitchen, they often take the tool paired with the
 * last food they bought (the cross-domain signal).
 */
final class ThemedGenerator {

    /** Theme names, in item order. */
    static final String[] THEMES = {"Italian cooking", "Coffee", "Tea", "Baking", "Grilling", "Breakfast", "Smoothies", "Asian cooking"};

    private static final String[][] FOOD = {
        {"Spaghetti Pasta", "Marinara Sauce", "Parmesan Cheese", "Extra Virgin Olive Oil", "Pizza Dough Mix", "Basil Pesto"},
        {"Espresso Beans", "Ground Coffee", "Cold Brew Coffee", "Coffee Pods", "Hazelnut Coffee Syrup", "Dry Milk Powder"},
        {"Green Tea Bags", "Loose Leaf Earl Grey Tea", "Matcha Green Tea Powder", "Chamomile Herbal Tea", "Chai Tea Concentrate",
            "Oolong Tea"},
        {"All-Purpose Flour", "Chocolate Chip Cookie Mix", "Vanilla Cake Mix", "Bread Yeast", "Cupcake Sprinkles", "Pie Crust Mix"},
        {"Smoky BBQ Sauce", "Steak Seasoning Rub", "Smoked Brisket Marinade", "Beef Burger Patties", "Grilling Sausages",
            "Chicken Wing Sauce"},
        {"Buttermilk Pancake Mix", "Belgian Waffle Mix", "Instant Oatmeal", "Pure Maple Syrup", "Breakfast Cereal", "Sourdough Bread"},
        {"Whey Protein Powder", "Frozen Berry Smoothie Mix", "Orange Juice Concentrate", "Chia Seeds", "Green Smoothie Powder",
            "Almond Milk"},
        {"Jasmine Rice", "Soy Sauce", "Sushi Nori Sheets", "Ramen Noodles", "Stir Fry Sauce", "Dumpling Wrappers"},
    };
    private static final String[][] KITCHEN = {
        {"Pasta Maker Machine", "Sauce Pan", "Parmesan Cheese Grater", "Olive Oil Dispenser Bottle", "Pizza Stone", "Pesto Mortar and Pestle"},
        {"Espresso Machine", "Burr Coffee Grinder", "Cold Brew Coffee Maker", "Coffee Pod Machine", "Coffee Syrup Pump", "Milk Frother"},
        {"Electric Tea Kettle", "Loose Leaf Tea Infuser", "Matcha Whisk Set", "Glass Herbal Teapot", "Chai Tea Mugs", "Porcelain Tea Cup Set"},
        {"Flour Sifter", "Cookie Baking Sheet", "Springform Cake Pan", "Bread Loaf Pan", "Cupcake Muffin Tin", "Ceramic Pie Dish"},
        {"BBQ Sauce Basting Brush", "Steak Knife Set", "Smoker Box for Grill", "Burger Patty Press", "Sausage Grill Tongs",
            "Chicken Wing Grill Rack"},
        {"Pancake Griddle", "Belgian Waffle Maker", "Oatmeal Bowls", "Maple Syrup Dispenser", "Cereal Bowl Set", "Bread Toaster"},
        {"Protein Shaker Bottle", "Smoothie Blender", "Citrus Orange Juicer", "Chia Pudding Jars", "Green Smoothie Cups", "Almond Milk Maker"},
        {"Rice Cooker", "Soy Sauce Dish Set", "Bamboo Sushi Rolling Mat", "Ramen Noodle Bowls", "Carbon Steel Stir Fry Wok",
            "Bamboo Dumpling Steamer"},
    };
    private static final String[] FOOD_BRANDS = {"Casa Verde", "Golden Valley", "Nature's Pantry", "Blue Ridge", "Hearth & Co", "Acme"};
    private static final String[] KITCHEN_BRANDS = {"Cuisora", "HomeCraft", "SteelLine", "Oak & Iron", "Kitchique", "Brevio"};
    private static final String[] FOOD_VARIANTS = {"", "Organic ", "Premium ", "Family Size "};
    private static final String[] KITCHEN_VARIANTS = {"", "Deluxe ", "Compact ", "Professional "};
    /** The Item field holding the theme's name (not part of the default encoder text, which is the title). */
    static final String THEME_FIELD = "theme";

    private final SyntheticDataset.ThemedOptions options;
    private final SplittableRandom random;
    private final int[] perTheme;
    private final int perDomainFood;

    ThemedGenerator(SyntheticDataset.ThemedOptions options) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
        this.perTheme = new int[] {options.foodPerTheme(), options.kitchenPerTheme()};
        this.perDomainFood = options.foodPerTheme() * THEMES.length;
    }

    CdsrDataset generate() {
        int kitchenItems = options.kitchenPerTheme() * THEMES.length;
        List<Domain> domains = List.of(new Domain(0, "Food", 0, perDomainFood), new Domain(1, "Kitchen", perDomainFood, kitchenItems));
        List<Item> items = new ArrayList<>();
        for (int d = 0; d < 2; d++) {
            for (int t = 0; t < THEMES.length; t++) {
                for (int k = 0; k < perTheme[d]; k++) {
                    int id = itemId(d, t, k);
                    Map<String, String> text = new LinkedHashMap<>();
                    text.put(Item.TITLE, title(d, t, k));
                    text.put(THEME_FIELD, THEMES[t]);
                    items.add(new Item(id, d, String.format("THM%s%04d", d == 0 ? "F" : "K", id), text));
                }
            }
        }
        ItemCatalog catalog = new ItemCatalog(domains, items);
        List<UserSequence> train = new ArrayList<>();
        for (int u = 0; u < options.foodOnlyUsers(); u++) {
            train.add(new UserSequence("train_A.txt", "f" + (u + 1), History.wrap(sequence(0.0, length(5, 20)))));
        }
        for (int u = 0; u < options.kitchenOnlyUsers(); u++) {
            train.add(new UserSequence("train_B.txt", "k" + (u + 1), History.wrap(sequence(1.0, length(4, 12)))));
        }
        for (int u = 0; u < options.foodHeavyUsers(); u++) {
            train.add(new UserSequence("train_overlap.txt", "h" + (u + 1), History.wrap(sequence(foodHeavyKitchenShare(), length(6, 20)))));
        }
        for (int u = 0; u < options.balancedUsers(); u++) {
            double share = 0.3 + 0.4 * random.nextDouble();
            train.add(new UserSequence("train_overlap.txt", "b" + (u + 1), History.wrap(sequence(share, length(6, 20)))));
        }
        List<EvaluationCase> valid = cases("valid.txt", options.heldOutUsers());
        List<EvaluationCase> test = cases("test.txt", options.heldOutUsers());
        return new CdsrDataset("synthetic-themed-food-kitchen", catalog, train, valid, test, ReadReport.empty());
    }

    private int itemId(int domain, int theme, int k) {
        return (domain == 0 ? 0 : perDomainFood) + theme * perTheme[domain] + k;
    }

    /** The k-th item of a theme: noun k mod 6, brand and variant from k (distinct titles), size from the seed. */
    private String title(int domain, int theme, int k) {
        String[] nouns = domain == 0 ? FOOD[theme] : KITCHEN[theme];
        String[] brands = domain == 0 ? FOOD_BRANDS : KITCHEN_BRANDS;
        String[] variants = domain == 0 ? FOOD_VARIANTS : KITCHEN_VARIANTS;
        int round = k / nouns.length;
        String brand = brands[(theme + k + round) % brands.length];
        String variant = variants[round % variants.length];
        String size = domain == 0 ? (8 + 4 * random.nextInt(6)) + " oz" : (random.nextInt(3) == 0 ? "Set of " + (2 + random.nextInt(3)) : "");
        return brand + " " + variant + nouns[k % nouns.length] + (size.isEmpty() ? "" : ", " + size);
    }

    /** Food-heavy users: a Kitchen share in [0.05, 0.2), below the usual minor-share threshold. */
    private double foodHeavyKitchenShare() {
        return 0.05 + 0.15 * random.nextDouble();
    }

    private int length(int min, int max) {
        return min + (int) Math.floor(Math.pow(random.nextDouble(), 1.5) * (max - min + 1));
    }

    /** A sequence where each step is a Kitchen item with probability {@code kitchenShare}. */
    private int[] sequence(double kitchenShare, int length) {
        Walk walk = new Walk(kitchenShare);
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = walk.step(walk.nextDomain(i == 0));
        }
        return out;
    }

    /**
     * Held-out users: food-heavy or balanced mixed users whose last item (the target) alternates
     * between Food and Kitchen, so that both domains, the sparse one too, have as many cases.
     */
    private List<EvaluationCase> cases(String source, int n) {
        List<EvaluationCase> cases = new ArrayList<>();
        for (int u = 0; u < n; u++) {
            double share = random.nextDouble() < 0.75 ? foodHeavyKitchenShare() : 0.3 + 0.4 * random.nextDouble();
            int length = length(4, 20);
            Walk walk = new Walk(share);
            int[] input = new int[length];
            for (int i = 0; i < length; i++) {
                input[i] = walk.step(walk.nextDomain(i == 0));
            }
            int domain = u % 2;
            int target = walk.step(domain);
            for (int tries = 0; contains(input, target); tries++) {
                // A user who already has every item of the theme: after a few tries, any item of the domain they lack.
                target = tries < 50 ? walk.step(domain) : itemId(domain, 0, 0) + random.nextInt(perTheme[domain] * THEMES.length);
            }
            cases.add(new EvaluationCase(source, Integer.toString(u + 1), History.wrap(input), target));
        }
        return cases;
    }

    private static boolean contains(int[] items, int item) {
        return Arrays.stream(items).anyMatch(i -> i == item);
    }

    /** One user's walk over a main and a second theme. */
    private final class Walk {
        private final double kitchenShare;
        private final int[] themes = {random.nextInt(THEMES.length), random.nextInt(THEMES.length)};
        private int theme = themes[0];
        private final int[] position = {-1, -1};
        private int lastFoodNoun = -1;

        Walk(double kitchenShare) {
            this.kitchenShare = kitchenShare;
        }

        int nextDomain(boolean first) {
            if (kitchenShare <= 0) {
                return 0;
            }
            if (kitchenShare >= 1) {
                return 1;
            }
            // A mixed user's first item is Food unless the user is mostly Kitchen: a Kitchen item then follows a food.
            return random.nextDouble() < (first ? Math.max(0, 2 * kitchenShare - 1) : kitchenShare) ? 1 : 0;
        }

        int step(int domain) {
            if (random.nextDouble() < 0.15) {
                int other = themes[0] == theme ? themes[1] : themes[0];
                if (other != theme) {
                    theme = other;
                    position[0] = -1;
                    position[1] = -1;
                }
            }
            int n = perTheme[domain];
            int k;
            if (domain == 1 && lastFoodNoun >= 0 && random.nextDouble() < 0.6) {
                // The tool that goes with the last food: one of the Kitchen items with the paired noun.
                int variants = (n - 1 - lastFoodNoun) / KITCHEN[theme].length + 1; // n >= 6 > lastFoodNoun
                k = lastFoodNoun + KITCHEN[theme].length * (int) Math.floor(variants * Math.pow(random.nextDouble(), 2));
            } else if (position[domain] >= 0 && random.nextDouble() < 0.6) {
                k = (position[domain] + 1) % n;
            } else {
                k = (int) Math.floor(n * Math.pow(random.nextDouble(), 2.0));
            }
            position[domain] = k;
            if (domain == 0) {
                lastFoodNoun = k % FOOD[theme].length;
            }
            return itemId(domain, theme, k);
        }
    }
}
