package dev.llmedt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.testing.SyntheticModels;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed provenance: what trained models record, what older files give back, and that nothing is lost. */
class ProvenanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aTrainedSasRecModelRecordsItsBuildDataSeedAndPhase() {
        SasRecModel model = SyntheticModels.sasrec();
        Provenance p = model.provenance();
        assertTrue(p.library().startsWith("llmedt "), p.library());
        assertEquals(Provenance.libraryCommit(), p.commit(), "the commit of the build that trained it");
        assertTrue(p.java().contains(System.getProperty("java.version")), p.java());
        assertNotNull(p.created());
        assertTrue(p.created().isBefore(Instant.now().plusSeconds(1)));
        assertEquals(p.json().path("dataset_fingerprint").asText(), p.datasetFingerprint());
        assertTrue(p.recordsCatalog());
        assertEquals(1, p.phases().size());
        Provenance.Phase phase = p.phase("sasrec").orElseThrow();
        JsonNode training = p.json().path("training");
        assertEquals(training.path("epochs").asInt(), phase.epochs());
        assertTrue(phase.epochs() >= 1);
        assertEquals(training.path("best_epoch").asInt(), phase.bestEpoch());
        assertEquals(training.path("best_valid_ndcg10").asDouble(), phase.bestValidNdcg10());
        assertEquals(training.path("stop_reason").asText(), phase.stopReason());
        assertEquals(training.path("median_seconds_per_epoch").asDouble(), phase.medianSecondsPerEpoch());
        assertTrue(phase.medianSecondsPerEpoch() > 0);
        assertFalse(phase.reused());
        assertEquals(phase.bestValidNdcg10(), p.bestValidNdcg10());
        assertTrue(p.config().isEmpty(), "SASRec's configuration is the model file's, not the provenance's");
    }

    @Test
    void anLlmEdtModelRecordsBothPhasesAndItsConfiguration() {
        LlmEdtModel model = SyntheticModels.llmEdt();
        Provenance p = model.provenance();
        assertEquals(List.of("phase_1", "phase_2"), p.phases().stream().map(Provenance.Phase::name).toList());
        assertEquals(model.config().toJson().toString(), p.config().orElseThrow().toString());
        assertEquals(p.json().at("/training/best_valid_ndcg10").asDouble(), p.bestValidNdcg10());
        assertEquals(model.config().seed(), p.seed());
    }

    @Test
    void aSavedModelGivesBackTheSameProvenance(@TempDir Path dir) throws Exception {
        LlmEdtModel model = SyntheticModels.llmEdt();
        Path file = dir.resolve("m.llmedt");
        model.save(file);
        Provenance back = LlmEdtModel.load(file).provenance();
        assertEquals(model.provenance(), back);
        assertEquals(back, Provenance.fromJson(back.json()), "fromJson(json()) is the identity");
    }

    @Test
    void anOlderFileLoadsWithWhatItRecords(@TempDir Path dir) throws Exception {
        // Written before model files recorded the commit and the item catalogue.
        Path file = dir.resolve("sasrec.llmedt");
        try (InputStream in = ProvenanceTest.class.getResourceAsStream("/golden-models/sasrec.llmedt")) {
            Files.copy(in, file);
        }
        Provenance p = SasRecModel.load(file).provenance();
        assertEquals(Optional.empty(), p.commit());
        assertEquals(Optional.empty(), p.catalogFingerprint());
        assertFalse(p.uncommittedChanges());
        assertEquals("llmedt development build", p.library());
        assertNotNull(p.datasetFingerprint());
        assertEquals(1, p.phases().size());
        assertTrue(p.phases().get(0).epochs() >= 1);
    }

    @Test
    void theRecordIsACopyThatCallersCannotChange() {
        ObjectNode recorded = Provenance.start(SyntheticDataset.generate(3), 5, 2);
        Provenance p = Provenance.fromJson(recorded);
        recorded.put("seed", 99);
        assertEquals(5, p.seed());
        assertEquals(5, p.json().path("seed").asLong(), "the record copied the object");
        ((ObjectNode) p.json()).put("seed", 77);
        assertEquals(5, p.json().path("seed").asLong(), "json() hands out copies");
        assertThrows(UnsupportedOperationException.class, () -> p.phases().add(null));
    }

    @Test
    void missingOrMalformedFieldsAreAbsentNotErrors() throws Exception {
        Provenance empty = Provenance.fromJson(null);
        assertEquals(Optional.empty(), empty.commit());
        assertEquals(List.of(), empty.phases());
        assertTrue(Double.isNaN(empty.bestValidNdcg10()));
        Provenance odd = Provenance.fromJson(JSON.readTree("{\"created\":\"yesterday\",\"seed\":3,\"training\":7}"));
        assertEquals(null, odd.created());
        assertEquals(3, odd.seed());
        assertEquals(List.of(), odd.phases());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Provenance.fromJson(JSON.readTree("[1]")));
        assertTrue(e.getMessage().contains("ARRAY"), e.getMessage());
    }
}
