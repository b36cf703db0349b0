package dev.llmedt.augment;

import dev.llmedt.concurrent.Concurrently;
import dev.llmedt.ProgressListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.DatasetStatistics;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.data.Item;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.UserSequence;
import dev.llmedt.engine.Kernels;
import dev.llmedt.engine.Rng;
import dev.llmedt.engine.WorkerPool;
import dev.llmedt.io.SettingsMap;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.LanguageModelException;
import dev.llmedt.text.TextEncoder;
import dev.llmedt.text.TextGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transferable item augmenter of LLM-EDT (METHOD.md section 2): gives users whose history sits
 * almost entirely in one domain plausible items of the other domain, each placed right after the
 * user's item it bridges from.
 *
 * <pre>{@code
 * AugmentedData augmented = TransferableItemAugmenter.builder()
 *     .similarityThreshold(0.5).maxInsertionsPerUser(5).seed(42)
 *     .build()
 *     .augment(data, itemEmbeddings);
 * augmented.writeInsertions(Path.of("insertions.tsv"));
 * }</pre>
 *
 * <p><b>Who is augmented.</b> A user's dominant domain is the one holding most of their training
 * items (ties: the lowest domain index). Every other domain whose share of the user's items is
 * below {@linkplain Builder#minorShareThreshold the minor-share threshold} (single-domain users
 * included) is a target domain of that user: with two domains, the user's minor domain when its
 * share is below the threshold. The user's items of the dominant domain are the source items.
 *
 * <p><b>Candidates</b>, real items of a target domain:
 * <ul>
 *   <li>offline (no generator, the default): the nearest item of the target domain to each source
 *       item (exact search by cosine of the item embeddings); a candidate whose cosine to its source
 *       item is below tau is noise and is dropped;</li>
 *   <li>with a {@linkplain Builder#generator generator}: the generator is asked, with the user's
 *       source items grouped by k-means cluster, for items the user would want in the target
 *       domain; each text parsed from its answer (numbered or bulleted lists, JSON; anything else
 *       ignored) is embedded with the encoder of the item embeddings and matched to its nearest real
 *       item of the target domain; a match whose cosine to the text is below tau is dropped.</li>
 * </ul>
 * Only real items that pass tau can ever be inserted: item texts or answers that contain
 * instructions cannot name items. A candidate proposed twice for a user, or that the user already
 * has, is dropped (and counted).
 *
 * <p><b>Placement.</b> Each kept item's source is the user's dominant-domain item of highest cosine
 * to it (ties: the most recent). Insertions beyond the per-user cap are dropped, keeping the most
 * similar item of each cluster of source items first, then the second most similar of each, and so
 * on, so that the kept bridges cover the user's different interests. Items are then placed by the
 * {@link InsertionStrategy} (default right after their source). Inserted items are marked; by
 * default they are context only, not training targets.
 *
 * <p><b>Clusters.</b> Items of each dominant domain are clustered by spherical k-means
 * (k-means++ initialisation, seeded) on their embeddings; items without text (zero vectors) are
 * never clustered, never sources and never candidates (they are counted).
 *
 * <p><b>Determinism.</b> The same data, embeddings, settings and generator answers give the same
 * result, whatever the number of threads. Only training sequences are read.
 *
 * <p>Immutable and thread-safe (the generator and encoder must be thread-safe, as their contracts
 * require).
 */
public final class TransferableItemAugmenter implements Augmenter {

    /**
     * The default prompt. Placeholders: {@code {source_domain}}, {@code {target_domain}},
     * {@code {count}} (the cap on insertions per user) and {@code {items}} (the user's items grouped
     * by cluster).
     */
    public static final String DEFAULT_PROMPT = "A customer bought these products in the category \"{source_domain}\", grouped by theme:\n"
            + "{items}\n\n"
            + "Suggest {count} products from the category \"{target_domain}\" that this customer would also want, such as products "
            + "that go well with the ones above. Answer with a numbered list of product titles, one per line, and nothing else.";

    private static final Logger LOG = LoggerFactory.getLogger(TransferableItemAugmenter.class);
    private static final int ENCODE_CHUNK = 256;
    private static final int LOGGED_FAILURES = 5;
    private static final double KMEANS_TOLERANCE = 0.001;

    private final Settings settings;
    private final int threads;
    private final TextGenerator generator;
    private final TextEncoder encoder;
    private final int generatorConcurrency;
    private final SuggestionPrompt prompt;

    private TransferableItemAugmenter(Builder b) {
        this.settings = new Settings(b.clusters, b.similarityThreshold, b.minorShareThreshold, b.insertion, b.maxUsers,
                b.maxInsertionsPerUser, b.insertedItemsAreTargets, b.seed, b.kMeansIterations, b.promptItems, b.promptTemplate);
        this.threads = b.threads;
        this.generator = b.generator;
        this.encoder = b.encoder;
        this.generatorConcurrency = b.generatorConcurrency;
        this.prompt = new SuggestionPrompt(b.promptTemplate);
    }

    /** Starts a builder with the defaults (offline mode). */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the settings that determine the result. */
    public Settings settings() {
        return settings;
    }

    /** Returns whether candidates come from a generator (otherwise offline, from item similarity). */
    public boolean usesGenerator() {
        return generator != null;
    }

    /**
     * The settings that determine an augmentation (the thread count and the generator's concurrency
     * do not). Validated on construction.
     *
     * @param clusters k-means clusters per domain, in [1, 100000]
     * @param similarityThreshold tau, in [-1, 1]: offline, the least cosine between a source item and
     *     its candidate; with a generator, between a generated text and the item it matched
     * @param minorShareThreshold a domain whose share of a user's items is below it is a target of
     *     augmentation, in (0, 1]
     * @param insertion where inserted items go
     * @param maxUsers at most this many users are augmented, chosen by a seeded shuffle when more
     *     qualify, in [0, 2^31-1]
     * @param maxInsertionsPerUser at most this many items are inserted per user, in [1, 1000]; also
     *     the number of items a prompt asks for
     * @param insertedItemsAreTargets whether inserted items may be training targets
     * @param seed seeds k-means, the user cap and random insertion
     * @param kMeansIterations most k-means assignment passes, in [1, 1000]
     * @param promptItems most source items shown in a prompt, in [1, 1000]
     * @param promptTemplate the prompt (see {@link TransferableItemAugmenter#DEFAULT_PROMPT})
     */
    public record Settings(int clusters, double similarityThreshold, double minorShareThreshold, InsertionStrategy insertion,
            int maxUsers, int maxInsertionsPerUser, boolean insertedItemsAreTargets, long seed, int kMeansIterations, int promptItems,
            String promptTemplate) {

        /** Validates the fields. */
        public Settings {
            Builder.checkRange("clusters", clusters, 1, 100_000);
            Builder.checkSimilarity(similarityThreshold);
            Builder.checkShare(minorShareThreshold);
            Objects.requireNonNull(insertion, "insertion");
            Builder.checkRange("maxUsers", maxUsers, 0, Integer.MAX_VALUE);
            Builder.checkRange("maxInsertionsPerUser", maxInsertionsPerUser, 1, 1000);
            Builder.checkRange("kMeansIterations", kMeansIterations, 1, 1000);
            Builder.checkRange("promptItems", promptItems, 1, 1000);
            new SuggestionPrompt(promptTemplate);
        }

        /** Returns the settings as a map with snake_case keys, for JSON and provenance. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("clusters", clusters);
            m.put("tau", similarityThreshold);
            m.put("minor_share_threshold", minorShareThreshold);
            m.put("insertion", insertion.label());
            m.put("max_users", maxUsers);
            m.put("max_insertions_per_user", maxInsertionsPerUser);
            m.put("inserted_items_are_targets", insertedItemsAreTargets);
            m.put("seed", seed);
            m.put("kmeans_iterations", kMeansIterations);
            m.put("prompt_items", promptItems);
            m.put("prompt_template", promptTemplate);
            return m;
        }

        /**
         * Reads settings from a map written by {@link #toMap()} (for example parsed from JSON).
         *
         * @throws IllegalArgumentException when a key is missing, unknown or of the wrong type, or a
         *     value is out of range (names the key)
         */
        public static Settings fromMap(Map<String, ?> map) {
            SettingsMap m = SettingsMap.of("augmenter", map, KEYS);
            return new Settings(m.intValue("clusters"), m.number("tau").doubleValue(), m.number("minor_share_threshold").doubleValue(),
                    InsertionStrategy.parse(m.string("insertion")), m.intValue("max_users"), m.intValue("max_insertions_per_user"),
                    m.bool("inserted_items_are_targets"), m.number("seed").longValue(), m.intValue("kmeans_iterations"),
                    m.intValue("prompt_items"), m.string("prompt_template"));
        }

        private static final List<String> KEYS = List.of("clusters", "tau", "minor_share_threshold", "insertion", "max_users",
                "max_insertions_per_user", "inserted_items_are_targets", "seed", "kmeans_iterations", "prompt_items", "prompt_template");
    }

    /**
     * Builds a {@link TransferableItemAugmenter}. Each setter checks its argument at once and names
     * it, the value and the allowed range in its exception.
     */
    public static final class Builder {

        private int clusters = 64;
        private double similarityThreshold = 0.5;
        private double minorShareThreshold = 0.2;
        private InsertionStrategy insertion = InsertionStrategy.AFTER_SOURCE;
        private int maxUsers = Integer.MAX_VALUE;
        private int maxInsertionsPerUser = 5;
        private boolean insertedItemsAreTargets;
        private long seed = 42;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int kMeansIterations = 20;
        private int promptItems = 30;
        private String promptTemplate = DEFAULT_PROMPT;
        private TextGenerator generator;
        private TextEncoder encoder;
        private int generatorConcurrency = 4;

        private Builder() {
        }

        /**
         * Sets the number of k-means clusters per domain (default 64; fewer when a domain has fewer
         * items with text).
         *
         * @throws IllegalArgumentException unless 1 to 100,000
         */
        public Builder clusters(int k) {
            this.clusters = checkRange("clusters", k, 1, 100_000);
            return this;
        }

        /**
         * Sets tau, the similarity below which a candidate is noise (default 0.5, chosen on
         * food-kitchen with the embedded all-MiniLM-L6-v2: see the README). Offline it applies to
         * the cosine between a source item and its candidate; with a generator, to the cosine
         * between the generated text and the real item it matched.
         *
         * @throws IllegalArgumentException unless -1 to 1
         */
        public Builder similarityThreshold(double tau) {
            this.similarityThreshold = checkSimilarity(tau);
            return this;
        }

        /**
         * Sets the minor-share threshold (default 0.2): a domain that holds less than this share of
         * a user's training items (none at all included) is a target of augmentation. 0.2 takes the
         * users whose minor domain holds fewer than one item in five, which on the Amazon pairs are
         * the single-domain users plus the thin tail of mixed users.
         *
         * @throws IllegalArgumentException unless {@code 0 < share <= 1}
         */
        public Builder minorShareThreshold(double share) {
            this.minorShareThreshold = checkShare(share);
            return this;
        }

        /** Sets where inserted items go (default {@link InsertionStrategy#AFTER_SOURCE}). */
        public Builder insertion(InsertionStrategy strategy) {
            this.insertion = Objects.requireNonNull(strategy, "insertion");
            return this;
        }

        /**
         * Caps the number of users augmented (default: no cap). When more users qualify, a seeded
         * shuffle chooses which; the others are counted as skipped.
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder maxUsers(int users) {
            this.maxUsers = checkRange("maxUsers", users, 0, Integer.MAX_VALUE);
            return this;
        }

        /**
         * Caps the number of items inserted into one user's sequence (default 5; a prompt asks for
         * this many items).
         *
         * @throws IllegalArgumentException unless 1 to 1000
         */
        public Builder maxInsertionsPerUser(int items) {
            this.maxInsertionsPerUser = checkRange("maxInsertionsPerUser", items, 1, 1000);
            return this;
        }

        /** Lets inserted items serve as training targets (default false: they are context only). */
        public Builder insertedItemsAreTargets(boolean targets) {
            this.insertedItemsAreTargets = targets;
            return this;
        }

        /** Sets the seed of k-means, of the user cap and of random insertion (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the worker threads of the similarity searches (default: all processors). The result
         * does not depend on it.
         *
         * @throws IllegalArgumentException unless 1 to 256
         */
        public Builder threads(int threads) {
            this.threads = checkRange("threads", threads, 1, 256);
            return this;
        }

        /**
         * Sets the most k-means assignment passes (default 20); k-means also stops once at most 0.1%
         * of the items change cluster in a pass.
         *
         * @throws IllegalArgumentException unless 1 to 1000
         */
        public Builder kMeansIterations(int iterations) {
            this.kMeansIterations = checkRange("kMeansIterations", iterations, 1, 1000);
            return this;
        }

        /**
         * Uses a generator for candidates instead of the offline nearest items.
         *
         * @param generator any text generator, e.g. {@code OpenAiCompatible.chat(...)}, possibly
         *     wrapped in a {@code TextCache}
         * @param encoder embeds the generated texts ({@link TextEncoder#encodeQueries}); it must be the
         *     encoder of the item embeddings (same model id, checked by {@link #augment})
         */
        public Builder generator(TextGenerator generator, TextEncoder encoder) {
            this.generator = Objects.requireNonNull(generator, "generator");
            this.encoder = Objects.requireNonNull(encoder, "encoder");
            return this;
        }

        /**
         * Sets how many prompts are sent to the generator at once (default 4).
         *
         * @throws IllegalArgumentException unless 1 to 256
         */
        public Builder generatorConcurrency(int prompts) {
            this.generatorConcurrency = checkRange("generatorConcurrency", prompts, 1, 256);
            return this;
        }

        /**
         * Sets the prompt (default {@link TransferableItemAugmenter#DEFAULT_PROMPT}); it must
         * contain {@code {items}}.
         *
         * @throws IllegalArgumentException when {@code {items}} is missing
         */
        public Builder promptTemplate(String template) {
            this.promptTemplate = new SuggestionPrompt(template).template();
            return this;
        }

        /**
         * Sets the most source items shown in one prompt (default 30; the most recent of each
         * cluster first).
         *
         * @throws IllegalArgumentException unless 1 to 1000
         */
        public Builder promptItems(int items) {
            this.promptItems = checkRange("promptItems", items, 1, 1000);
            return this;
        }

        /** Takes every setting from {@code settings} (for example read with {@link Settings#fromMap}). */
        public Builder settings(Settings settings) {
            Objects.requireNonNull(settings, "settings");
            this.clusters = settings.clusters();
            this.similarityThreshold = settings.similarityThreshold();
            this.minorShareThreshold = settings.minorShareThreshold();
            this.insertion = settings.insertion();
            this.maxUsers = settings.maxUsers();
            this.maxInsertionsPerUser = settings.maxInsertionsPerUser();
            this.insertedItemsAreTargets = settings.insertedItemsAreTargets();
            this.seed = settings.seed();
            this.kMeansIterations = settings.kMeansIterations();
            this.promptItems = settings.promptItems();
            this.promptTemplate = settings.promptTemplate();
            return this;
        }

        /** Returns the augmenter. */
        public TransferableItemAugmenter build() {
            return new TransferableItemAugmenter(this);
        }

        static int checkRange(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
            }
            return value;
        }

        static double checkSimilarity(double tau) {
            if (!(tau >= -1 && tau <= 1)) {
                throw new IllegalArgumentException("similarityThreshold (tau) must be in [-1, 1], got " + tau);
            }
            return tau;
        }

        static double checkShare(double share) {
            if (!(share > 0 && share <= 1)) {
                throw new IllegalArgumentException("minorShareThreshold must be in (0, 1], got " + share);
            }
            return share;
        }
    }

    /** Who is augmented and towards which domains. */
    private record Plan(int dominant, int[] targets) {
    }

    /** A candidate of one user: a real item, the similarity that passed tau, and the match similarity. */
    private record Candidate(int item, float score, float match) {
    }

    /** A kept insertion before placement. */
    private record Kept(int item, int sourcePosition, float similarity, float match, int cluster) {
    }

    /** What one user's augmentation produced. */
    private static final class UserResult {
        AugmentedSequence sequence;
        List<Insertion> insertions = List.of();
        long withoutText;
        long candidates;
        long belowThreshold;
        long duplicates;
        long inSequence;
        long beyondCap;
    }

    /** The generator's contribution for one (user, target domain). */
    private static final class Generated {
        int user;
        int target;
        String prompt;
        String answer;
        boolean failed;
        SuggestionParser.Parsed parsed;
        int[] matched;
        float[] match;
    }

    @Override
    public AugmentedData augment(CdsrDataset data, ItemEmbeddings embeddings, ProgressListener progress) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(embeddings, "embeddings");
        Objects.requireNonNull(progress, "progress");
        ItemCatalog catalog = data.items();
        if (embeddings.rows() != catalog.size()) {
            throw new IllegalArgumentException("item embeddings have " + embeddings.rows() + " rows but dataset " + data.name() + " has "
                    + catalog.size() + " items; encode the same dataset");
        }
        if (generator != null) {
            if (!encoder.modelId().equals(embeddings.modelId())) {
                throw new IllegalArgumentException("the encoder of generated texts (" + encoder.modelId()
                        + ") is not the encoder of the item embeddings (" + embeddings.modelId()
                        + "); generated texts must be embedded by the same model to be matched to items");
            }
            if (encoder.dimension() != embeddings.dimension()) {
                throw new IllegalArgumentException("the encoder's dimension " + encoder.dimension() + " differs from the item embeddings' "
                        + embeddings.dimension());
            }
        }
        long start = System.nanoTime();
        try (WorkerPool pool = new WorkerPool(threads)) {
            return run(data, embeddings, progress, pool, start);
        }
    }

    private AugmentedData run(CdsrDataset data, ItemEmbeddings embeddings, ProgressListener progress, WorkerPool pool, long start) {
        ItemCatalog catalog = data.items();
        List<Domain> domains = catalog.domains();
        List<UserSequence> train = data.train();
        int dim = embeddings.dimension();
        float[][] vectors = new float[catalog.size()][];
        for (int i = 0; i < vectors.length; i++) {
            if (embeddings.hasText(i)) {
                vectors[i] = embeddings.vector(i);
            }
        }

        Plan[] plans = new Plan[train.size()];
        List<Integer> imbalanced = new ArrayList<>();
        if (domains.size() < 2) {
            LOG.warn("dataset {} has a single domain: there is nothing to bridge to, no user is augmented", data.name());
        } else {
            for (int u = 0; u < train.size(); u++) {
                plans[u] = plan(train.get(u).items(), catalog);
                if (plans[u] != null) {
                    imbalanced.add(u);
                }
            }
        }
        List<Integer> selected = selectUsers(imbalanced);
        long skippedByCap = imbalanced.size() - selected.size();
        boolean[] chosen = new boolean[train.size()];
        for (int u : selected) {
            chosen[u] = true;
        }
        for (int u : imbalanced) {
            if (!chosen[u]) {
                plans[u] = null;
            }
        }

        // Clusters of every domain that is a user's source domain.
        boolean[] sourceDomain = new boolean[domains.size()];
        boolean[] targetDomain = new boolean[domains.size()];
        for (int u : selected) {
            sourceDomain[plans[u].dominant()] = true;
            for (int t : plans[u].targets()) {
                targetDomain[t] = true;
            }
        }
        int[] cluster = new int[catalog.size()];
        Arrays.fill(cluster, -1);
        Map<String, Integer> clusterCounts = new LinkedHashMap<>();
        for (Domain d : domains) {
            if (sourceDomain[d.index()]) {
                String task = "cluster " + d.name() + " items";
                progress.progress(task, 0, 1);
                clusterCounts.put(d.name(), cluster(d, vectors, dim, cluster, pool));
                progress.progress(task, 1, 1);
            }
        }

        // Exact search structures over each target domain's items with text.
        Map<Integer, int[]> targetItems = new HashMap<>();
        Map<Integer, CosineIndex> targetIndex = new HashMap<>();
        for (Domain d : domains) {
            if (targetDomain[d.index()]) {
                int[] ids = itemsWithText(d, vectors);
                if (ids.length == 0) {
                    LOG.warn("no item of domain {} has text: nothing can be bridged to it", d.name());
                }
                float[][] rows = new float[ids.length][];
                for (int k = 0; k < ids.length; k++) {
                    rows[k] = vectors[ids[k]];
                }
                targetItems.put(d.index(), ids);
                targetIndex.put(d.index(), new CosineIndex(rows, dim));
            }
        }

        int[][] nearest = null;
        Map<Long, Generated> generated = Map.of();
        long[] generatorCounts = new long[5];
        if (generator == null) {
            nearest = nearestItems(train, plans, selected, catalog, vectors, targetItems, targetIndex, pool, progress);
        } else {
            generated = generate(train, plans, selected, catalog, vectors, cluster, targetItems, targetIndex, pool, progress,
                    generatorCounts);
        }

        // Each user's candidates, placement and cap.
        UserResult[] results = new UserResult[train.size()];
        int[][] nearestFinal = nearest;
        Map<Long, Generated> generatedFinal = generated;
        AtomicLong done = new AtomicLong();
        int total = selected.size();
        progress.progress("augment users", 0, total);
        pool.run(w -> {
            int from = (int) pool.partStart(total, w);
            int to = (int) pool.partStart(total, w + 1);
            for (int k = from; k < to; k++) {
                int u = selected.get(k);
                results[u] = augmentUser(u, train.get(u), plans[u], catalog, vectors, cluster, nearestFinal, generatedFinal);
                long d = done.incrementAndGet();
                if (d % 1024 == 0) {
                    progress.progress("augment users", d, total);
                }
            }
        });
        progress.progress("augment users", total, total);

        List<AugmentedSequence> sequences = new ArrayList<>(train.size());
        List<Insertion> insertions = new ArrayList<>();
        long[] counts = new long[6];
        long augmented = 0;
        double similaritySum = 0;
        double matchSum = 0;
        for (int u = 0; u < train.size(); u++) {
            UserResult r = results[u];
            if (r == null) {
                sequences.add(AugmentedSequence.unchanged(train.get(u), settings.insertedItemsAreTargets()));
                continue;
            }
            sequences.add(r.sequence);
            insertions.addAll(r.insertions);
            if (!r.insertions.isEmpty()) {
                augmented++;
            }
            for (Insertion in : r.insertions) {
                similaritySum += in.similarity();
                matchSum += in.matchSimilarity();
            }
            counts[0] += r.withoutText;
            counts[1] += r.candidates;
            counts[2] += r.belowThreshold;
            counts[3] += r.duplicates;
            counts[4] += r.inSequence;
            counts[5] += r.beyondCap;
        }
        List<History> before = new ArrayList<>(train.size());
        for (UserSequence s : train) {
            before.add(s.items());
        }
        List<History> after = new ArrayList<>(sequences.size());
        for (AugmentedSequence s : sequences) {
            after.add(s.items());
        }
        int n = insertions.size();
        AugmentationReport report = new AugmentationReport(train.size(), imbalanced.size(), skippedByCap, augmented, n,
                n == 0 ? Double.NaN : similaritySum / n, n == 0 || generator == null ? Double.NaN : matchSum / n, counts[0],
                generatorCounts[0], generatorCounts[1], generatorCounts[2], generatorCounts[3], generatorCounts[4], counts[1], counts[2],
                counts[3], counts[4], counts[5], clusterCounts, interactions(catalog, before), interactions(catalog, after),
                DatasetStatistics.majorityShareHistogram(catalog, before), DatasetStatistics.majorityShareHistogram(catalog, after));
        LOG.info("augmented {} of {} imbalanced users of {} with {} items (mean cosine {}; {} candidates, {} below tau {}, {} beyond "
                + "the cap) in {} s", augmented, imbalanced.size(), data.name(), n, String.format(Locale.ROOT, "%.4f",
                        report.meanSimilarity()), counts[1], counts[2], settings.similarityThreshold(), counts[5],
                String.format(Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9));
        Map<String, Object> described = new LinkedHashMap<>(settings.toMap());
        described.put("generator", generator == null ? null : generator.modelId());
        return new AugmentedData(sequences, insertions, report, settings.insertion(), generator != null,
                settings.insertedItemsAreTargets(), described);
    }

    /** The user's dominant domain and target domains, or null when no domain's share is below the threshold. */
    private Plan plan(History h, ItemCatalog catalog) {
        int[] counts = new int[catalog.domains().size()];
        for (int i = 0; i < h.length(); i++) {
            counts[catalog.item(h.item(i)).domain()]++;
        }
        int dominant = 0;
        for (int d = 1; d < counts.length; d++) {
            if (counts[d] > counts[dominant]) {
                dominant = d;
            }
        }
        int[] targets = new int[counts.length];
        int n = 0;
        for (int d = 0; d < counts.length; d++) {
            if (d != dominant && (double) counts[d] / h.length() < settings.minorShareThreshold()) {
                targets[n++] = d;
            }
        }
        return n == 0 ? null : new Plan(dominant, Arrays.copyOf(targets, n));
    }

    /** All imbalanced users, or a seeded choice of {@code maxUsers} of them; in training order. */
    private List<Integer> selectUsers(List<Integer> imbalanced) {
        if (imbalanced.size() <= settings.maxUsers()) {
            return imbalanced;
        }
        long[] keys = new long[imbalanced.size()];
        Integer[] order = new Integer[imbalanced.size()];
        for (int k = 0; k < keys.length; k++) {
            keys[k] = Rng.seed(settings.seed(), imbalanced.get(k), 1);
            order[k] = k;
        }
        Arrays.sort(order, Comparator.<Integer>comparingLong(k -> keys[k]).thenComparingInt(k -> k));
        List<Integer> chosen = new ArrayList<>();
        for (int k = 0; k < settings.maxUsers(); k++) {
            chosen.add(imbalanced.get(order[k]));
        }
        chosen.sort(null);
        return chosen;
    }

    private static int[] itemsWithText(Domain d, float[][] vectors) {
        int[] ids = new int[d.size()];
        int n = 0;
        for (int item = d.firstItem(); item < d.endItem(); item++) {
            if (vectors[item] != null) {
                ids[n++] = item;
            }
        }
        return Arrays.copyOf(ids, n);
    }

    /** Clusters a domain's items with text; writes their clusters; returns the number of clusters. */
    private int cluster(Domain d, float[][] vectors, int dim, int[] cluster, WorkerPool pool) {
        int[] ids = itemsWithText(d, vectors);
        float[][] points = new float[ids.length][];
        for (int k = 0; k < ids.length; k++) {
            points[k] = vectors[ids[k]];
        }
        long t0 = System.nanoTime();
        KMeans.Result r = KMeans.fit(points, dim, settings.clusters(), Rng.seed(settings.seed(), d.index(), 3),
                settings.kMeansIterations(), KMEANS_TOLERANCE, pool);
        for (int k = 0; k < ids.length; k++) {
            cluster[ids[k]] = r.assignment()[k];
        }
        LOG.debug("k-means of domain {}: {} items, {} clusters, {} passes{} in {} ms", d.name(), ids.length, r.clusters(),
                r.iterations(), r.converged() ? " (converged)" : "", (System.nanoTime() - t0) / 1_000_000);
        return r.clusters();
    }

    /** Offline: for each target domain, the nearest item of each source item that needs one ({@code -1}: none). */
    private int[][] nearestItems(List<UserSequence> train, Plan[] plans, List<Integer> selected, ItemCatalog catalog,
            float[][] vectors, Map<Integer, int[]> targetItems, Map<Integer, CosineIndex> targetIndex, WorkerPool pool,
            ProgressListener progress) {
        int domainCount = catalog.domains().size();
        int[][] nearest = new int[domainCount][];
        for (int t = 0; t < domainCount; t++) {
            if (!targetIndex.containsKey(t)) {
                continue;
            }
            boolean[] needed = new boolean[catalog.size()];
            for (int u : selected) {
                Plan p = plans[u];
                if (!contains(p.targets(), t)) {
                    continue;
                }
                Domain source = catalog.domains().get(p.dominant());
                History h = train.get(u).items();
                for (int i = 0; i < h.length(); i++) {
                    int item = h.item(i);
                    if (source.contains(item) && vectors[item] != null) {
                        needed[item] = true;
                    }
                }
            }
            List<Integer> queries = new ArrayList<>();
            for (int item = 0; item < needed.length; item++) {
                if (needed[item]) {
                    queries.add(item);
                }
            }
            float[][] q = new float[queries.size()][];
            for (int k = 0; k < q.length; k++) {
                q[k] = vectors[queries.get(k)];
            }
            String task = "nearest " + catalog.domains().get(t).name() + " items";
            progress.progress(task, 0, q.length);
            long t0 = System.nanoTime();
            int[] rows = targetIndex.get(t).nearestRows(q, new float[q.length], pool);
            progress.progress(task, q.length, q.length);
            LOG.debug("nearest {} items of {} source items in {} ms", catalog.domains().get(t).name(), q.length,
                    (System.nanoTime() - t0) / 1_000_000);
            int[] ids = targetItems.get(t);
            nearest[t] = new int[catalog.size()];
            Arrays.fill(nearest[t], -1);
            for (int k = 0; k < q.length; k++) {
                nearest[t][queries.get(k)] = rows[k] < 0 ? -1 : ids[rows[k]];
            }
        }
        return nearest;
    }

    private static boolean contains(int[] values, int v) {
        for (int x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private static long key(int user, int target) {
        return ((long) user << 20) | target;
    }

    /**
     * With a generator: prompts every selected user for each target domain, parses the answers,
     * embeds the texts and matches them to real items. {@code counts} receives calls, failures,
     * unparsable answers, texts and texts beyond the limit.
     */
    private Map<Long, Generated> generate(List<UserSequence> train, Plan[] plans, List<Integer> selected, ItemCatalog catalog,
            float[][] vectors, int[] cluster, Map<Integer, int[]> targetItems, Map<Integer, CosineIndex> targetIndex, WorkerPool pool,
            ProgressListener progress, long[] counts) {
        List<Generated> jobs = new ArrayList<>();
        for (int u : selected) {
            Plan p = plans[u];
            List<List<String>> groups = promptGroups(train.get(u).items(), catalog.domains().get(p.dominant()), catalog, vectors, cluster);
            if (groups.isEmpty()) {
                continue;
            }
            for (int t : p.targets()) {
                Generated g = new Generated();
                g.user = u;
                g.target = t;
                g.prompt = prompt.render(catalog.domains().get(p.dominant()).name(), catalog.domains().get(t).name(),
                        settings.maxInsertionsPerUser(), groups);
                jobs.add(g);
            }
        }
        AtomicLong done = new AtomicLong();
        progress.progress("generate", 0, jobs.size());
        AtomicLong failures = new AtomicLong();
        Concurrently.map(jobs, generatorConcurrency, "llmedt-augment-generate", g -> {
            try {
                g.answer = generator.generate(g.prompt);
            } catch (RuntimeException e) {
                // Any failure of the extension point costs this user's items, not the run.
                g.failed = true;
                if (failures.incrementAndGet() <= LOGGED_FAILURES) {
                    LOG.warn("generator {} failed for user {} of {} ({} items): {}; the user gets no {} items{}", generator.modelId(),
                            train.get(g.user).user(), train.get(g.user).source(), catalog.domains().get(g.target).name(),
                            e.getMessage(), catalog.domains().get(g.target).name(),
                            failures.get() == LOGGED_FAILURES ? " (further failures are counted, not logged)" : "");
                }
            }
            progress.progress("generate", done.incrementAndGet(), jobs.size());
            return null;
        }, cause -> cause instanceof InterruptedException
                ? new LanguageModelException("interrupted while waiting for generator " + generator.modelId(), cause)
                : new LanguageModelException("generator " + generator.modelId() + " failed: " + cause, cause));

        // Parse, then embed each distinct text once per target domain and match it.
        int limit = 4 * settings.maxInsertionsPerUser();
        Map<Integer, LinkedHashMap<String, Integer>> textsByTarget = new HashMap<>();
        for (Generated g : jobs) {
            counts[0]++;
            if (g.failed) {
                counts[1]++;
                continue;
            }
            g.parsed = SuggestionParser.parse(g.answer, limit);
            if (g.parsed.texts().isEmpty()) {
                counts[2]++;
                LOG.debug("no suggestion found in the answer for user {} of {}: {}", train.get(g.user).user(), train.get(g.user).source(),
                        g.answer.length() <= 200 ? g.answer : g.answer.substring(0, 200) + "...");
            }
            counts[3] += g.parsed.texts().size();
            counts[4] += g.parsed.beyondLimit();
            LinkedHashMap<String, Integer> texts = textsByTarget.computeIfAbsent(g.target, k -> new LinkedHashMap<>());
            for (String text : g.parsed.texts()) {
                texts.putIfAbsent(text, texts.size());
            }
        }
        Map<Integer, int[]> matchedByTarget = new HashMap<>();
        Map<Integer, float[]> scoreByTarget = new HashMap<>();
        for (Map.Entry<Integer, LinkedHashMap<String, Integer>> e : textsByTarget.entrySet()) {
            List<String> texts = new ArrayList<>(e.getValue().keySet());
            float[][] q = encodeGenerated(texts, progress);
            int[] rows = targetIndex.get(e.getKey()).nearestRows(q, new float[q.length], pool);
            int[] ids = targetItems.get(e.getKey());
            int[] matched = new int[q.length];
            float[] score = new float[q.length];
            for (int k = 0; k < q.length; k++) {
                matched[k] = rows[k] < 0 ? -1 : ids[rows[k]];
                score[k] = matched[k] < 0 ? Float.NaN : Kernels.dot(q[k], vectors[matched[k]], q[k].length);
            }
            matchedByTarget.put(e.getKey(), matched);
            scoreByTarget.put(e.getKey(), score);
        }
        Map<Long, Generated> byUser = new HashMap<>();
        for (Generated g : jobs) {
            if (g.parsed != null) {
                Map<String, Integer> index = textsByTarget.get(g.target);
                List<String> texts = g.parsed.texts();
                g.matched = new int[texts.size()];
                g.match = new float[texts.size()];
                for (int k = 0; k < texts.size(); k++) {
                    int at = index.get(texts.get(k));
                    g.matched[k] = matchedByTarget.get(g.target)[at];
                    g.match[k] = scoreByTarget.get(g.target)[at];
                }
            }
            byUser.put(key(g.user, g.target), g);
        }
        return byUser;
    }

    private float[][] encodeGenerated(List<String> texts, ProgressListener progress) {
        float[][] out = new float[texts.size()][];
        progress.progress("encode generated texts", 0, texts.size());
        for (int from = 0; from < texts.size(); from += ENCODE_CHUNK) {
            List<String> chunk = texts.subList(from, Math.min(texts.size(), from + ENCODE_CHUNK));
            float[][] v = encoder.encodeQueries(chunk);
            if (v.length != chunk.size()) {
                throw new LanguageModelException("encoder " + encoder.modelId() + " returned " + v.length + " vectors for " + chunk.size()
                        + " texts");
            }
            for (int k = 0; k < v.length; k++) {
                if (v[k] == null || v[k].length != encoder.dimension()) {
                    throw new LanguageModelException("encoder " + encoder.modelId() + " returned a vector of length "
                            + (v[k] == null ? "null" : v[k].length) + " for generated text '" + chunk.get(k) + "'");
                }
                out[from + k] = v[k];
            }
            progress.progress("encode generated texts", from + chunk.size(), texts.size());
        }
        return out;
    }

    /** The user's source items with text for a prompt: at most promptItems, grouped by cluster, most recent first. */
    private List<List<String>> promptGroups(History h, Domain source, ItemCatalog catalog, float[][] vectors, int[] cluster) {
        LinkedHashMap<Integer, List<Integer>> byCluster = new LinkedHashMap<>();
        List<Integer> recent = new ArrayList<>();
        Set<Integer> distinct = new HashSet<>();
        for (int i = h.length() - 1; i >= 0; i--) {
            int item = h.item(i);
            if (source.contains(item) && vectors[item] != null && !title(catalog.item(item)).isEmpty() && distinct.add(item)) {
                recent.add(item);
            }
        }
        for (int item : recent) {
            byCluster.computeIfAbsent(cluster[item], c -> new ArrayList<>()).add(item);
        }
        List<List<Integer>> clusters = new ArrayList<>(byCluster.values());
        // Largest interest first; equal sizes keep the order of their most recent item.
        clusters.sort(Comparator.comparingInt(c -> -c.size()));
        List<List<String>> groups = new ArrayList<>();
        for (int c = 0; c < clusters.size(); c++) {
            groups.add(new ArrayList<>());
        }
        int shown = 0;
        for (int rank = 0; shown < settings.promptItems(); rank++) {
            boolean any = false;
            for (int c = 0; c < clusters.size() && shown < settings.promptItems(); c++) {
                if (rank < clusters.get(c).size()) {
                    groups.get(c).add(title(catalog.item(clusters.get(c).get(rank))));
                    shown++;
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        groups.removeIf(List::isEmpty);
        return groups;
    }

    private static String title(Item item) {
        String t = item.title();
        if (t.isEmpty() && !item.text().isEmpty()) {
            t = item.text().values().iterator().next();
        }
        return t;
    }

    /** One user's candidates, filters, placement and cap. */
    private UserResult augmentUser(int u, UserSequence s, Plan plan, ItemCatalog catalog, float[][] vectors, int[] cluster,
            int[][] nearest, Map<Long, Generated> generated) {
        UserResult r = new UserResult();
        History h = s.items();
        Domain source = catalog.domains().get(plan.dominant());
        // Source positions with text; distinct source items without text are counted.
        int[] positions = new int[h.length()];
        int m = 0;
        Set<Integer> withoutText = new HashSet<>();
        Set<Integer> distinctSources = new LinkedHashSet<>();
        for (int i = 0; i < h.length(); i++) {
            int item = h.item(i);
            if (source.contains(item)) {
                if (vectors[item] == null) {
                    withoutText.add(item);
                } else {
                    positions[m++] = i;
                    distinctSources.add(item);
                }
            }
        }
        r.withoutText = withoutText.size();
        float tau = (float) settings.similarityThreshold();
        List<Candidate> candidates = new ArrayList<>();
        for (int t : plan.targets()) {
            if (generator == null) {
                for (int item : distinctSources) {
                    int c = nearest[t][item];
                    if (c < 0) {
                        continue;
                    }
                    r.candidates++;
                    float cos = Kernels.dot(vectors[item], vectors[c], vectors[c].length);
                    if (cos >= tau) {
                        candidates.add(new Candidate(c, cos, Float.NaN));
                    } else {
                        r.belowThreshold++;
                    }
                }
            } else {
                Generated g = generated.get(key(u, t));
                if (g == null || g.matched == null) {
                    continue;
                }
                for (int k = 0; k < g.matched.length; k++) {
                    if (g.matched[k] < 0) {
                        continue;
                    }
                    r.candidates++;
                    if (g.match[k] >= tau) {
                        candidates.add(new Candidate(g.matched[k], g.match[k], g.match[k]));
                    } else {
                        r.belowThreshold++;
                    }
                }
            }
        }
        // The best-scored proposal of each item; items the user has are not new behaviour.
        candidates.sort(Comparator.comparingDouble((Candidate c) -> -c.score()).thenComparingInt(Candidate::item));
        Set<Integer> taken = new HashSet<>();
        List<Kept> kept = new ArrayList<>();
        for (Candidate c : candidates) {
            if (!taken.add(c.item())) {
                r.duplicates++;
            } else if (h.contains(c.item())) {
                r.inSequence++;
            } else {
                int best = -1;
                float bestCos = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < m; k++) {
                    float cos = Kernels.dot(vectors[h.item(positions[k])], vectors[c.item()], vectors[c.item()].length);
                    if (cos >= bestCos) {
                        bestCos = cos;
                        best = positions[k];
                    }
                }
                if (best < 0) {
                    // Candidates come from source items with text (offline) or from prompts listing them.
                    throw new IllegalStateException("user " + s.user() + " of " + s.source() + " has a candidate but no source item with text");
                }
                kept.add(new Kept(c.item(), best, bestCos, c.match(), cluster[h.item(best)]));
            }
        }
        // Cap: the most similar of each source cluster first, then the second of each, ...
        kept.sort(Comparator.comparingDouble((Kept k) -> -k.similarity()).thenComparingInt(Kept::item));
        Map<Integer, Integer> rankInCluster = new HashMap<>();
        int[] rank = new int[kept.size()];
        for (int k = 0; k < kept.size(); k++) {
            rank[k] = rankInCluster.merge(kept.get(k).cluster(), 1, Integer::sum);
        }
        Integer[] order = new Integer[kept.size()];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        Arrays.sort(order, Comparator.<Integer>comparingInt(k -> rank[k]).thenComparingInt(k -> k));
        int keep = Math.min(kept.size(), settings.maxInsertionsPerUser());
        r.beyondCap = kept.size() - keep;
        List<Kept> chosen = new ArrayList<>(keep);
        for (int k = 0; k < keep; k++) {
            chosen.add(kept.get(order[k]));
        }
        if (chosen.isEmpty()) {
            r.sequence = AugmentedSequence.unchanged(s, settings.insertedItemsAreTargets());
            return r;
        }
        // Placement.
        long[] stream = {Rng.seed(settings.seed(), u, 2)};
        List<Insertion> insertions = new ArrayList<>(keep);
        for (Kept k : chosen) {
            int after = switch (settings.insertion()) {
                case AFTER_SOURCE -> k.sourcePosition();
                case APPEND -> h.length() - 1;
                case RANDOM -> Rng.nextInt(stream, 0, h.length() + 1) - 1;
            };
            insertions.add(new Insertion(s.source(), s.user(), k.sourcePosition(), h.item(k.sourcePosition()), k.item(), k.similarity(),
                    k.match(), after));
        }
        insertions.sort(Comparator.comparingInt(Insertion::afterPosition).thenComparingInt(Insertion::position)
                .thenComparingDouble(in -> -in.similarity()).thenComparingInt(Insertion::insertedItem));
        int[] items = new int[h.length() + insertions.size()];
        boolean[] inserted = new boolean[items.length];
        int at = 0;
        int next = 0;
        for (int p = -1; p < h.length(); p++) {
            if (p >= 0) {
                items[at++] = h.item(p);
            }
            while (next < insertions.size() && insertions.get(next).afterPosition() == p) {
                inserted[at] = true;
                items[at++] = insertions.get(next++).insertedItem();
            }
        }
        r.sequence = new AugmentedSequence(s.source(), s.user(), History.of(items), inserted, settings.insertedItemsAreTargets());
        r.insertions = List.copyOf(insertions);
        return r;
    }

    private static Map<String, Long> interactions(ItemCatalog catalog, List<History> sequences) {
        long[] counts = new long[catalog.domains().size()];
        for (History h : sequences) {
            for (int i = 0; i < h.length(); i++) {
                counts[catalog.item(h.item(i)).domain()]++;
            }
        }
        Map<String, Long> m = new LinkedHashMap<>();
        for (Domain d : catalog.domains()) {
            m.put(d.name(), counts[d.index()]);
        }
        return m;
    }

    @Override
    public String toString() {
        return "TransferableItemAugmenter[" + (generator == null ? "offline" : "generator " + generator.modelId()) + ", "
                + settings.toMap() + "]";
    }
}
