package dev.llmedt.augment;

import dev.llmedt.data.History;
import dev.llmedt.data.UserSequence;
import java.util.Objects;

/**
 * One user's training sequence after augmentation: the items (original and inserted, in order)
 * and which positions hold inserted items, so that training can use those as context only.
 *
 * <p>Immutable.
 */
public final class AugmentedSequence {

    private final String source;
    private final String user;
    private final History items;
    private final boolean[] inserted;
    private final int insertedCount;
    private final boolean insertedAreTargets;
    private final float insertedTargetWeight;

    AugmentedSequence(String source, String user, History items, boolean[] inserted, boolean insertedAreTargets) {
        this(source, user, items, inserted, insertedAreTargets, 1f);
    }

    AugmentedSequence(String source, String user, History items, boolean[] inserted, boolean insertedAreTargets, float insertedTargetWeight) {
        this.source = Objects.requireNonNull(source, "source");
        this.user = Objects.requireNonNull(user, "user");
        this.items = Objects.requireNonNull(items, "items");
        if (inserted.length != items.length()) {
            throw new IllegalArgumentException("inserted flags (" + inserted.length + ") do not match the " + items.length() + " items");
        }
        this.inserted = inserted.clone();
        int n = 0;
        for (boolean b : inserted) {
            if (b) {
                n++;
            }
        }
        this.insertedCount = n;
        this.insertedAreTargets = insertedAreTargets;
        this.insertedTargetWeight = insertedTargetWeight;
    }

    /** Returns an unaugmented sequence. */
    static AugmentedSequence unchanged(UserSequence s, boolean insertedAreTargets, float insertedTargetWeight) {
        return new AugmentedSequence(s.source(), s.user(), s.items(), new boolean[s.length()], insertedAreTargets, insertedTargetWeight);
    }

    /** Returns the training file the sequence comes from. */
    public String source() {
        return source;
    }

    /** Returns the user id as written in that file. */
    public String user() {
        return user;
    }

    /** Returns the items, original and inserted, oldest first. */
    public History items() {
        return items;
    }

    /** Returns the number of items, inserted ones included. */
    public int length() {
        return items.length();
    }

    /** Returns whether the item at a position was inserted by the augmenter. */
    public boolean isInserted(int position) {
        return inserted[position];
    }

    /** Returns the number of inserted items. */
    public int insertedCount() {
        return insertedCount;
    }

    /**
     * Returns whether the item at a position may serve as a training target: every original item,
     * and inserted items only when the augmenter was configured so
     * ({@link TransferableItemAugmenter.Builder#insertedItemsAreTargets}).
     */
    public boolean isTrainingTarget(int position) {
        return !inserted[position] || insertedAreTargets;
    }

    /**
     * Returns the weight of the training loss at a position whose target is the item there: 0 when
     * it is no {@linkplain #isTrainingTarget training target}, the augmenter's
     * {@linkplain TransferableItemAugmenter.Builder#insertedTargetWeight inserted-target weight} for
     * an inserted item that is one (default 1), 1 for an original item.
     */
    public float targetWeight(int position) {
        if (!isTrainingTarget(position)) {
            return 0;
        }
        return inserted[position] ? insertedTargetWeight : 1;
    }

    /** Returns the augmented sequence as a plain {@link UserSequence} (same file and user). */
    public UserSequence toUserSequence() {
        return new UserSequence(source, user, items);
    }

    @Override
    public String toString() {
        return "AugmentedSequence[" + source + " " + user + ", " + items.length() + " items, " + insertedCount + " inserted]";
    }
}
