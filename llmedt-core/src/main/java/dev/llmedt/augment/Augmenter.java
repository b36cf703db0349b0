package dev.llmedt.augment;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.text.ItemEmbeddings;

/**
 * Augments the training sequences of a cross-domain dataset. Implementations read
 * {@link CdsrDataset#train()} only, never the validation or test cases.
 *
 * @see TransferableItemAugmenter
 */
public interface Augmenter {

    /**
     * Augments the training sequences.
     *
     * @param data the dataset (only its catalog and training sequences are read)
     * @param embeddings one vector per item of {@code data}, in global id order
     * @param progress told about long steps
     * @return the augmented sequences, in {@code data.train()} order, with what was inserted
     * @throws IllegalArgumentException when the embeddings do not fit the dataset
     */
    AugmentedData augment(CdsrDataset data, ItemEmbeddings embeddings, ProgressListener progress);

    /**
     * Augments the training sequences without progress reports.
     *
     * @see #augment(CdsrDataset, ItemEmbeddings, ProgressListener)
     */
    default AugmentedData augment(CdsrDataset data, ItemEmbeddings embeddings) {
        return augment(data, embeddings, ProgressListener.none());
    }
}
