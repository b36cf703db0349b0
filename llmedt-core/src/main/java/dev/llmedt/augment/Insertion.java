package dev.llmedt.augment;

import dev.llmedt.check.Require;
import java.util.Objects;

/**
 * One item an augmenter inserted into a user's training sequence.
 *
 * @param file the training file (source) of the sequence, as in {@link dev.llmedt.data.UserSequence#source()}
 * @param user the user id as written in that file
 * @param position 0-based index, in the user's ORIGINAL sequence, of the source item: the user's
 *     item the inserted one is most similar to
 * @param sourceItem the global id of the source item
 * @param insertedItem the global id of the inserted item (a real item of another domain)
 * @param similarity cosine between the source and inserted items' embedding vectors
 * @param matchSimilarity with a generator, cosine between the generated text and the inserted item
 *     it was matched to; {@code NaN} offline
 * @param afterPosition index in the original sequence after which the item was placed ({@code -1}:
 *     before the first item); equals {@code position} with {@link InsertionStrategy#AFTER_SOURCE}
 */
public record Insertion(String file, String user, int position, int sourceItem, int insertedItem, float similarity,
        float matchSimilarity, int afterPosition) {

    /** Validates the fields. */
    public Insertion {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(user, "user");
        Require.atLeast("position", position, 0);
        Require.atLeast("afterPosition", afterPosition, -1);
        Require.atLeast("sourceItem", sourceItem, 0);
        Require.atLeast("insertedItem", insertedItem, 0);
    }

    /** Returns whether the inserted item was matched from a generated text. */
    public boolean generated() {
        return !Float.isNaN(matchSimilarity);
    }
}
