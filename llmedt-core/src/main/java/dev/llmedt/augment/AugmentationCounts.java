package dev.llmedt.augment;

import java.util.Map;

/**
 * The counters of one augmentation while it runs: what the generator did, what happened to each
 * candidate and how many users and items were augmented. Each worker fills its own; the workers'
 * counters are then {@linkplain #merge merged} in worker order into one, which gives the
 * {@linkplain #report report}.
 *
 * <p>Only whole counts are kept here. The mean similarities of the report are not: a sum of
 * doubles depends on its order, so they are summed once, over the merged insertions in training
 * order, which keeps the report independent of the thread count.
 *
 * <p>Mutable, not thread-safe: one instance per worker.
 */
final class AugmentationCounts {

    private long usersAugmented;
    private long insertions;
    private long sourceItemsWithoutText;
    private long generatorCalls;
    private long generatorFailures;
    private long unparsableAnswers;
    private long generatedTexts;
    private long generatedTextsBeyondLimit;
    private long candidates;
    private long droppedBelowThreshold;
    private long droppedDuplicates;
    private long droppedInSequence;
    private long droppedByInsertionCap;

    /** Counts a user's distinct source items that have no text. */
    void sourceItemsWithoutText(long items) {
        sourceItemsWithoutText += items;
    }

    /** Counts one prompt sent to the generator. */
    void generatorCall() {
        generatorCalls++;
    }

    /** Counts one prompt whose generation failed. */
    void generatorFailure() {
        generatorFailures++;
    }

    /** Counts one answer in which no suggestion was found. */
    void unparsableAnswer() {
        unparsableAnswers++;
    }

    /** Counts the texts parsed from one answer and those beyond the per-answer limit. */
    void generatedTexts(long texts, long beyondLimit) {
        generatedTexts += texts;
        generatedTextsBeyondLimit += beyondLimit;
    }

    /** Counts one real item proposed as a candidate. */
    void candidate() {
        candidates++;
    }

    /** Counts one candidate dropped because its similarity is below tau. */
    void belowThreshold() {
        droppedBelowThreshold++;
    }

    /** Counts one candidate dropped because it was already proposed for the same user. */
    void duplicate() {
        droppedDuplicates++;
    }

    /** Counts one candidate dropped because the user already has it. */
    void inSequence() {
        droppedInSequence++;
    }

    /** Counts candidates dropped by the cap on insertions per user. */
    void beyondInsertionCap(long dropped) {
        droppedByInsertionCap += dropped;
    }

    /** Counts one user's insertions; a user with at least one is an augmented user. */
    void userInsertions(long inserted) {
        insertions += inserted;
        if (inserted > 0) {
            usersAugmented++;
        }
    }

    /** Adds every counter of {@code other} to this one. */
    void merge(AugmentationCounts other) {
        usersAugmented += other.usersAugmented;
        insertions += other.insertions;
        sourceItemsWithoutText += other.sourceItemsWithoutText;
        generatorCalls += other.generatorCalls;
        generatorFailures += other.generatorFailures;
        unparsableAnswers += other.unparsableAnswers;
        generatedTexts += other.generatedTexts;
        generatedTextsBeyondLimit += other.generatedTextsBeyondLimit;
        candidates += other.candidates;
        droppedBelowThreshold += other.droppedBelowThreshold;
        droppedDuplicates += other.droppedDuplicates;
        droppedInSequence += other.droppedInSequence;
        droppedByInsertionCap += other.droppedByInsertionCap;
    }

    /** Returns one user's counts as {@link BatchAugmenter.UserCounts} (insertions are counted from the user's result). */
    BatchAugmenter.UserCounts userCounts(boolean imbalanced, boolean skippedByCap, int sourceDomain) {
        return new BatchAugmenter.UserCounts(imbalanced, skippedByCap, sourceDomain, sourceItemsWithoutText, generatorCalls, generatorFailures,
                unparsableAnswers, generatedTexts, generatedTextsBeyondLimit, candidates, droppedBelowThreshold, droppedDuplicates,
                droppedInSequence, droppedByInsertionCap);
    }

    /**
     * Returns the report of these counts and of what is measured outside them.
     *
     * @param users training sequences read
     * @param imbalancedUsers users with a domain below the minor-share threshold
     * @param usersSkippedByCap imbalanced users left out by the user cap
     * @param meanSimilarity mean cosine between source and inserted items, NaN when none
     * @param meanMatchSimilarity mean cosine between generated texts and inserted items, NaN offline or when none
     * @throws IllegalArgumentException when the candidates are not all accounted for (see {@link AugmentationReport})
     */
    AugmentationReport report(long users, long imbalancedUsers, long usersSkippedByCap, double meanSimilarity, double meanMatchSimilarity,
            Map<String, Integer> clusters, Map<String, Long> interactionsBefore, Map<String, Long> interactionsAfter, long[] histogramBefore,
            long[] histogramAfter) {
        return new AugmentationReport(users, imbalancedUsers, usersSkippedByCap, usersAugmented, insertions, meanSimilarity,
                meanMatchSimilarity, sourceItemsWithoutText, generatorCalls, generatorFailures, unparsableAnswers, generatedTexts,
                generatedTextsBeyondLimit, candidates, droppedBelowThreshold, droppedDuplicates, droppedInSequence, droppedByInsertionCap,
                clusters, interactionsBefore, interactionsAfter, histogramBefore, histogramAfter);
    }
}
