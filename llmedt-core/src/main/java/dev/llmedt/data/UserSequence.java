package dev.llmedt.data;

import java.util.Objects;

/**
 * One user's time-ordered, mixed-domain training sequence.
 *
 * @param source the file (or split) the sequence was read from, such as {@code train_A.txt}
 * @param user the user id as written in that source; unique within the source only
 * @param items the items, oldest first, never empty
 */
public record UserSequence(String source, String user, History items) {

    /** Validates the fields. */
    public UserSequence {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(items, "items");
        if (items.isEmpty()) {
            throw new IllegalArgumentException("the sequence of user '" + user + "' in " + source + " is empty");
        }
    }

    /** Returns the number of items. */
    public int length() {
        return items.length();
    }
}
