package dev.llmedt.engine;

import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import java.util.List;

/**
 * A recommender that can stream its scores block by block of items ({@link TopKScoring#scoreBlocks}),
 * bit for bit the scores of its {@code scoreBatch}, so that callers that need one pass over the
 * scores (top-k, full-ranking evaluation) never store a user's full score row. Module-internal.
 */
public interface BlockScorer {

    /**
     * Scores the target domain for each history: each history's pinned item first (local index in
     * {@code pinned}, -1 for none; null for no pinned items), then every item block by block, to
     * the sink with the history's index in {@code histories}.
     *
     * @throws IllegalArgumentException as {@code scoreBatch} (a domain it cannot score, unknown items)
     */
    void scoreBlocks(List<History> histories, Domain target, int[] pinned, TopKScoring.Sink sink);
}
