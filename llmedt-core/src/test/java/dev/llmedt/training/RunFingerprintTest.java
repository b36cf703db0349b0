package dev.llmedt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.dualphase.PretrainingConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A checkpoint written before a setting existed resumes when the run has that setting at its earlier behaviour. */
class RunFingerprintTest {

    private static ObjectNode fingerprint(DualPhaseConfig config) {
        ObjectNode f = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        f.set("config", RunFingerprint.configuration(config.toJson()));
        f.put("seed", config.seed());
        return f;
    }

    @Test
    void aSettingTheCheckpointPredatesAgreesOnlyAtTheValueItReadsAs() {
        // A run at the reference's constant rate, recorded before the setting existed.
        DualPhaseConfig constant = DualPhaseConfig.defaults().withPretraining(PretrainingConfig.reference());
        ObjectNode older = fingerprint(constant);
        ((ObjectNode) older.at("/config/pretraining")).remove("plateau_patience");
        assertEquals(List.of(), RunFingerprint.differences(older, fingerprint(constant)));

        DualPhaseConfig halving = constant.withPretraining(PretrainingConfig.reference().toBuilder().plateauPatience(3).build());
        List<String> d = RunFingerprint.differences(older, fingerprint(halving));
        assertEquals(1, d.size(), d.toString());
        assertTrue(d.get(0).contains("/pretraining/plateau_patience (checkpoint: none, this run: 3)"), d.get(0));

        DualPhaseConfig otherRate = constant.withPretraining(PretrainingConfig.reference().toBuilder().learningRate(2e-3).build());
        List<String> rate = RunFingerprint.differences(older, fingerprint(otherRate));
        assertTrue(rate.size() == 1 && rate.get(0).contains("/pretraining/learning_rate") && !rate.get(0).contains("plateau"),
                rate.toString());
    }
}
