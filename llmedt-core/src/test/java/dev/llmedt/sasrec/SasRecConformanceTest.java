package dev.llmedt.sasrec;

import dev.llmedt.Recommender;
import dev.llmedt.testing.RecommenderConformance;
import dev.llmedt.testing.SyntheticModels;

/** The recommender contract for a (mixed-domain) SASRec model. */
class SasRecConformanceTest extends RecommenderConformance {

    @Override
    protected Recommender recommender() {
        return SyntheticModels.sasrec();
    }
}
