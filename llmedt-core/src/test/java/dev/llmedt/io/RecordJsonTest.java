package dev.llmedt.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmedt.dualphase.BackboneConfig;
import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.dualphase.FineTuningConfig;
import dev.llmedt.dualphase.ItemRepresentation;
import dev.llmedt.sasrec.SasRecConfig;
import org.junit.jupiter.api.Test;

/** One JSON style: configurations are written in snake_case and read back from snake_case or (older files) camelCase. */
class RecordJsonTest {

    @Test
    void configurationsAreSnakeCaseAndRoundTrip() throws Exception {
        DualPhaseConfig c = DualPhaseConfig.defaults()
                .withBackbone(BackboneConfig.builder().maxLength(30).layerNormEps(1e-6).itemRepresentation(ItemRepresentation.LLM).build())
                .withFineTuning(FineTuningConfig.builder().alignmentWeight(0.25).domainGate(true).build()).withSeed(9).withThreads(3);
        JsonNode json = c.toJson();
        assertEquals(30, json.at("/backbone/max_length").asInt());
        assertEquals(0.25, json.at("/fine_tuning/alignment_weight").asDouble());
        assertTrue(json.has("select_on_validation"));
        assertFalse(json.toString().matches(".*\"[a-z]+[A-Z][A-Za-z]*\":.*"), "no camelCase key: " + json);
        assertEquals(c, DualPhaseConfig.fromJson(json));
        SasRecConfig s = SasRecConfig.builder().maxLength(20).learningRate(0.002).build();
        assertEquals(s, RecordJson.read(RecordJson.write(s), SasRecConfig.class));
    }

    @Test
    void camelCaseKeysOfOlderFilesStillRead() throws Exception {
        DualPhaseConfig c = DualPhaseConfig.defaults().withSeed(5);
        String camel = new ObjectMapper().valueToTree(c).toString();
        assertTrue(camel.contains("\"maxLength\"") && camel.contains("\"fineTuning\""), camel);
        assertEquals(c, DualPhaseConfig.fromJson(new ObjectMapper().readTree(camel)));
        assertEquals("layer_norm_eps", RecordJson.snake("layerNormEps"));
        assertEquals("valid_ndcg10", RecordJson.snake("validNdcg10"));
        assertEquals("first_item", RecordJson.snake("first_item"));
        com.fasterxml.jackson.databind.node.ObjectNode extra = (com.fasterxml.jackson.databind.node.ObjectNode) c.toJson();
        ((com.fasterxml.jackson.databind.node.ObjectNode) extra.get("backbone")).put("depth", 3);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> DualPhaseConfig.fromJson(extra));
        assertTrue(unknown.getMessage().contains("depth"), unknown.getMessage());
    }
}
