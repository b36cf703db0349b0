package dev.llmedt.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.Recommender;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.eval.ScoreAgreement;
import dev.llmedt.testing.SyntheticModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Exported synthetic models score as their Java models on every held-out user and on edge-case histories. */
class ExportParityTest {

    private static final Logger LOG = LoggerFactory.getLogger(ExportParityTest.class);
    private static final double TOLERANCE = 1e-4;

    /** Every valid and test input, plus the empty history, one-domain histories and ones far longer than the window. */
    static List<History> histories() {
        List<History> out = new ArrayList<>();
        for (EvaluationCase c : SyntheticModels.DATA.valid()) {
            out.add(c.input());
        }
        for (EvaluationCase c : SyntheticModels.DATA.test()) {
            out.add(c.input());
        }
        out.add(History.empty());
        for (Domain d : SyntheticModels.DATA.domains()) {
            out.add(History.of(d.firstItem()));
            out.add(History.of(d.firstItem() + 3, d.firstItem() + 1, d.firstItem() + 3));
        }
        List<EvaluationCase> test = SyntheticModels.DATA.test();
        for (int u = 0; u + 4 < test.size(); u += 5) {
            List<Integer> items = new ArrayList<>();
            for (int j = u; j < u + 5; j++) {
                for (int item : test.get(j).input().toArray()) {
                    items.add(item);
                }
            }
            out.add(History.of(items.stream().mapToInt(Integer::intValue).toArray()));
        }
        return out;
    }

    private static void check(String name, Recommender java, Object model, List<Domain> domains) {
        Path file = Exports.of(name, model);
        List<History> histories = histories();
        try (OnnxRecommender onnx = OnnxRecommender.builder(file).threads(2).batchSize(64).build()) {
            for (Domain d : domains) {
                ScoreAgreement r = ScoreAgreement.compare(java, onnx, histories, d, TOLERANCE);
                LOG.info("parity of the synthetic {} model, domain {}: {}", name, d.name(), r);
                assertTrue(r.maxAbsDifference() <= TOLERANCE, name + " " + d + ": " + r);
                assertEquals(r.users(), r.sameTop10TiesAside(), name + " " + d + ": " + r);
            }
        }
    }

    @Test
    void mixedSasRec() {
        check("sasrec", SyntheticModels.sasrec(), SyntheticModels.sasrec(), SyntheticModels.DATA.domains());
    }

    @Test
    void singleDomainSasRec() {
        check("sasrec-kitchen", SyntheticModels.sasrecKitchen(), SyntheticModels.sasrecKitchen(),
                List.of(SyntheticModels.DATA.domain("Kitchen")));
    }

    @Test
    void llmEdtWithGatedDomainThreads() {
        check("llm-edt", SyntheticModels.llmEdt(), SyntheticModels.llmEdt(), SyntheticModels.DATA.domains());
    }

    @Test
    void llmEdtWithOneDomainThreadDropped() {
        LlmEdtModel model = SyntheticModels.llmEdtWithoutFoodThread();
        assertTrue(!model.usesDomainThread(SyntheticModels.DATA.domain("Food")) && model.usesDomainThread(SyntheticModels.DATA.domain("Kitchen")));
        check("llm-edt-without-food-thread", model, model, SyntheticModels.DATA.domains());
    }

    @Test
    void llmEdtWithUngatedDomainThreads() {
        check("llm-edt-ungated", SyntheticModels.llmEdtUngated(), SyntheticModels.llmEdtUngated(), SyntheticModels.DATA.domains());
    }

    @Test
    void llmEdtWithAnOutputProjection() {
        LlmEdtModel model = SyntheticModels.llmEdtWithOutputProjection();
        assertTrue(model.config().backbone().outputProjection());
        check("llm-edt-output-projection", model, model, SyntheticModels.DATA.domains());
    }

    @Test
    void llmEdtPhaseOneOnly() {
        check("llm-edt-phase-1", SyntheticModels.llmEdtPhaseOne(), SyntheticModels.llmEdtPhaseOne(), SyntheticModels.DATA.domains());
    }
}
