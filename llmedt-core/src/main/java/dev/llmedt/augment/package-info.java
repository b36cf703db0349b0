/**
 * The transferable item augmenter of LLM-EDT (METHOD.md section 2): for users whose training
 * history sits almost entirely in one domain, it finds real items of the other domain that bridge
 * from their behaviour (through a language model's suggestions, or offline through item embedding
 * similarity), keeps those above a similarity threshold, and inserts each right after the user's
 * item it is most similar to.
 *
 * <p>Entry points: {@link dev.llmedt.augment.Augmenter} and its implementation
 * {@link dev.llmedt.augment.TransferableItemAugmenter}; the result is
 * {@link dev.llmedt.augment.AugmentedData} (augmented sequences with their inserted positions
 * marked, the {@link dev.llmedt.augment.Insertion}s and an
 * {@link dev.llmedt.augment.AugmentationReport}). Only training sequences are ever read.
 */
package dev.llmedt.augment;
