package dev.llmedt.onnx;

import dev.llmedt.Recommender;
import dev.llmedt.testing.RecommenderConformance;
import dev.llmedt.testing.SyntheticModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** The recommender contract for ONNX Runtime, on the exports of a SASRec and of an LLM-EDT model. */
class OnnxRecommenderConformanceTest {

    /** Batches of different shapes round differently in ONNX Runtime's kernels. */
    private static final double TOLERANCE = 1e-5;

    private static OnnxRecommender sasrec;
    private static OnnxRecommender llmEdt;

    private static synchronized OnnxRecommender sasrec() {
        if (sasrec == null) {
            sasrec = OnnxRecommender.builder(Exports.of("sasrec", SyntheticModels.sasrec())).threads(2).build();
        }
        return sasrec;
    }

    private static synchronized OnnxRecommender llmEdt() {
        if (llmEdt == null) {
            llmEdt = OnnxRecommender.builder(Exports.of("llm-edt", SyntheticModels.llmEdt())).threads(2).build();
        }
        return llmEdt;
    }

    @AfterAll
    static synchronized void close() {
        for (OnnxRecommender r : new OnnxRecommender[] {sasrec, llmEdt}) {
            if (r != null) {
                r.close();
            }
        }
    }

    @Nested
    class SasRecExport extends RecommenderConformance {
        @Override
        protected Recommender recommender() {
            return sasrec();
        }

        @Override
        protected double tolerance() {
            return TOLERANCE;
        }
    }

    @Nested
    class LlmEdtExport extends RecommenderConformance {
        @Override
        protected Recommender recommender() {
            return llmEdt();
        }

        @Override
        protected double tolerance() {
            return TOLERANCE;
        }
    }
}
