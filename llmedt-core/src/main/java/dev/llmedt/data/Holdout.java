package dev.llmedt.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which users a dataset holds out for validation and test.
 *
 * <ul>
 *   <li>{@link #PUBLISHED}: the held-out users as the dataset ships them (for the LLMCDSR layout:
 *       {@code valid.txt} and {@code test.txt}, 960 and 937 users on food-kitchen). Comparable with
 *       published figures, but small: a 10% difference on 937 users is within the noise.</li>
 *   <li>{@link #MIXED_LEAVE_ONE_OUT} ({@code mixed-loo}): leave-one-out over every user whose
 *       whole sequence spans at least two domains and has at least 3 items: the last item is the
 *       test target, the second-to-last the validation target, and the user trains on the rest.
 *       The users are of the published held-out kind (mixed-domain histories), the published
 *       held-out users among them (their input followed by their target), so food-kitchen gives
 *       9,398 validation and 9,398 test cases. Every other sequence trains whole.</li>
 * </ul>
 *
 * <p>No held-out target of {@code mixed-loo} is in a training sequence of its user: the training
 * sequence is the validation input, and the test input is the validation input followed by the
 * validation target. Augmentation and profiles read training sequences only, so they cannot see a
 * held-out target either.
 */
public enum Holdout {
    /** The dataset's own held-out users. */
    PUBLISHED("published"),
    /** Leave-one-out over the users with a mixed-domain history. */
    MIXED_LEAVE_ONE_OUT("mixed-loo");

    /** The fewest items a user needs to give a validation and a test case. */
    public static final int MIN_HELD_OUT_LENGTH = 3;

    private final String label;

    Holdout(String label) {
        this.label = label;
    }

    /** Returns the command-line name ({@code published}, {@code mixed-loo}). */
    public String label() {
        return label;
    }

    /**
     * Parses a label.
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Holdout parse(String text) {
        for (Holdout h : values()) {
            if (h.label.equals(text.trim().toLowerCase(Locale.ROOT))) {
                return h;
            }
        }
        throw new IllegalArgumentException("holdout must be one of published, mixed-loo, got '" + text + "'");
    }

    /**
     * Returns the dataset with this holdout's validation and test cases (itself for
     * {@link #PUBLISHED}). The new dataset is named {@code <name>+<label>}; its cases come from
     * the sources {@code valid} and {@code test} (as in {@link Split#label()}), their user being
     * {@code <file>:<user>} of the sequence they were cut from.
     */
    public CdsrDataset apply(CdsrDataset data) {
        if (this == PUBLISHED) {
            return data;
        }
        List<UserSequence> train = new ArrayList<>(data.train().size() + data.valid().size() + data.test().size());
        List<EvaluationCase> valid = new ArrayList<>();
        List<EvaluationCase> test = new ArrayList<>();
        ItemCatalog catalog = data.items();
        for (UserSequence s : data.train()) {
            split(s.source(), s.user(), s.items().toArray(), catalog, train, valid, test);
        }
        for (List<EvaluationCase> cases : List.of(data.valid(), data.test())) {
            for (EvaluationCase c : cases) {
                int[] items = Arrays.copyOf(c.input().toArray(), c.input().length() + 1);
                items[items.length - 1] = c.target();
                split(c.source(), c.user(), items, catalog, train, valid, test);
            }
        }
        return new CdsrDataset(data.name() + "+" + label, catalog, train, valid, test, data.readReport());
    }

    private static void split(String source, String user, int[] items, ItemCatalog catalog, List<UserSequence> train,
            List<EvaluationCase> valid, List<EvaluationCase> test) {
        int n = items.length;
        if (n < MIN_HELD_OUT_LENGTH || !mixed(items, catalog)) {
            train.add(new UserSequence(source, user, History.wrap(items)));
            return;
        }
        History visible = History.wrap(Arrays.copyOf(items, n - 2));
        train.add(new UserSequence(source, user, visible));
        String key = source + ":" + user;
        valid.add(new EvaluationCase(Split.VALID.label(), key, visible, items[n - 2]));
        test.add(new EvaluationCase(Split.TEST.label(), key, History.wrap(Arrays.copyOf(items, n - 1)), items[n - 1]));
    }

    private static boolean mixed(int[] items, ItemCatalog catalog) {
        Domain first = catalog.domainOf(items[0]);
        for (int item : items) {
            if (!first.contains(item)) {
                return true;
            }
        }
        return false;
    }
}
