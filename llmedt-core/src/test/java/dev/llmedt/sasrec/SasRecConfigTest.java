package dev.llmedt.sasrec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.dualphase.BackboneConfig;
import dev.llmedt.dualphase.ItemRepresentation;
import dev.llmedt.dualphase.PretrainingConfig;
import org.junit.jupiter.api.Test;

/** SASRec's configuration is a backbone with ID items plus a phase-1 configuration: one place for each rule. */
class SasRecConfigTest {

    @Test
    void isABackboneAndAPhaseOneConfiguration() {
        SasRecConfig c = SasRecConfig.builder().dim(32).heads(2).blocks(3).dropout(0.1).learningRate(3e-3).batchSize(64)
                .maxEpochs(7).patience(3).weightDecay(1e-4).seed(9).threads(2).domain("Food").build();
        BackboneConfig b = c.backbone();
        PretrainingConfig p = c.pretraining();
        assertEquals(ItemRepresentation.ID, b.itemRepresentation());
        assertEquals(0.0, b.idDropout());
        assertEquals(32, b.dim());
        assertEquals(2, b.heads());
        assertEquals(3, b.blocks());
        assertEquals(0.1, b.dropout());
        assertEquals(3e-3, p.learningRate());
        assertEquals(64, p.batchSize());
        assertEquals(7, p.maxEpochs());
        assertEquals(3, p.patience());
        assertEquals(1e-4, p.weightDecay());
        assertEquals(c, SasRecConfig.of(b, p, 9, 2, "Food"));
        assertEquals(c, c.toBuilder().build());
    }

    @Test
    void defaultsAreTheReferenceSettingsOfBothParts() {
        SasRecConfig c = SasRecConfig.defaults();
        BackboneConfig b = BackboneConfig.builder().itemRepresentation(ItemRepresentation.ID).idDropout(0).build();
        PretrainingConfig p = PretrainingConfig.reference();
        assertEquals(SasRecConfig.of(b, p, 42, 0, null), c);
        assertEquals(64, c.dim());
        assertEquals(0.98, c.beta2());
        assertEquals(40, c.maxEpochs());
    }

    @Test
    void refusesABackboneSasRecDoesNotHave() {
        PretrainingConfig p = PretrainingConfig.builder().build();
        IllegalArgumentException hybrid = assertThrows(IllegalArgumentException.class,
                () -> SasRecConfig.of(BackboneConfig.builder().build(), p, 42, 0, null));
        assertTrue(hybrid.getMessage().contains("HYBRID"), hybrid.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SasRecConfig.of(
                BackboneConfig.builder().itemRepresentation(ItemRepresentation.ID).idDropout(0.3).build(), p, 42, 0, null));
    }

    @Test
    void rangeMessagesComeFromTheOnePlaceThatChecksThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SasRecConfig.builder().dim(0));
        assertEquals(messageOf(() -> BackboneConfig.builder().dim(0)),
                e.getMessage());
        assertTrue(e.getMessage().contains("dim") && e.getMessage().contains("[1, 4096]") && e.getMessage().contains("0"), e.getMessage());
        IllegalArgumentException lr = assertThrows(IllegalArgumentException.class,
                () -> new SasRecConfig(64, 2, 1, 50, 0.2, 1e-8, 0, 0.9, 0.98, 1e-8, 0, 128, 40, 10, 0, 42, 0, null));
        assertTrue(lr.getMessage().contains("learningRate"), lr.getMessage());
        IllegalArgumentException threads = assertThrows(IllegalArgumentException.class, () -> SasRecConfig.builder().threads(300));
        assertTrue(threads.getMessage().contains("threads") && threads.getMessage().contains("300"), threads.getMessage());
    }

    private static String messageOf(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }
}
