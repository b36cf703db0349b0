package dev.llmedt.dualphase;

import dev.llmedt.Recommender;
import dev.llmedt.testing.RecommenderConformance;
import dev.llmedt.testing.SyntheticModels;

/**
 * The recommender contract for the profile-in-score LLM-EDT model used directly, without a profile
 * source: it scores every user as one without a profile, and keeps every rule of the contract.
 */
class LlmEdtProfileInScoreWithoutSourceConformanceTest extends RecommenderConformance {

    @Override
    protected Recommender recommender() {
        return SyntheticModels.llmEdtProfileInScoreModel();
    }
}
