package dev.llmedt.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmedt.augment.TransferableItemAugmenter;
import dev.llmedt.dualphase.BackboneConfig;
import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.dualphase.FineTuningConfig;
import dev.llmedt.dualphase.ItemRepresentation;
import dev.llmedt.profile.DomainAwareProfiler;
import dev.llmedt.sasrec.SasRecConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    void settingsAreWrittenTheSameWayAndReadStrictly() {
        // The augmenter's and profiler's settings go through the same writer as the configurations; the keys
        // files on disk already use stay (tau, kmeans_iterations), enums are written as their labels.
        TransferableItemAugmenter.Settings a = TransferableItemAugmenter.builder().similarityThreshold(0.3).kMeansIterations(7).build()
                .settings();
        Map<String, Object> written = a.toMap();
        assertEquals(0.3, written.get("tau"));
        assertEquals(7, written.get("kmeans_iterations"));
        assertEquals("after-source", written.get("insertion"));
        assertEquals("text", written.get("bridges"));
        assertEquals(List.of("clusters", "tau", "minor_share_threshold", "insertion"), List.copyOf(written.keySet()).subList(0, 4));
        assertEquals(a, TransferableItemAugmenter.Settings.fromMap(written));

        Map<String, Object> p = new HashMap<>(DomainAwareProfiler.Settings.defaults().toMap());
        for (Object[] bad : new Object[][] {{"clusters", "3", "a whole number in int range"}, {"clusters", 3.0e10, "a whole number"},
                {"seed", 1.5, "a whole number"}, {"summarize_template", 5, "text"}, {"summarize_template", true, "text"}}) {
            Map<String, Object> m = new HashMap<>(p);
            m.put((String) bad[0], bad[1]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DomainAwareProfiler.Settings.fromMap(m),
                    bad[0] + "=" + bad[1]);
            assertTrue(e.getMessage().startsWith("profiler setting '" + bad[0] + "' must be " + bad[2]), e.getMessage());
        }
        Map<String, Object> flag = new HashMap<>(written);
        flag.put("inserted_items_are_targets", 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransferableItemAugmenter.Settings.fromMap(flag));
        assertEquals("augmenter setting 'inserted_items_are_targets' must be true or false, got '1'", e.getMessage());
        Map<String, Object> renamed = new HashMap<>(written);
        renamed.put("similarity_threshold", renamed.remove("tau"));
        e = assertThrows(IllegalArgumentException.class, () -> TransferableItemAugmenter.Settings.fromMap(renamed));
        assertTrue(e.getMessage().startsWith("unknown augmenter settings [similarity_threshold]; known: [clusters, tau,"), e.getMessage());
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
