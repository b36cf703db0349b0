package dev.llmedt.dualphase;

import dev.llmedt.augment.AugmentedData;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.model.Provenance;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.training.TrainingSequences;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link dev.llmedt.dualphase.DualPhaseTrainer} trains on: the dataset, and optionally the item text
 * embeddings (needed by the llm and hybrid item representations), the augmenter's output (phase 1
 * and 2 then train on the augmented sequences) and the training users' profile vectors (phase 2's
 * alignment). Immutable; build it with {@link #of} and the {@code with} methods.
 */
public final class DualPhaseInput {

    private final CdsrDataset data;
    private final ItemEmbeddings itemEmbeddings;
    private final AugmentedData augmented;
    private final ProfileVectors profiles;
    private final LlmEdtModel phaseOne;
    private final ProfileSource profileSource;

    private DualPhaseInput(CdsrDataset data, ItemEmbeddings itemEmbeddings, AugmentedData augmented, ProfileVectors profiles,
            LlmEdtModel phaseOne, ProfileSource profileSource) {
        this.profileSource = profileSource;
        this.data = Objects.requireNonNull(data, "data");
        this.itemEmbeddings = itemEmbeddings;
        this.augmented = augmented;
        this.profiles = profiles;
        this.phaseOne = phaseOne;
    }

    /** Returns an input with the dataset only (the id item representation, no augmentation, no profiles). */
    public static DualPhaseInput of(CdsrDataset data) {
        return new DualPhaseInput(data, null, null, null, null, null);
    }

    /**
     * Returns a copy with item text embeddings.
     *
     * @throws IllegalArgumentException when they do not have one row per item of the dataset
     */
    public DualPhaseInput withItemEmbeddings(ItemEmbeddings embeddings) {
        TextFeatures.check(data.items(), Objects.requireNonNull(embeddings, "embeddings"));
        return new DualPhaseInput(data, embeddings, augmented, profiles, phaseOne, profileSource);
    }

    /**
     * Returns a copy that trains on augmented sequences.
     *
     * @throws IllegalArgumentException when they were not made from this dataset's training sequences
     */
    public DualPhaseInput withAugmentation(AugmentedData augmentedData) {
        new TrainingSequences(data, Objects.requireNonNull(augmentedData, "augmentedData"));
        return new DualPhaseInput(data, itemEmbeddings, augmentedData, profiles, phaseOne, profileSource);
    }

    /**
     * Returns a copy with the training users' profile vectors.
     *
     * @throws IllegalArgumentException when there is not one row per training sequence
     */
    public DualPhaseInput withProfiles(ProfileVectors profileVectors) {
        Objects.requireNonNull(profileVectors, "profileVectors");
        if (profileVectors.size() != data.train().size()) {
            throw new IllegalArgumentException("there are " + profileVectors.size() + " profile vectors for " + data.train().size()
                    + " training sequences of " + data.name());
        }
        return new DualPhaseInput(data, itemEmbeddings, augmented, profileVectors, phaseOne, profileSource);
    }

    /**
     * Returns a copy whose phase 1 is taken from a trained model instead of being trained again
     * (phase 2 then starts from its backbone and item vectors). The model must have been trained
     * on this dataset (same fingerprint) with the same backbone configuration; the trainer checks
     * both.
     */
    public DualPhaseInput withPhaseOne(LlmEdtModel model) {
        Objects.requireNonNull(model, "model");
        String fingerprint = String.valueOf(model.provenance().datasetFingerprint());
        String here = model.provenance().comparableFingerprint(data);
        if (!fingerprint.equals(here)) {
            throw new IllegalArgumentException("the phase-1 model was trained on data with fingerprint " + fingerprint + ", not on "
                    + data.name() + " (" + here + ")");
        }
        if (!model.domains().equals(data.domains())) {
            throw new IllegalArgumentException("the phase-1 model's domains " + model.domains() + " are not " + data.domains());
        }
        return new DualPhaseInput(data, itemEmbeddings, augmented, profiles, model, profileSource);
    }

    /**
     * Returns a copy with the source of validation users' profiles, needed when the configuration
     * puts profiles in the score ({@link FineTuningConfig#profileInScore()}).
     */
    public DualPhaseInput withProfileSource(ProfileSource source) {
        return new DualPhaseInput(data, itemEmbeddings, augmented, profiles, phaseOne, Objects.requireNonNull(source, "source"));
    }

    /** Returns the source of validation users' profiles, if any. */
    public Optional<ProfileSource> profileSource() {
        return Optional.ofNullable(profileSource);
    }

    /** Returns the trained model whose phase 1 is reused, if any. */
    public Optional<LlmEdtModel> phaseOne() {
        return Optional.ofNullable(phaseOne);
    }

    /** Returns the dataset. */
    public CdsrDataset data() {
        return data;
    }

    /** Returns the item text embeddings, if any. */
    public Optional<ItemEmbeddings> itemEmbeddings() {
        return Optional.ofNullable(itemEmbeddings);
    }

    /** Returns the augmented sequences, if any. */
    public Optional<AugmentedData> augmented() {
        return Optional.ofNullable(augmented);
    }

    /** Returns the profile vectors, if any. */
    public Optional<ProfileVectors> profiles() {
        return Optional.ofNullable(profiles);
    }
}
