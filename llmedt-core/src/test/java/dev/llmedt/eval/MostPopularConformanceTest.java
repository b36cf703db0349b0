package dev.llmedt.eval;

import dev.llmedt.Recommender;
import dev.llmedt.testing.RecommenderConformance;
import dev.llmedt.testing.SyntheticModels;

/** The recommender contract for the popularity baseline. */
class MostPopularConformanceTest extends RecommenderConformance {

    private static final MostPopularRecommender POPULAR = MostPopularRecommender.fit(SyntheticModels.DATA.items(),
            SyntheticModels.DATA.train());

    @Override
    protected Recommender recommender() {
        return POPULAR;
    }
}
