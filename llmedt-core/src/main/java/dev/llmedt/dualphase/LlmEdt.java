package dev.llmedt.dualphase;

import dev.llmedt.CheckpointConfig;
import dev.llmedt.TrainingListener;
import dev.llmedt.augment.AugmentedData;
import dev.llmedt.augment.Augmenter;
import dev.llmedt.augment.TransferableItemAugmenter;
import dev.llmedt.check.Require;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.profile.DomainAwareProfiler;
import dev.llmedt.profile.Profiler;
import dev.llmedt.profile.UserProfiles;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.TextEncoder;
import dev.llmedt.text.TextGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The front door: trains an LLM-EDT model in one fluent call.
 *
 * <pre>{@code
 * CdsrDataset data = CdsrDataset.read(Path.of("data/food-kitchen"));
 * try (TextEncoder encoder = OnnxTextEncoder.embeddedDefault()) {
 *     LlmEdtModel model = LlmEdt.builder()
 *             .encoder(encoder)                                   // item text -> vectors (or .itemEmbeddings(...))
 *             .augmenter(a -> a.similarityThreshold(0.6))         // optional: bridge items for imbalanced users
 *             .backbone(b -> b.dim(64).blocks(2).maxLength(50))   // SASRec backbone and item representation
 *             .pretraining(p -> p.maxEpochs(200).patience(10))    // phase 1
 *             .fineTuning(f -> f.maxEpochs(50).adapterSize(32))   // phase 2
 *             .profiler(p -> p.clusters(10))                      // optional: profile alignment (beta 0.5 unless set)
 *             .seed(42)
 *             .listener(TrainingListener.logging())
 *             .fit(data);
 *     List<ScoredItem> top = model.recommend(history, data.domains().get(1), 10);
 *     model.save(Path.of("food-kitchen.llmedt"));
 * }
 * }</pre>
 *
 * <p>Rules. Every setter checks its value at once: a bad value is an {@link IllegalArgumentException}
 * naming the option, the value and the allowed range (a settings lambda is run at once on a scratch
 * builder, whose setters check theirs the same way; so a lambda should only set values). Setting an option twice, or an option together with one that already fixes
 * it ({@link Builder#config} fixes the backbone, pretraining, fine-tuning, seed and threads), is an
 * {@link IllegalStateException}. Rules between options (a profiler without fine-tuning, text
 * features without an encoder or embeddings, a generator nobody uses) are checked by {@link
 * Builder#fit} and are {@link IllegalStateException}s too.
 *
 * <p>Defaults are those chosen on validation (see the README): hybrid item representation, no
 * augmenter, no profiles, phase 2 on. The {@link Builder#seed seed} makes a run reproducible: it
 * seeds the backbone, the augmenter and the profiler (a lambda may still set their own seed).
 */
public final class LlmEdt {

    private LlmEdt() {
    }

    /** Returns a new builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What {@link Builder#fitWithDetails} returns: the model and what was made on the way (for reports and reuse).
     *
     * @param model the trained model
     * @param embeddings the item embeddings used (encoded or given), or null without text (the id
     *     representation, no augmenter, no profiler, no encoder)
     * @param augmented the augmented training data, or null without an augmenter
     * @param profiles the training users' profiles (in {@code data.train()} order), or null without a profiler
     * @param seconds wall-clock seconds per stage ({@code encode}, {@code augment}, {@code profile},
     *     {@code embed_profiles}, {@code train}), in that order; a stage that did not run is absent
     */
    public record Result(LlmEdtModel model, ItemEmbeddings embeddings, AugmentedData augmented, UserProfiles profiles,
            Map<String, Double> seconds) {
    }

    /** Collects the options of one run; not thread-safe, use once or reuse for identical runs. */
    public static final class Builder {
        private TextEncoder encoder;
        private ItemEmbeddings embeddings;
        private ItemTextTemplate template;
        private TextGenerator generator;
        private Consumer<TransferableItemAugmenter.Builder> augmenterSettings;
        private Augmenter augmenter;
        private Consumer<BackboneConfig.Builder> backbone;
        private Consumer<PretrainingConfig.Builder> pretraining;
        private Consumer<FineTuningConfig.Builder> fineTuning;
        private Consumer<DomainAwareProfiler.Builder> profilerSettings;
        private Profiler profiler;
        private DualPhaseConfig config;
        private Long seed;
        private Integer threads;
        private LlmEdtModel phaseOne;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private ProgressListener progress;
        private CheckpointConfig checkpoints;

        private Builder() {
        }

        private static <T> T given(String option, T value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " must not be null");
            }
            return value;
        }

        private static void once(String option, Object current) {
            if (current != null) {
                throw new IllegalStateException(option + " is already set: set each option once");
            }
        }

        /**
         * Runs a settings lambda at once on a scratch builder (its setters reject bad values) and
         * {@code build} on it (its cross-checks), and returns the lambda to apply again at {@code fit}.
         */
        private static <B> Consumer<B> checkedAtOnce(String option, Consumer<B> settings, B scratch, Function<B, ?> build) {
            given(option, settings).accept(scratch);
            build.apply(scratch);
            return settings;
        }

        private void notWithConfig(String option) {
            if (config != null) {
                throw new IllegalStateException(option + " cannot be set together with config(...), which already fixes it");
            }
        }

        /** The text encoder of item texts (and of profiles). Needed for text features, unless {@link #itemEmbeddings} are given. */
        public Builder encoder(TextEncoder encoder) {
            once("encoder", this.encoder);
            this.encoder = given("encoder", encoder);
            return this;
        }

        /** Precomputed item embeddings (from {@code encode} or a cache); skips encoding the catalogue. */
        public Builder itemEmbeddings(ItemEmbeddings embeddings) {
            once("itemEmbeddings", this.embeddings);
            this.embeddings = given("itemEmbeddings", embeddings);
            return this;
        }

        /** How an item becomes text for the encoder (default: its title). */
        public Builder itemTemplate(ItemTextTemplate template) {
            once("itemTemplate", this.template);
            this.template = given("itemTemplate", template);
            return this;
        }

        /**
         * An LLM that writes bridge items (augmenter) and profiles (profiler); without one both work
         * offline (nearest items, extractive profiles). Needs the augmenter or the profiler on.
         */
        public Builder generator(TextGenerator generator) {
            once("generator", this.generator);
            this.generator = given("generator", generator);
            return this;
        }

        /**
         * Turns the transferable-item augmenter on, with settings (an empty lambda for the defaults).
         * The run's seed and threads are set first; the lambda may override them.
         */
        public Builder augmenter(Consumer<TransferableItemAugmenter.Builder> settings) {
            once("augmenter", augmenterSettings != null ? augmenterSettings : augmenter);
            augmenterSettings = checkedAtOnce("augmenter", settings, TransferableItemAugmenter.builder(), b -> null);
            return this;
        }

        /** Uses an augmenter of your own. */
        public Builder augmenter(Augmenter augmenter) {
            once("augmenter", augmenterSettings != null ? augmenterSettings : this.augmenter);
            this.augmenter = given("augmenter", augmenter);
            return this;
        }

        /** Backbone and item representation settings. */
        public Builder backbone(Consumer<BackboneConfig.Builder> settings) {
            notWithConfig("backbone");
            once("backbone", backbone);
            backbone = checkedAtOnce("backbone", settings, BackboneConfig.defaults().toBuilder(), BackboneConfig.Builder::build);
            return this;
        }

        /** Phase 1 (global model on mixed sequences) settings. */
        public Builder pretraining(Consumer<PretrainingConfig.Builder> settings) {
            notWithConfig("pretraining");
            once("pretraining", pretraining);
            pretraining = checkedAtOnce("pretraining", settings, PretrainingConfig.defaults().toBuilder(), PretrainingConfig.Builder::build);
            return this;
        }

        /** Phase 2 (frozen backbone, domain adapters, profile alignment) settings; {@code f.enabled(false)} skips phase 2. */
        public Builder fineTuning(Consumer<FineTuningConfig.Builder> settings) {
            notWithConfig("fineTuning");
            once("fineTuning", fineTuning);
            fineTuning = checkedAtOnce("fineTuning", settings, FineTuningConfig.defaults().toBuilder(), FineTuningConfig.Builder::build);
            return this;
        }

        /**
         * Turns the domain-aware profiler on (profiles aligned in phase 2 with weight {@link
         * FineTuningConfig#REFERENCE_ALIGNMENT_WEIGHT} unless {@link #fineTuning} sets another).
         */
        public Builder profiler(Consumer<DomainAwareProfiler.Builder> settings) {
            once("profiler", profilerSettings != null ? profilerSettings : profiler);
            profilerSettings = checkedAtOnce("profiler", settings, DomainAwareProfiler.builder(), b -> null);
            return this;
        }

        /** Uses a profiler of your own (profiles aligned as with {@link #profiler(Consumer)}). */
        public Builder profiler(Profiler profiler) {
            once("profiler", profilerSettings != null ? profilerSettings : this.profiler);
            this.profiler = given("profiler", profiler);
            return this;
        }

        /**
         * The whole training configuration at once (say, read back with {@link DualPhaseConfig#fromJson}
         * from a model file): excludes {@link #backbone}, {@link #pretraining}, {@link #fineTuning},
         * {@link #seed} and {@link #threads}.
         */
        public Builder config(DualPhaseConfig config) {
            once("config", this.config);
            for (Object[] o : new Object[][] {{"backbone", backbone}, {"pretraining", pretraining}, {"fineTuning", fineTuning},
                    {"seed", seed}, {"threads", threads}}) {
                if (o[1] != null) {
                    throw new IllegalStateException("config(...) cannot be set together with " + o[0] + ", which it also fixes");
                }
            }
            this.config = given("config", config);
            return this;
        }

        /** The seed of every random choice (initialisation, order, negatives, dropout, k-means, augmentation); default 42. */
        public Builder seed(long seed) {
            notWithConfig("seed");
            once("seed", this.seed);
            this.seed = seed;
            return this;
        }

        /** Worker threads, in [1, 256] (default: all processors). */
        public Builder threads(int threads) {
            notWithConfig("threads");
            once("threads", this.threads);
            this.threads = Require.inRange("threads", threads, 1, 256);
            return this;
        }

        /** Starts from a trained phase-1 model of the same data and backbone (phase 1 is skipped). */
        public Builder phaseOne(LlmEdtModel model) {
            once("phaseOne", phaseOne);
            phaseOne = given("phaseOne", model);
            return this;
        }

        /** Adds a training listener; listeners run in the order added. */
        public Builder listener(TrainingListener listener) {
            listeners.add(given("listener", listener));
            return this;
        }

        /**
         * Writes checkpoints of both phases to a folder (at epoch ends, and every N batches if set);
         * with a checkpoint there, {@code fit} resumes from it and ends with the weights an
         * uninterrupted run would have. A checkpoint of other data, settings, seed or thread count
         * is refused.
         */
        public Builder checkpoints(CheckpointConfig checkpoints) {
            once("checkpoints", this.checkpoints);
            this.checkpoints = given("checkpoints", checkpoints);
            return this;
        }

        /** Progress of the long non-training stages (encoding, augmenting, profiling). */
        public Builder progress(ProgressListener progress) {
            once("progress", this.progress);
            this.progress = given("progress", progress);
            return this;
        }

        /**
         * Returns the training configuration these options give (defaults filled in), without
         * training. With a profiler and no alignment weight of your own, the weight is {@link
         * FineTuningConfig#REFERENCE_ALIGNMENT_WEIGHT}.
         */
        public DualPhaseConfig config() {
            if (config != null) {
                return config;
            }
            DualPhaseConfig d = DualPhaseConfig.defaults();
            BackboneConfig.Builder b = d.backbone().toBuilder();
            if (backbone != null) {
                backbone.accept(b);
            }
            PretrainingConfig.Builder p = d.pretraining().toBuilder();
            if (pretraining != null) {
                pretraining.accept(p);
            }
            FineTuningConfig.Builder f = d.fineTuning().toBuilder();
            if (profilerSettings != null || profiler != null) {
                f.alignmentWeight(FineTuningConfig.REFERENCE_ALIGNMENT_WEIGHT);
            }
            if (fineTuning != null) {
                fineTuning.accept(f);
            }
            return d.withBackbone(b.build()).withPretraining(p.build()).withFineTuning(f.build()).withSeed(seed == null ? d.seed() : seed)
                    .withThreads(threads == null ? d.threads() : threads);
        }

        /** Trains and returns the model. */
        public LlmEdtModel fit(CdsrDataset data) {
            return fitWithDetails(data).model();
        }

        /** Trains and returns the model with the embeddings, augmentation, profiles and stage timings made on the way. */
        public Result fitWithDetails(CdsrDataset data) {
            given("data", data);
            DualPhaseConfig c = config();
            checkCombination(c);
            TrainingListener all = TrainingListener.none();
            for (TrainingListener l : listeners) {
                all = all.andThen(l);
            }
            return new LlmEdtPipeline(c, encoder, template != null ? template : ItemTextTemplate.titles(), embeddings,
                    augmenter != null ? augmenter : augmenterSettings == null ? null : buildAugmenter(c),
                    profiler != null ? profiler : profilerSettings == null ? null : buildProfiler(c), phaseOne, all,
                    progress != null ? progress : ProgressListener.none(), checkpoints).fit(data);
        }

        /**
         * The rules between options, checked here only: {@link LlmEdtPipeline} relies on them (item vectors
         * whenever text is needed, an encoder with a profiler, a profiler only when phase 2 uses its profiles).
         */
        private void checkCombination(DualPhaseConfig c) {
            boolean profiles = profiler != null || profilerSettings != null;
            boolean augments = augmenter != null || augmenterSettings != null;
            boolean text = c.backbone().itemRepresentation().usesText();
            if (profiles && !c.fineTuning().enabled()) {
                throw new IllegalStateException("a profiler is set but fine-tuning is off: profiles are used in phase 2 only");
            }
            if (profiles && c.fineTuning().alignmentWeight() == 0 && !c.fineTuning().profileInScore()) {
                throw new IllegalStateException("a profiler is set but fineTuning has alignmentWeight 0 and profileInScore off: the "
                        + "profiles would not be used");
            }
            if (profiles && encoder == null) {
                throw new IllegalStateException("a profiler is set but no encoder: profiles are embedded by the encoder that made the "
                        + "item embeddings");
            }
            if ((text || augments) && encoder == null && embeddings == null) {
                throw new IllegalStateException((augments ? "the augmenter" : "the " + c.backbone().itemRepresentation().label()
                        + " item representation") + " needs item vectors: set encoder(...) or itemEmbeddings(...)");
            }
            if (generator != null && augmenterSettings == null && profilerSettings == null) {
                throw new IllegalStateException("a generator is set but neither augmenter(settings) nor profiler(settings) is on to use it");
            }
            if (generator != null && augmenterSettings != null && encoder == null) {
                throw new IllegalStateException("the augmenter's generated items are matched to the catalogue by the encoder: set "
                        + "encoder(...) with generator(...)");
            }
        }

        private Augmenter buildAugmenter(DualPhaseConfig c) {
            TransferableItemAugmenter.Builder b = TransferableItemAugmenter.builder().seed(c.seed());
            if (c.threads() != 0) {
                b.threads(c.threads());
            }
            if (generator != null) {
                b.generator(generator, encoder);
            }
            augmenterSettings.accept(b);
            return b.build();
        }

        private Profiler buildProfiler(DualPhaseConfig c) {
            DomainAwareProfiler.Builder b = DomainAwareProfiler.builder().seed(c.seed());
            if (c.threads() != 0) {
                b.threads(c.threads());
            }
            if (generator != null) {
                b.generator(generator);
            }
            profilerSettings.accept(b);
            return b.build();
        }
    }
}
