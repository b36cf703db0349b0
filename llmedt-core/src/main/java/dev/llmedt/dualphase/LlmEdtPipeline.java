package dev.llmedt.dualphase;

import dev.llmedt.augment.Augmenter;
import dev.llmedt.CheckpointConfig;
import dev.llmedt.LlmEdtModel;
import dev.llmedt.profile.Profiler;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.TrainingListener;
import dev.llmedt.augment.AugmentedData;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.History;
import dev.llmedt.data.UserSequence;
import dev.llmedt.profile.UserProfiles;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.TextEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole LLM-EDT data flow on one dataset: item texts to embeddings (or given embeddings), the
 * augmenter over the training sequences, the profiler over the training users' real items (its
 * texts embedded by the same encoder), then the dual-phase trainer. Everything it reads of the
 * evaluation users is their validation cases for early stopping; augmentation reads training
 * sequences only.
 */
public final class LlmEdtPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(LlmEdtPipeline.class);

    private final DualPhaseConfig config;
    private final TextEncoder encoder;
    private final ItemTextTemplate template;
    private final ItemEmbeddings embeddings;
    private final Augmenter augmenter;
    private final Profiler profiler;
    private final LlmEdtModel phaseOne;
    private final TrainingListener listener;
    private final ProgressListener progress;
    private final CheckpointConfig checkpoints;

    private LlmEdtPipeline(Builder b) {
        this.config = b.config;
        this.encoder = b.encoder;
        this.template = b.template;
        this.embeddings = b.embeddings;
        this.augmenter = b.augmenter;
        this.profiler = b.profiler;
        this.phaseOne = b.phaseOne;
        this.listener = b.listener;
        this.progress = b.progress;
        this.checkpoints = b.checkpoints;
    }

    /** Returns a builder with the default configuration, no augmenter and no encoder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What a run produced: the model and the intermediate results (for reports and reuse).
     *
     * @param model the trained model
     * @param embeddings the item text embeddings, or null with the id representation and no encoder
     * @param augmented the augmented training data, or null without augmenter
     * @param profiles the training users' profiles (in {@code data.train()} order), or null without profiler
     * @param seconds wall-clock seconds per step ({@code encode}, {@code augment}, {@code profile}, {@code train})
     */
    public record Result(LlmEdtModel model, ItemEmbeddings embeddings, AugmentedData augmented, UserProfiles profiles,
            Map<String, Double> seconds) {
    }

    /**
     * Runs the pipeline.
     *
     * @throws IllegalArgumentException when the inputs do not fit the dataset or each other
     */
    public Result fit(CdsrDataset data) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        ItemEmbeddings emb = embeddings;
        if (emb == null && encoder != null) {
            emb = ItemEmbeddings.encode(data.items(), encoder, template, progress);
            seconds.put("encode", (System.nanoTime() - t0) / 1e9);
        }
        if (emb != null && encoder != null && !emb.modelId().equals(encoder.modelId())) {
            throw new IllegalArgumentException("the item embeddings were made by encoder '" + emb.modelId() + "' but the encoder given is '"
                    + encoder.modelId() + "': use one encoder for items and profiles");
        }
        boolean needsText = config.backbone().itemRepresentation().usesText();
        if (emb == null && (needsText || augmenter != null || usesProfiles())) {
            throw new IllegalArgumentException("the " + config.backbone().itemRepresentation().label() + " item representation"
                    + (augmenter != null ? ", the augmenter" : "") + (usesProfiles() ? ", the profiler" : "")
                    + " need item embeddings: give an encoder or embeddings");
        }
        if (usesProfiles() && encoder == null) {
            throw new IllegalArgumentException("profiles are embedded by the text encoder: give an encoder (the one that made the item "
                    + "embeddings), or no profiler");
        }
        DualPhaseInput input = DualPhaseInput.of(data);
        if (phaseOne != null) {
            input = input.withPhaseOne(phaseOne);
        }
        if (emb != null) {
            input = input.withItemEmbeddings(emb);
        }
        AugmentedData augmented = null;
        if (augmenter != null) {
            long t = System.nanoTime();
            augmented = augmenter.augment(data, emb, progress);
            seconds.put("augment", (System.nanoTime() - t) / 1e9);
            input = input.withAugmentation(augmented);
        }
        UserProfiles profiles = null;
        if (usesProfiles()) {
            long t = System.nanoTime();
            boolean inScore = config.fineTuning().profileInScore();
            List<History> visible = new ArrayList<>(data.train().size());
            for (UserSequence s : data.train()) {
                // The real items only: inserted items are guesses, not what the user did. With the profile in the score, all
                // but the last, which phase 2 then predicts with it (a profile never holds the target it helps to predict).
                visible.add(inScore ? s.items().prefix(s.length() - 1) : s.items());
            }
            profiles = profiler.profile(data.items(), emb, visible, progress);
            seconds.put("profile", (System.nanoTime() - t) / 1e9);
            t = System.nanoTime();
            float[][] vectors = profiles.embed(encoder, 256, progress);
            seconds.put("embed_profiles", (System.nanoTime() - t) / 1e9);
            Map<String, Object> provenance = new LinkedHashMap<>(profiles.provenance());
            provenance.put("report", profiles.report().toMap());
            provenance.put("visible", inScore ? "all real items but the last" : "all real items");
            input = input.withProfiles(new ProfileVectors(vectors, encoder.modelId(), provenance));
            if (inScore) {
                input = input.withProfileSource(ProfileSource.of(profiler, data.items(), emb, encoder));
            }
        }
        long t = System.nanoTime();
        TrainingListener training = checkpoints == null ? listener : listener.andThen(TrainingListener.checkpointing(checkpoints));
        LlmEdtModel model = new LlmEdtTrainer(config).train(input, training);
        seconds.put("train", (System.nanoTime() - t) / 1e9);
        LOG.info("LLM-EDT on {} in {} s: {}", data.name(), String.format("%.1f", (System.nanoTime() - t0) / 1e9), seconds);
        return new Result(model, emb, augmented, profiles, seconds);
    }

    /** Whether profiles are made: a profiler, phase 2 on, and a positive alignment weight or profiles in the score. */
    private boolean usesProfiles() {
        return profiler != null && config.fineTuning().enabled()
                && (config.fineTuning().alignmentWeight() > 0 || config.fineTuning().profileInScore());
    }

    /** A builder; each setter checks its value at once, {@link #build} the combination. */
    public static final class Builder {
        private DualPhaseConfig config = DualPhaseConfig.defaults();
        private TextEncoder encoder;
        private ItemTextTemplate template = ItemTextTemplate.titles();
        private ItemEmbeddings embeddings;
        private Augmenter augmenter;
        private Profiler profiler;
        private LlmEdtModel phaseOne;
        private TrainingListener listener = TrainingListener.none();
        private ProgressListener progress = ProgressListener.none();
        private CheckpointConfig checkpoints;

        private Builder() {
        }

        /** The configuration (default {@link DualPhaseConfig#defaults()}). */
        public Builder config(DualPhaseConfig c) {
            config = Objects.requireNonNull(c, "config");
            return this;
        }

        /** The text encoder for item texts (when no embeddings are given) and profiles; callers cache it. */
        public Builder encoder(TextEncoder e) {
            encoder = Objects.requireNonNull(e, "encoder");
            return this;
        }

        /** How items become texts for the encoder (default: the title). */
        public Builder itemTemplate(ItemTextTemplate t) {
            template = Objects.requireNonNull(t, "template");
            return this;
        }

        /** Item embeddings computed earlier (from {@code encode}) instead of encoding here. */
        public Builder itemEmbeddings(ItemEmbeddings e) {
            embeddings = Objects.requireNonNull(e, "embeddings");
            return this;
        }

        /** The augmenter, or null for none (default: none). */
        public Builder augmenter(Augmenter a) {
            augmenter = a;
            return this;
        }

        /**
         * The profiler of phase 2's alignment, or null for none (default: none). It sees each
         * training user's real items; its texts are embedded by the {@linkplain #encoder encoder}.
         */
        public Builder profiler(Profiler p) {
            profiler = p;
            return this;
        }

        /**
         * Reuses phase 1 of a model trained on the same data and backbone instead of training it
         * (phase 2 alone; for ablations of phase 2), or null to train it (default).
         */
        public Builder phaseOne(LlmEdtModel model) {
            phaseOne = model;
            return this;
        }

        /** Told about batches, epochs and phases (default: nothing). */
        public Builder listener(TrainingListener l) {
            listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /**
         * Checkpoints both training phases in a directory and resumes from the ones there, or null
         * for none (default: none). The inputs of phase 1 (item embeddings, PCA, augmentation,
         * profiles) are computed again on a resume: they are deterministic, and the checkpoints'
         * fingerprints refuse a resume when they differ.
         */
        public Builder checkpoints(CheckpointConfig c) {
            checkpoints = c;
            return this;
        }

        /** Told about long steps (encoding, augmenting). */
        public Builder progress(ProgressListener p) {
            progress = Objects.requireNonNull(p, "progress");
            return this;
        }

        /** Builds the pipeline. */
        public LlmEdtPipeline build() {
            return new LlmEdtPipeline(this);
        }
    }
}
