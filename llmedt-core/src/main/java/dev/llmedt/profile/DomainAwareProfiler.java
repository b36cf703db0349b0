package dev.llmedt.profile;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmedt.check.Require;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.io.RecordJson;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.TextGenerator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The domain-aware profiler of LLM-EDT (METHOD.md section 4): describes each user by the
 * sub-interests of their visible history, weighted by how their items split over the domains.
 *
 * <pre>{@code
 * UserProfiles profiles = DomainAwareProfiler.builder().clusters(10).seed(42).build()
 *     .profile(data.items(), itemEmbeddings, visibleHistories);
 * float[][] vectors = profiles.embed(TextCache.open(cacheDir).cached(encoder), 256, ProgressListener.none());
 * }</pre>
 *
 * <p><b>Visibility.</b> Pass only what the model may see: the real items of a training user's
 * training sequence, the input prefix of an evaluated user, never a target (see {@link Profiler}).
 *
 * <p><b>Clusters.</b> Each user's items are clustered by spherical k-means on their vectors (at
 * most {@linkplain Builder#clusters clusters}, fewer with fewer items); each cluster keeps its last
 * {@linkplain Builder#itemsPerCluster itemsPerCluster} items and belongs to the majority domain of
 * those (ties: the domain of the most recent). Items without text (zero vectors) are not
 * clustered but count in the user's domain ratio, the share of the user's items in each domain
 * (every occurrence counts).
 *
 * <p><b>Offline (the default).</b> The profile is extractive: the salient title terms of each
 * cluster (tf x idf over all catalog titles), as many per domain as its share of the user's items
 * warrants, in one deterministic line such as
 * {@code Food (75% of items): espresso, arabica; matcha. Kitchen (25% of items): grinder, burr.}
 * The exact rules are in the documentation of the package-private {@code ExtractiveProfile}:
 * top {@linkplain Builder#termsPerCluster termsPerCluster} terms per cluster (ties by term); a
 * domain gets {@code round(T x share)} of the T distinct terms offered, at least one and at most
 * what its clusters offer; clusters most recent first.
 *
 * <p><b>With a {@linkplain Builder#generator generator}</b>: Summarize-Reform-Analyze. Summarize
 * asks for a short preference per cluster (its titles, one per line, flattened and cut so that no
 * title can add lines, and its domain); Reform, per domain, combines the domain's summaries with
 * the user's share written out ("72% of this user's items are in Food"); Analyze writes the final
 * profile from the reformed domains and their shares. For one user the calls always go Summarize,
 * then Reform, then Analyze; calls of different users interleave, at most
 * {@linkplain Builder#generatorConcurrency generatorConcurrency} at a time. Answers are cleaned
 * (white space collapsed, control characters removed, cut to
 * {@linkplain Builder#maxProfileChars maxProfileChars}); an answer without any letter or digit is
 * garbage. A call that throws ({@link dev.llmedt.text.LanguageModelException} or any runtime
 * exception) or an unusable answer is counted, logged once for the user at WARN (without the
 * prompt), and that user receives the extractive profile; the run goes on. An answer is only text:
 * it goes into later prompts of its own user only, and never changes the calls made. To reuse
 * answers across runs, wrap the generator: {@code TextCache.open(dir).cached(generator)}.
 *
 * <p><b>Determinism.</b> The same catalog, vectors, histories, settings and generator answers give
 * the same profiles, whatever the number of threads and the order of the users (k-means is seeded
 * by the seed and the history itself).
 *
 * <p>Immutable and thread-safe (the generator must be thread-safe, as its contract requires).
 */
public final class DomainAwareProfiler implements Profiler {

    /**
     * The default Summarize prompt. Placeholders: {@code {domain}} (the cluster's domain) and
     * {@code {items}} (required: its titles, oldest first, one {@code - title} line each).
     */
    public static final String DEFAULT_SUMMARIZE_TEMPLATE = "A customer bought these products in the category \"{domain}\", "
            + "oldest first:\n{items}\n\n"
            + "In one or two sentences, describe the preference these purchases show: the kind of product, the features, brands or "
            + "uses the customer looks for. Answer with the description only.";

    /**
     * The default Reform prompt. Placeholders: {@code {domain}}, {@code {ratio}} (required: the
     * domain's share of the user's items, e.g. {@code 72%}), {@code {ratios}} (every domain of the
     * user with its share, e.g. {@code Food 72%, Kitchen 28%}) and {@code {summaries}} (required:
     * the domain's cluster summaries, most recent first, one {@code - (N items) summary} line each).
     */
    public static final String DEFAULT_REFORM_TEMPLATE = "{ratio} of this user's items are in {domain} (all categories: {ratios}). "
            + "These summaries describe the user's interests in {domain}, one per group of similar items, most recent group first:\n"
            + "{summaries}\n\n"
            + "Combine them into one short description of the user's preferences in {domain}. Weigh each interest by the number of "
            + "items behind it, and give {domain} the importance that its share of the user's items ({ratio}) deserves. "
            + "Answer with the description only.";

    /**
     * The default Analyze prompt. Placeholders: {@code {domains}} (required: one line per domain
     * of the user, largest share first, {@code - Food (72% of items): preference}) and
     * {@code {ratios}}.
     */
    public static final String DEFAULT_ANALYZE_TEMPLATE = "These are a user's preferences in each product category, with the share "
            + "of the user's items in that category:\n{domains}\n\n"
            + "Write the user's profile: a short paragraph (at most five sentences) on what they like across categories, giving "
            + "each category the weight of its share. Answer with the profile only.";

    private final Settings settings;
    private final int threads;
    private final TextGenerator generator;
    private final int generatorConcurrency;
    private final ProfilePrompts prompts;
    /** The title terms of the last catalog profiled, reused while callers pass the same catalog instance (batches). */
    private volatile TitleTermsOf lastTerms;

    private record TitleTermsOf(ItemCatalog catalog, TitleTerms terms) {
    }

    private DomainAwareProfiler(Builder b) {
        this.settings = new Settings(b.clusters, b.itemsPerCluster, b.termsPerCluster, b.maxProfileChars, b.seed, b.kMeansIterations,
                b.summarizeTemplate, b.reformTemplate, b.analyzeTemplate);
        this.threads = b.threads;
        this.generator = b.generator;
        this.generatorConcurrency = b.generatorConcurrency;
        this.prompts = new ProfilePrompts(b.summarizeTemplate, b.reformTemplate, b.analyzeTemplate);
    }

    /** Starts a builder with the defaults (offline mode). */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the settings that determine the profiles. */
    public Settings settings() {
        return settings;
    }

    /** Returns whether profiles are generated (otherwise extractive, offline). */
    public boolean usesGenerator() {
        return generator != null;
    }

    /**
     * The settings that determine the profiles (the thread count and the generator's concurrency
     * do not). Validated on construction.
     *
     * @param clusters most k-means clusters per user, in [1, 1000]
     * @param itemsPerCluster most items kept per cluster (the most recent), in [1, 100000]
     * @param termsPerCluster most title terms per cluster in the extractive profile, in [1, 100]
     * @param maxProfileChars longest profile and generated answer, in characters, in [20, 1000000]
     * @param seed seeds k-means (mixed with each user's history)
     * @param kMeansIterations most k-means assignment passes per user, in [1, 1000]
     * @param summarizeTemplate the Summarize prompt (see {@link #DEFAULT_SUMMARIZE_TEMPLATE}); must contain {@code {items}}
     * @param reformTemplate the Reform prompt (see {@link #DEFAULT_REFORM_TEMPLATE}); must contain
     *     {@code {summaries}} and {@code {ratio}}
     * @param analyzeTemplate the Analyze prompt (see {@link #DEFAULT_ANALYZE_TEMPLATE}); must contain {@code {domains}}
     */
    public record Settings(int clusters, int itemsPerCluster, int termsPerCluster, int maxProfileChars, long seed,
            @JsonProperty("kmeans_iterations") int kMeansIterations,
            String summarizeTemplate, String reformTemplate, String analyzeTemplate) implements java.io.Serializable {

        /** Validates the fields. */
        public Settings {
            Require.inRange("clusters", clusters, 1, 1000);
            Require.inRange("itemsPerCluster", itemsPerCluster, 1, 100_000);
            Require.inRange("termsPerCluster", termsPerCluster, 1, 100);
            Require.inRange("maxProfileChars", maxProfileChars, 20, 1_000_000);
            Require.inRange("kMeansIterations", kMeansIterations, 1, 1000);
            new ProfilePrompts(summarizeTemplate, reformTemplate, analyzeTemplate);
        }

        /** Returns the defaults. */
        public static Settings defaults() {
            return builder().build().settings();
        }

        /**
         * Returns the settings as a map with snake_case keys, for JSON and provenance (written by
         * {@link RecordJson}, like every configuration; {@code kmeans_iterations} keeps the key
         * that files on disk use).
         */
        public Map<String, Object> toMap() {
            return RecordJson.writeMap(this);
        }

        /**
         * Reads settings from a map written by {@link #toMap()} (for example parsed from JSON).
         *
         * @throws IllegalArgumentException when a key is missing, unknown or of the wrong type, or a
         *     value is out of range (names the key)
         */
        public static Settings fromMap(Map<String, ?> map) {
            return RecordJson.readSettings("profiler", map, Settings.class, Map.of());
        }
    }

    /**
     * Builds a {@link DomainAwareProfiler}. Each setter checks its argument at once and names it,
     * the value and the allowed range in its exception. Setting an option again replaces it (so
     * {@link dev.llmedt.dualphase.LlmEdt.Builder#profiler(java.util.function.Consumer)} can set the run's seed
     * and threads first and let your settings override them); {@link #settings} sets every option of
     * {@link Settings}.
     */
    public static final class Builder {

        private int clusters = 10;
        private int itemsPerCluster = 15;
        private int termsPerCluster = 5;
        private int maxProfileChars = 1000;
        private long seed = 42;
        private int kMeansIterations = 20;
        private String summarizeTemplate = DEFAULT_SUMMARIZE_TEMPLATE;
        private String reformTemplate = DEFAULT_REFORM_TEMPLATE;
        private String analyzeTemplate = DEFAULT_ANALYZE_TEMPLATE;
        private int threads = Runtime.getRuntime().availableProcessors();
        private TextGenerator generator;
        private int generatorConcurrency = 4;
        private boolean concurrencySet;

        private Builder() {
        }


        /**
         * Sets the most clusters per user (default 10, as in the paper; fewer when the user has
         * fewer items with text).
         *
         * @throws IllegalArgumentException unless 1 to 1000
         */
        public Builder clusters(int k) {
            this.clusters = Require.inRange("clusters", k, 1, 1000);
            return this;
        }

        /**
         * Sets the most items kept per cluster, the most recent ones (default 15, as in the paper).
         *
         * @throws IllegalArgumentException unless 1 to 100,000
         */
        public Builder itemsPerCluster(int items) {
            this.itemsPerCluster = Require.inRange("itemsPerCluster", items, 1, 100_000);
            return this;
        }

        /**
         * Sets the most title terms per cluster in the extractive profile (default 5).
         *
         * @throws IllegalArgumentException unless 1 to 100
         */
        public Builder termsPerCluster(int terms) {
            this.termsPerCluster = Require.inRange("termsPerCluster", terms, 1, 100);
            return this;
        }

        /**
         * Sets the longest profile, and the longest generated answer kept, in characters
         * (default 1000); longer texts are cut and end with {@code "..."}.
         *
         * @throws IllegalArgumentException unless 20 to 1,000,000
         */
        public Builder maxProfileChars(int chars) {
            this.maxProfileChars = Require.inRange("maxProfileChars", chars, 20, 1_000_000);
            return this;
        }

        /**
         * Sets the seed of k-means (default 42); each user's k-means is seeded by it and the user's
         * history.
         *
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the most k-means assignment passes per user (default 20).
         *
         * @throws IllegalArgumentException unless 1 to 1000
         */
        public Builder kMeansIterations(int iterations) {
            this.kMeansIterations = Require.inRange("kMeansIterations", iterations, 1, 1000);
            return this;
        }

        /**
         * Sets the Summarize prompt (default {@link DomainAwareProfiler#DEFAULT_SUMMARIZE_TEMPLATE}).
         *
         * @throws IllegalArgumentException when {@code {items}} is missing
         */
        public Builder summarizeTemplate(String template) {
            this.summarizeTemplate = ProfilePrompts.checkSummarize(template);
            return this;
        }

        /**
         * Sets the Reform prompt (default {@link DomainAwareProfiler#DEFAULT_REFORM_TEMPLATE}).
         *
         * @throws IllegalArgumentException when {@code {summaries}} or {@code {ratio}} is missing
         */
        public Builder reformTemplate(String template) {
            this.reformTemplate = ProfilePrompts.checkReform(template);
            return this;
        }

        /**
         * Sets the Analyze prompt (default {@link DomainAwareProfiler#DEFAULT_ANALYZE_TEMPLATE}).
         *
         * @throws IllegalArgumentException when {@code {domains}} is missing
         */
        public Builder analyzeTemplate(String template) {
            this.analyzeTemplate = ProfilePrompts.checkAnalyze(template);
            return this;
        }

        /**
         * Sets the worker threads that profile users in parallel (default: all processors). The
         * profiles do not depend on it.
         *
         * @throws IllegalArgumentException unless 1 to 256
         */
        public Builder threads(int threads) {
            this.threads = Require.inRange("threads", threads, 1, 256);
            return this;
        }

        /**
         * Generates profiles with Summarize-Reform-Analyze instead of the offline extractive ones.
         *
         * @param generator any text generator, e.g. {@code OpenAiCompatible.chat(...)}; wrap it with
         *     {@code TextCache.open(dir).cached(generator)} to reuse answers across runs
         */
        public Builder generator(TextGenerator generator) {
            this.generator = Objects.requireNonNull(generator, "generator");
            return this;
        }

        /**
         * Sets how many prompts are sent to the generator at once (default 4). Needs a generator.
         *
         * @throws IllegalArgumentException unless 1 to 256
         */
        public Builder generatorConcurrency(int prompts) {
            this.generatorConcurrency = Require.inRange("generatorConcurrency", prompts, 1, 256);
            concurrencySet = true;
            return this;
        }

        /**
         * Takes every option of {@code settings} (for example read with {@link Settings#fromMap}),
         * replacing those set before.
         */
        public Builder settings(Settings settings) {
            Objects.requireNonNull(settings, "settings");
            this.clusters = settings.clusters();
            this.itemsPerCluster = settings.itemsPerCluster();
            this.termsPerCluster = settings.termsPerCluster();
            this.maxProfileChars = settings.maxProfileChars();
            this.seed = settings.seed();
            this.kMeansIterations = settings.kMeansIterations();
            this.summarizeTemplate = settings.summarizeTemplate();
            this.reformTemplate = settings.reformTemplate();
            this.analyzeTemplate = settings.analyzeTemplate();
            return this;
        }

        /**
         * Returns the profiler.
         *
         * @throws IllegalStateException when the generator's concurrency is set without a generator
         */
        public DomainAwareProfiler build() {
            if (generator == null && concurrencySet) {
                throw new IllegalStateException("generatorConcurrency is set to " + generatorConcurrency
                        + " but there is no generator; set generator(...) or leave generatorConcurrency out");
            }
            return new DomainAwareProfiler(this);
        }
    }

    @Override
    public UserProfiles profile(ItemCatalog catalog, ItemEmbeddings embeddings, List<History> visible, ProgressListener progress) {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(embeddings, "embeddings");
        Objects.requireNonNull(visible, "visible");
        Objects.requireNonNull(progress, "progress");
        embeddings.requireCatalog(catalog, "the catalog");
        long start = System.nanoTime();
        ProfileInputs.checkHistories(catalog, visible);
        float[][] vectors = ProfileInputs.usedVectors(catalog, embeddings, visible);
        return run(catalog, vectors, embeddings.dimension(), embeddings.modelId(), visible, progress, start);
    }

    /**
     * Profiles from item vectors given as rows (null: no text).
     *
     * @throws IllegalArgumentException when a history names an unknown item or a used vector has
     *     another length or non-finite values
     */
    UserProfiles profile(ItemCatalog catalog, float[][] vectors, int dimension, String embeddingsModel, List<History> visible,
            ProgressListener progress) {
        long start = System.nanoTime();
        ProfileInputs.checkHistories(catalog, visible);
        return run(catalog, vectors, dimension, embeddingsModel, visible, progress, start);
    }

    /** Checks the used vectors and profiles; the histories are checked already (they index the vectors). */
    private UserProfiles run(ItemCatalog catalog, float[][] vectors, int dimension, String embeddingsModel, List<History> visible,
            ProgressListener progress, long start) {
        ProfileInputs.checkVectors(catalog, vectors, dimension, visible);
        return new ProfilingRun(settings, threads, generator, generatorConcurrency, prompts).run(catalog, titleTerms(catalog), vectors,
                dimension, embeddingsModel, visible, progress, start);
    }

    /** Returns the title terms of the catalog, reused while callers pass the same catalog instance. */
    private TitleTerms titleTerms(ItemCatalog catalog) {
        TitleTermsOf cached = lastTerms;
        if (cached == null || cached.catalog() != catalog) {
            cached = new TitleTermsOf(catalog, TitleTerms.of(catalog));
            lastTerms = cached;
        }
        return cached.terms();
    }

    @Override
    public String toString() {
        return "DomainAwareProfiler[" + (generator == null ? "offline" : "generator " + generator.modelId()) + ", clusters "
                + settings.clusters() + ", items per cluster " + settings.itemsPerCluster() + ", terms per cluster "
                + settings.termsPerCluster() + "]";
    }
}
