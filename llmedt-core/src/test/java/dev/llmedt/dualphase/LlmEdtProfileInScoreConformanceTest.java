package dev.llmedt.dualphase;

import dev.llmedt.Recommender;
import dev.llmedt.testing.RecommenderConformance;
import dev.llmedt.testing.SyntheticModels;

/**
 * The recommender contract for a fine-tuned LLM-EDT model that adds the user's projected profile
 * to the score, scoring through a profile source ({@code withProfiles}): full rows, top-k (streamed
 * block by block) and full-ranking evaluation (streamed) agree as for every other recommender.
 */
class LlmEdtProfileInScoreConformanceTest extends RecommenderConformance {

    @Override
    protected Recommender recommender() {
        return SyntheticModels.llmEdtProfileInScore();
    }
}
