/**
 * LLM-EDT (METHOD sections 1 and 3): the front door {@link dev.llmedt.dualphase.LlmEdt#builder()},
 * the trained {@link dev.llmedt.dualphase.LlmEdtModel}, and the model and its dual-phase training
 * underneath: the item representation (frozen text embeddings, optional PCA, a trainable item
 * adapter, optional learned ID vectors), phase 1 on the (augmented) mixed sequences, phase 2 with
 * per-domain position tables and residual adapters aligned with user profiles. {@link
 * dev.llmedt.dualphase.LlmEdtTrainer} is the lower-level trainer the front door runs, for callers
 * that bring their own embeddings and profile vectors ({@link dev.llmedt.dualphase.DualPhaseInput}).
 * Like {@code dev.llmedt.sasrec}, it builds on the contracts in {@code dev.llmedt}.
 */
package dev.llmedt.dualphase;
