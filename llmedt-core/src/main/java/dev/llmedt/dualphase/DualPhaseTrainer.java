package dev.llmedt.dualphase;

import dev.llmedt.TrainingListener;

/**
 * Trains an LLM-EDT model in two phases (METHOD section 3): phase 1 trains the SASRec backbone and
 * the item representation on the (augmented) mixed training sequences; phase 2 freezes them and
 * trains, per domain, a position table and a residual adapter over the user's domain-only
 * subsequence, aligned with the users' text profiles. Both phases stop early on validation
 * NDCG@10 (full ranking) and keep their best weights.
 *
 * @see LlmEdtTrainer
 */
public interface DualPhaseTrainer {

    /**
     * Trains a model.
     *
     * @param input the dataset and what the language models made of it (item embeddings,
     *     augmented sequences, user profiles)
     * @param listener told about batches, epochs and the end of each phase
     * @return the trained model, with its provenance
     * @throws IllegalArgumentException when the input does not fit the dataset or the configuration
     */
    LlmEdtModel train(DualPhaseInput input, TrainingListener listener);
}
