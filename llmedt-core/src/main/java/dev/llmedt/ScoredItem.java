package dev.llmedt;

/**
 * A recommended item and its score (higher is better).
 *
 * @param item global item id
 * @param score the recommender's score
 */
public record ScoredItem(int item, float score) {
}
