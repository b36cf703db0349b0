package dev.llmedt.augment;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.check.Require;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.engine.WorkerPool;
import dev.llmedt.io.RecordJson;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.TextEncoder;
import dev.llmedt.text.TextGenerator;
import java.util.Map;
import java.util.Objects;

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
 *       item is below tau is noise and is dropped. {@linkplain Builder#bridges Bridge scoring}
 *       {@link BridgeScoring#CSLS} picks by cross-domain similarity local scaling instead, which
 *       pushes down hub items; {@link BridgeScoring#BEHAVIOUR} takes the item users most often took
 *       next after the source item in the training sequences (exempt from tau, placed after that
 *       item, preferred over a similarity candidate of the same item), falling back to CSLS;</li>
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

    // This class holds the public surface (settings, builder, entry point); the steps are
    // package-private: AugmentationRun (the order of the steps, the workers, the cap per bridge
    // item and the report), ImbalancedUsers (who is augmented, towards which domains), ItemSpace
    // (vectors, clusters, exact search per target domain), a CandidateSource (NearestItemCandidates
    // offline, BehaviourBridges, GeneratedCandidates with a generator), UserAugmenter (one user's
    // filters and sources), InsertionPlanner (cap and placement) and AugmentationCounts (the
    // counters, one per worker, merged into the report).

    private final Settings settings;
    private final int threads;
    /** The generator path's settings, or null offline. */
    private final GeneratedCandidates.Generation generation;

    private TransferableItemAugmenter(Builder b) {
        this.settings = new Settings(b.clusters, b.similarityThreshold, b.minorShareThreshold, b.insertion, b.maxUsers,
                b.maxInsertionsPerUser, b.insertedItemsAreTargets, b.seed, b.kMeansIterations, b.promptItems, b.promptTemplate, b.bridges,
                b.maxInsertionsPerBridgeItem, b.insertedTargetWeight);
        this.threads = b.threads;
        this.generation = b.generator == null ? null : new GeneratedCandidates.Generation(b.generator, b.encoder,
                b.generatorConcurrency, new SuggestionPrompt(b.promptTemplate), settings.maxInsertionsPerUser(),
                settings.promptItems());
    }

    /** Starts a builder with the defaults (offline mode). */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the settings that determine the result. */
    public Settings settings() {
        return settings;
    }

    /** The generator path's settings, or null offline; for {@link BatchAugmenter}. */
    GeneratedCandidates.Generation generation() {
        return generation;
    }

    /** Checks that the generator's encoder matches the embeddings (the same checks as {@link #augment}). */
    void checkEmbeddings(ItemCatalog catalog, ItemEmbeddings embeddings, String what) {
        embeddings.requireCatalog(catalog, what);
        if (generation != null) {
            generation.requireEncoderOf(embeddings);
        }
    }

    /** Returns whether candidates come from a generator (otherwise offline, from item similarity). */
    public boolean usesGenerator() {
        return generation != null;
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
     * @param bridges how the offline candidates are picked (a generator's are not affected)
     * @param maxInsertionsPerBridgeItem at most this many insertions of one item over all users
     *     (users in training order), in [1, 2^31-1]; 2^31-1: no cap
     * @param insertedTargetWeight the training loss weight of positions whose target is an inserted
     *     item, in [0, 1]; other than 1 only when inserted items are targets
     */
    public record Settings(int clusters, @JsonProperty("tau") double similarityThreshold, double minorShareThreshold,
            InsertionStrategy insertion, int maxUsers, int maxInsertionsPerUser, boolean insertedItemsAreTargets, long seed,
            @JsonProperty("kmeans_iterations") int kMeansIterations, int promptItems,
            String promptTemplate, BridgeScoring bridges, int maxInsertionsPerBridgeItem, double insertedTargetWeight)
            implements java.io.Serializable {

        /** The settings before bridge scoring was a choice: {@link BridgeScoring#TEXT}, no cap per bridge item, inserted targets of weight 1. */
        public Settings(int clusters, double similarityThreshold, double minorShareThreshold, InsertionStrategy insertion, int maxUsers,
                int maxInsertionsPerUser, boolean insertedItemsAreTargets, long seed, int kMeansIterations, int promptItems,
                String promptTemplate) {
            this(clusters, similarityThreshold, minorShareThreshold, insertion, maxUsers, maxInsertionsPerUser, insertedItemsAreTargets, seed,
                    kMeansIterations, promptItems, promptTemplate, BridgeScoring.TEXT, Integer.MAX_VALUE, 1.0);
        }

        /** Validates the fields. */
        public Settings {
            Require.inRange("clusters", clusters, 1, 100_000);
            Require.inRange("similarityThreshold (tau)", similarityThreshold, -1, 1);
            Require.inOpenClosed("minorShareThreshold", minorShareThreshold, 0, 1);
            Objects.requireNonNull(insertion, "insertion");
            Require.inRange("maxUsers", maxUsers, 0, Integer.MAX_VALUE);
            Require.inRange("maxInsertionsPerUser", maxInsertionsPerUser, 1, 1000);
            Require.inRange("kMeansIterations", kMeansIterations, 1, 1000);
            Require.inRange("promptItems", promptItems, 1, 1000);
            new SuggestionPrompt(promptTemplate);
            Objects.requireNonNull(bridges, "bridges");
            Require.inRange("maxInsertionsPerBridgeItem", maxInsertionsPerBridgeItem, 1, Integer.MAX_VALUE);
            Require.inRange("insertedTargetWeight", insertedTargetWeight, 0, 1);
            if (insertedTargetWeight != 1 && !insertedItemsAreTargets) {
                throw new IllegalArgumentException("insertedTargetWeight " + insertedTargetWeight + " weighs inserted items as training "
                        + "targets, but they are context only: set insertedItemsAreTargets(true) or leave the weight at 1");
            }
        }

        /**
         * Returns the settings as a map with snake_case keys, for JSON and provenance (written by
         * {@link RecordJson}, like every configuration; {@code tau} and {@code kmeans_iterations}
         * keep the keys that files on disk use).
         */
        public Map<String, Object> toMap() {
            return RecordJson.writeMap(this);
        }

        /**
         * Reads settings from a map written by {@link #toMap()} (for example parsed from JSON).
         * Maps written before a setting existed lack its key and read as its old behaviour:
         * {@code bridges} text, {@code max_insertions_per_bridge_item} 2^31-1 (no cap),
         * {@code inserted_target_weight} 1.
         *
         * @throws IllegalArgumentException when a key is missing, unknown or of the wrong type, or a
         *     value is out of range (names the key)
         */
        public static Settings fromMap(Map<String, ?> map) {
            return RecordJson.readSettings("augmenter", map, Settings.class, OLD_FILES);
        }

        private static final Map<String, Object> OLD_FILES = Map.of("bridges", BridgeScoring.TEXT.label(),
                "max_insertions_per_bridge_item", Integer.MAX_VALUE, "inserted_target_weight", 1.0);
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
        private BridgeScoring bridges = BridgeScoring.TEXT;
        private int maxInsertionsPerBridgeItem = Integer.MAX_VALUE;
        private double insertedTargetWeight = 1.0;

        private Builder() {
        }

        /**
         * Sets the number of k-means clusters per domain (default 64; fewer when a domain has fewer
         * items with text).
         *
         * @throws IllegalArgumentException unless 1 to 100,000
         */
        public Builder clusters(int k) {
            this.clusters = Require.inRange("clusters", k, 1, 100_000);
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
            this.similarityThreshold = Require.inRange("similarityThreshold (tau)", tau, -1, 1);
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
            this.minorShareThreshold = Require.inOpenClosed("minorShareThreshold", share, 0, 1);
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
            this.maxUsers = Require.inRange("maxUsers", users, 0, Integer.MAX_VALUE);
            return this;
        }

        /**
         * Caps the number of items inserted into one user's sequence (default 5; a prompt asks for
         * this many items).
         *
         * @throws IllegalArgumentException unless 1 to 1000
         */
        public Builder maxInsertionsPerUser(int items) {
            this.maxInsertionsPerUser = Require.inRange("maxInsertionsPerUser", items, 1, 1000);
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
            this.threads = Require.inRange("threads", threads, 1, 256);
            return this;
        }

        /**
         * Sets the most k-means assignment passes (default 20); k-means also stops once at most 0.1%
         * of the items change cluster in a pass.
         *
         * @throws IllegalArgumentException unless 1 to 1000
         */
        public Builder kMeansIterations(int iterations) {
            this.kMeansIterations = Require.inRange("kMeansIterations", iterations, 1, 1000);
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
            this.generatorConcurrency = Require.inRange("generatorConcurrency", prompts, 1, 256);
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
            this.promptItems = Require.inRange("promptItems", items, 1, 1000);
            return this;
        }

        /**
         * Sets how the offline augmenter picks the bridge item of each source item (default
         * {@link BridgeScoring#TEXT}, the nearest by cosine). {@link BridgeScoring#CSLS} pushes
         * down hub items; {@link BridgeScoring#BEHAVIOUR} takes what users took next. With a
         * generator, candidates come from its answers whatever this says.
         */
        public Builder bridges(BridgeScoring scoring) {
            this.bridges = Objects.requireNonNull(scoring, "bridges");
            return this;
        }

        /**
         * Caps the insertions of any one item over all users (default: no cap), against hub items
         * that bridge from very many sources. Users are served in training order; a user's
         * bridges beyond it are dropped (counted as beyond the insertion cap) before the per-user
         * cap chooses among the rest. Not supported by {@link BatchAugmenter}.
         *
         * @throws IllegalArgumentException unless at least 1
         */
        public Builder maxInsertionsPerBridgeItem(int insertions) {
            this.maxInsertionsPerBridgeItem = Require.inRange("maxInsertionsPerBridgeItem", insertions, 1, Integer.MAX_VALUE);
            return this;
        }

        /**
         * Sets the training loss weight of positions whose target is an inserted item (default 1:
         * as much as an original item), a confidence in the bridges; the loss is the weighted mean
         * over targets. Applies when inserted items are
         * {@linkplain #insertedItemsAreTargets targets}; {@link #build()} rejects another weight
         * otherwise.
         *
         * @throws IllegalArgumentException unless 0 to 1
         */
        public Builder insertedTargetWeight(double weight) {
            this.insertedTargetWeight = Require.inRange("insertedTargetWeight", weight, 0, 1);
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
            this.bridges = settings.bridges();
            this.maxInsertionsPerBridgeItem = settings.maxInsertionsPerBridgeItem();
            this.insertedTargetWeight = settings.insertedTargetWeight();
            return this;
        }

        /** Returns the augmenter. */
        public TransferableItemAugmenter build() {
            return new TransferableItemAugmenter(this);
        }
    }

    @Override
    public AugmentedData augment(CdsrDataset data, ItemEmbeddings embeddings, ProgressListener progress) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(embeddings, "embeddings");
        Objects.requireNonNull(progress, "progress");
        checkEmbeddings(data.items(), embeddings, "dataset " + data.name());
        long start = System.nanoTime();
        try (WorkerPool pool = new WorkerPool(threads)) {
            return new AugmentationRun(settings, generation).run(data, embeddings, progress, pool, start);
        }
    }

    @Override
    public String toString() {
        return "TransferableItemAugmenter[" + (generation == null ? "offline" : "generator " + generation.generator().modelId())
                + ", " + settings.toMap() + "]";
    }
}
