package dev.llmedt.dualphase;

import dev.llmedt.CheckpointConfig;
import dev.llmedt.TrainingListener;
import dev.llmedt.augment.AugmentedData;
import dev.llmedt.augment.Augmenter;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.History;
import dev.llmedt.data.UserSequence;
import dev.llmedt.profile.Profiler;
import dev.llmedt.profile.UserProfiles;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.TextEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole LLM-EDT data flow on one dataset, as {@link LlmEdt.Builder#fitWithDetails} runs it: item
 * texts to embeddings (or given embeddings), the augmenter over the training sequences, the
 * profiler over the training users' real items (its texts embedded by the same encoder), then the
 * dual-phase trainer (with checkpoints and resume when set). Everything it reads of the evaluation
 * users is their validation cases for early stopping; augmentation reads training sequences only.
 *
 * <p>The options are those the builder resolved and checked ({@code LlmEdt.Builder.checkCombination}
 * holds every rule between them): text is encoded or given whenever the item representation, the
 * augmenter or the profiler needs it, a profiler comes with an encoder, and a profiler is set only
 * when phase 2 uses its profiles.
 *
 * @param config the training configuration, defaults filled in
 * @param encoder the text encoder of item texts (when no embeddings are given) and profiles, or null
 * @param template how items become texts for the encoder
 * @param embeddings item embeddings computed earlier, or null to encode them here (or for none)
 * @param augmenter the augmenter, or null for none
 * @param profiler the profiler of phase 2's alignment (or of the score), or null for none
 * @param phaseOne a trained phase 1 to reuse instead of training it, or null
 * @param listener told about batches, epochs and phases
 * @param progress told about the long steps (encoding, augmenting, profiling)
 * @param checkpoints where both phases are checkpointed and resumed from, or null for none
 */
record LlmEdtPipeline(DualPhaseConfig config, TextEncoder encoder, ItemTextTemplate template, ItemEmbeddings embeddings,
        Augmenter augmenter, Profiler profiler, LlmEdtModel phaseOne, TrainingListener listener, ProgressListener progress,
        CheckpointConfig checkpoints) {

    private static final Logger LOG = LoggerFactory.getLogger(LlmEdtPipeline.class);

    /**
     * Runs the pipeline.
     *
     * @throws IllegalArgumentException when the inputs do not fit the dataset or each other (embeddings of
     *     another catalogue, or made by another encoder than the one given)
     */
    LlmEdt.Result fit(CdsrDataset data) {
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
        if (profiler != null) {
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
        return new LlmEdt.Result(model, emb, augmented, profiles, seconds);
    }
}
