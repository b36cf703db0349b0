package dev.llmedt.dualphase;

import dev.llmedt.Recommender;
import dev.llmedt.testing.RecommenderConformance;
import dev.llmedt.testing.SyntheticModels;

/** The recommender contract for a fine-tuned LLM-EDT model (global backbone and gated domain threads). */
class LlmEdtConformanceTest extends RecommenderConformance {

    @Override
    protected Recommender recommender() {
        return SyntheticModels.llmEdt();
    }
}
