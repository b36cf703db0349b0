package dev.llmedt.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.Recommender;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.eval.ScoreAgreement;
import dev.llmedt.model.Provenance;
import dev.llmedt.serving.TrainedModel;
import dev.llmedt.testing.SyntheticModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TrainedModel#open} opens an ONNX export through the provider this module registers; the
 * tests run on the module path (see {@link ModulePathTest}), so {@code provides} and {@code uses} are what finds it.
 */
class TrainedModelOpensOnnxTest {

    private static final List<History> HISTORIES = SyntheticModels.DATA.test().stream().map(EvaluationCase::input).toList();

    @Test
    void anExportedSasRecOpensThroughTheProviderAndScoresAsTheJavaModel() throws IOException {
        assertOpensAsJava(Exports.of("sasrec", SyntheticModels.sasrec()), SyntheticModels.sasrec(), "onnx sasrec",
                SyntheticModels.sasrec().domains(), SyntheticModels.sasrec().provenance());
    }

    @Test
    void anExportedLlmEdtOpensThroughTheProviderAndScoresAsTheJavaModel() throws IOException {
        assertOpensAsJava(Exports.of("llm-edt", SyntheticModels.llmEdt()), SyntheticModels.llmEdt(), "onnx llm-edt",
                SyntheticModels.llmEdt().domains(), SyntheticModels.llmEdt().provenance());
    }

    private static void assertOpensAsJava(Path file, Recommender java, String kind, List<Domain> domains, Provenance provenance)
            throws IOException {
        String fingerprint = provenance.datasetFingerprint();
        TrainedModel m = TrainedModel.open(file, 1);
        try (m) {
            assertEquals("dev.llmedt.onnx", m.getClass().getModule().getName(), "opened by this module's provider, on the module path");
            assertEquals(kind, m.kind());
            assertEquals(domains, m.domains());
            assertEquals(fingerprint, m.provenance().datasetFingerprint());
            assertEquals(provenance, m.provenance(), "the export's metadata reads back as the model's typed provenance");
            assertEquals(provenance.phases(), m.provenance().phases());
            assertEquals(64, fingerprint.length());
            for (Domain d : domains) {
                assertTrue(m.scores(d));
                ScoreAgreement agreement = ScoreAgreement.compare(java, m, HISTORIES, d, 1e-4);
                assertEquals(HISTORIES.size(), agreement.users());
                assertTrue(agreement.maxAbsDifference() <= 1e-4, agreement.toString());
            }
        }
        Domain first = domains.get(0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.score(HISTORIES.get(0), first, new float[first.size()]));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        m.close(); // idempotent
    }
}
