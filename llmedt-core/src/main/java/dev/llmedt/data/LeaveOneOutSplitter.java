package dev.llmedt.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The leave-one-out split of time-ordered user sequences, shared by the readers that get raw
 * interactions rather than a published split.
 *
 * <p>A user with {@code n >= 3} items gives a training sequence of the first {@code n - 2} items,
 * a validation case (input = the first {@code n - 2} items, target = item {@code n - 2}, 0-based)
 * and a test case (input = the first {@code n - 1} items, target = item {@code n - 1}). So no
 * training sequence contains a held-out target, and the test input holds the validation target as
 * its last item. A user with 1 or 2 items is too short to evaluate: the whole sequence is kept for
 * training and the user is counted under {@link #TOO_SHORT}.
 *
 * <p>Training sequences carry the source name given to {@link #split}; validation and test cases
 * carry {@code "valid"} and {@code "test"} ({@link Split#label()}).
 */
final class LeaveOneOutSplitter {

    /** The fewest items a user needs to give a validation and a test case. */
    static final int MIN_EVALUATED_LENGTH = 3;

    /** The report reason under which users too short to evaluate are counted. */
    static final String TOO_SHORT = "users too short to evaluate (< 3 items), kept for training only";

    private LeaveOneOutSplitter() {
    }

    /**
     * The split.
     *
     * @param train one training sequence per user, in input order
     * @param valid the validation cases of the users long enough, in input order
     * @param test the test cases, in the same user order as {@code valid}
     * @param tooShort the number of users with fewer than {@link #MIN_EVALUATED_LENGTH} items
     */
    record Result(List<UserSequence> train, List<EvaluationCase> valid, List<EvaluationCase> test, int tooShort) {
    }

    /**
     * Splits users' sequences.
     *
     * @param trainSource the source name of the training sequences (the interactions file name)
     * @param users the user keys, parallel to {@code sequences}
     * @param sequences each user's time-ordered global item ids, oldest first, never empty; the
     *     arrays are not modified and not retained
     * @throws IllegalArgumentException when the lists differ in size or a sequence is empty
     */
    static Result split(String trainSource, List<String> users, List<int[]> sequences) {
        if (users.size() != sequences.size()) {
            throw new IllegalArgumentException(users.size() + " users but " + sequences.size() + " sequences");
        }
        List<UserSequence> train = new ArrayList<>(users.size());
        List<EvaluationCase> valid = new ArrayList<>();
        List<EvaluationCase> test = new ArrayList<>();
        int tooShort = 0;
        String validSource = Split.VALID.label();
        String testSource = Split.TEST.label();
        for (int u = 0; u < users.size(); u++) {
            String user = users.get(u);
            int[] items = sequences.get(u);
            int n = items.length;
            if (n < MIN_EVALUATED_LENGTH) {
                train.add(new UserSequence(trainSource, user, History.wrap(items.clone())));
                tooShort++;
                continue;
            }
            History visible = History.wrap(Arrays.copyOf(items, n - 2));
            train.add(new UserSequence(trainSource, user, visible));
            valid.add(new EvaluationCase(validSource, user, visible, items[n - 2]));
            test.add(new EvaluationCase(testSource, user, History.wrap(Arrays.copyOf(items, n - 1)), items[n - 1]));
        }
        return new Result(train, valid, test, tooShort);
    }
}
