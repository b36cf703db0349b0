package dev.llmedt.data;

import dev.llmedt.check.Require;
import java.util.Objects;

/**
 * A held-out prediction: the user's input (everything before the target) and the target item.
 *
 * @param source the file (or split) the case came from, such as {@code test.txt}
 * @param user the user id as written in that source
 * @param input the items before the target, oldest first; may be empty
 * @param target the global id of the item to predict
 */
public record EvaluationCase(String source, String user, History input, int target) {

    /** Validates the fields. */
    public EvaluationCase {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(input, "input");
        Require.atLeast("target", target, 0);
    }
}
