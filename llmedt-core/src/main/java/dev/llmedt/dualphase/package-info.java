/**
 * LLM-EDT's model and its dual-phase training (METHOD sections 1 and 3): the item representation
 * (frozen text embeddings, optional PCA, a trainable item adapter, optional learned ID vectors),
 * phase 1 on the (augmented) mixed sequences, phase 2 with per-domain position tables and
 * residual adapters aligned with user profiles, and the trained {@link
 * dev.llmedt.LlmEdtModel}. Start with {@link dev.llmedt.dualphase.LlmEdtTrainer}.
 */
package dev.llmedt.dualphase;
