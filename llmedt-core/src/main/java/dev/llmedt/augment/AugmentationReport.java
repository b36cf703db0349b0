package dev.llmedt.augment;

import dev.llmedt.data.DatasetStatistics;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an augmentation did: whom it considered, what it inserted, what it dropped and why, and
 * the domain balance of the training users before and after.
 *
 * <p>Every candidate is accounted for:
 * {@code candidates = insertions + droppedBelowThreshold + droppedDuplicates + droppedInSequence + droppedByInsertionCap}.
 *
 * @param users training sequences read
 * @param imbalancedUsers users with a domain whose share of their items is below the minor-share threshold
 * @param usersSkippedByCap imbalanced users left out by the cap on users augmented
 * @param usersAugmented users that received at least one item
 * @param insertions items inserted
 * @param meanSimilarity mean cosine between source and inserted items ({@code NaN} when nothing was inserted)
 * @param meanMatchSimilarity with a generator, mean cosine between generated texts and the items
 *     inserted for them; {@code NaN} offline or when nothing was inserted
 * @param sourceItemsWithoutText source items skipped because they have no text (a zero vector
 *     has no cosine, so it bridges to nothing); counted per user and item
 * @param generatorCalls prompts sent to the generator
 * @param generatorFailures prompts whose generation failed (the user was left unaugmented for that domain)
 * @param unparsableAnswers answers in which no list item or JSON title could be found
 * @param generatedTexts candidate texts parsed from the answers
 * @param generatedTextsBeyondLimit texts parsed beyond the per-answer limit and ignored
 * @param candidates real items proposed (offline: one per source item; with a generator: one per
 *     parsed text, its nearest real item)
 * @param droppedBelowThreshold candidates whose cosine was below tau (noise)
 * @param droppedDuplicates candidates proposed more than once for the same user
 * @param droppedInSequence candidates the user already has
 * @param droppedByInsertionCap candidates beyond the cap on insertions per user
 * @param clusters per domain name, the number of k-means clusters of its items
 * @param interactionsBefore per domain name, training interactions before augmentation
 * @param interactionsAfter per domain name, training interactions after augmentation
 * @param histogramBefore training users by the share of their majority domain, before
 *     (see {@link DatasetStatistics#majorityShareHistogram()})
 * @param histogramAfter the same after augmentation
 */
public record AugmentationReport(long users, long imbalancedUsers, long usersSkippedByCap, long usersAugmented, long insertions,
        double meanSimilarity, double meanMatchSimilarity, long sourceItemsWithoutText, long generatorCalls, long generatorFailures,
        long unparsableAnswers, long generatedTexts, long generatedTextsBeyondLimit, long candidates, long droppedBelowThreshold,
        long droppedDuplicates, long droppedInSequence, long droppedByInsertionCap, Map<String, Integer> clusters,
        Map<String, Long> interactionsBefore, Map<String, Long> interactionsAfter, long[] histogramBefore, long[] histogramAfter) {

    /** Validates and freezes the fields. */
    public AugmentationReport {
        clusters = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(clusters, "clusters")));
        interactionsBefore = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(interactionsBefore, "interactionsBefore")));
        interactionsAfter = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(interactionsAfter, "interactionsAfter")));
        if (histogramBefore.length != 10 || histogramAfter.length != 10) {
            throw new IllegalArgumentException("histograms have 10 bins, got " + histogramBefore.length + " and " + histogramAfter.length);
        }
        histogramBefore = histogramBefore.clone();
        histogramAfter = histogramAfter.clone();
        long accounted = insertions + droppedBelowThreshold + droppedDuplicates + droppedInSequence + droppedByInsertionCap;
        if (accounted != candidates) {
            throw new IllegalArgumentException("candidates (" + candidates + ") must equal insertions plus drops (" + accounted + ")");
        }
    }

    /** Returns a copy of the histogram before augmentation. */
    @Override
    public long[] histogramBefore() {
        return histogramBefore.clone();
    }

    /** Returns a copy of the histogram after augmentation. */
    @Override
    public long[] histogramAfter() {
        return histogramAfter.clone();
    }

    /** Returns the report as nested maps with snake_case keys, for JSON; {@code NaN} becomes null. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("users", users);
        m.put("imbalanced_users", imbalancedUsers);
        m.put("users_skipped_by_cap", usersSkippedByCap);
        m.put("users_augmented", usersAugmented);
        m.put("insertions", insertions);
        m.put("mean_similarity", finiteOrNull(meanSimilarity));
        m.put("mean_match_similarity", finiteOrNull(meanMatchSimilarity));
        m.put("source_items_without_text", sourceItemsWithoutText);
        Map<String, Object> generator = new LinkedHashMap<>();
        generator.put("calls", generatorCalls);
        generator.put("failures", generatorFailures);
        generator.put("unparsable_answers", unparsableAnswers);
        generator.put("texts", generatedTexts);
        generator.put("texts_beyond_limit", generatedTextsBeyondLimit);
        m.put("generator", generator);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("proposed", candidates);
        c.put("inserted", insertions);
        c.put("below_threshold", droppedBelowThreshold);
        c.put("duplicates", droppedDuplicates);
        c.put("already_in_sequence", droppedInSequence);
        c.put("beyond_insertion_cap", droppedByInsertionCap);
        m.put("candidates", c);
        m.put("clusters", clusters);
        m.put("interactions_before", interactionsBefore);
        m.put("interactions_after", interactionsAfter);
        m.put("majority_domain_share_histogram_before", DatasetStatistics.labelledHistogram(histogramBefore));
        m.put("majority_domain_share_histogram_after", DatasetStatistics.labelledHistogram(histogramAfter));
        return m;
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
