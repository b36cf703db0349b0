package dev.llmedt.examples.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.dualphase.FineTuningConfig;
import dev.llmedt.dualphase.PretrainingConfig;
import dev.llmedt.examples.LlmEdtFlags;
import dev.llmedt.sasrec.SasRecConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The phase-2 thread flags, and the schedule's halving flags, as train and a study row read them. */
class PhaseTwoFlagsTest {

    @Test
    void theHalvingsFirstEpochReachesPhaseOneAndSasRecAsAScheduleFlag() {
        DualPhaseConfig defaults = DualPhaseConfig.defaults();
        LlmEdtFlags flags = LlmEdtFlags.parse(List.of("--plateau-patience", "3", "--plateau-from", "25", "--max-epochs", "60,30"));
        assertTrue(flags.scheduleOnly(), "a schedule flag, which a SASRec row takes too");
        PretrainingConfig p = flags.config(defaults).pretraining();
        assertEquals(defaults.pretraining().toBuilder().plateauPatience(3).plateauFromEpoch(25).maxEpochs(60).build(), p);
        assertEquals(defaults.fineTuning().toBuilder().maxEpochs(30).build(), flags.config(defaults).fineTuning(),
                "phase 2 keeps its own halving");
        SasRecConfig.Builder sasrec = SasRecConfig.builder();
        LlmEdtFlags.parse(List.of("--plateau-patience", "3", "--plateau-from", "25")).applyTo(sasrec);
        assertEquals(25, sasrec.build().plateauFromEpoch());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LlmEdtFlags.parse(List.of("--plateau-patience", "3", "--plateau-from", "-2")).config(defaults));
        assertTrue(e.getMessage().contains("plateauFromEpoch") && e.getMessage().contains("-2"), e.getMessage());
        // Without a plateau patience no halving comes: --plateau-from alone is refused, not ignored.
        IllegalArgumentException alone = assertThrows(IllegalArgumentException.class,
                () -> LlmEdtFlags.parse(List.of("--plateau-from", "25", "--plateau-patience", "0")).config(defaults));
        assertTrue(alone.getMessage().contains("--plateau-from 25 needs --plateau-patience"), alone.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> LlmEdtFlags.parse(List.of("--plateau-from", "25")).applyTo(SasRecConfig.builder()));
        // From the start (0 or 1) is every configuration's value without the flag: said explicitly, it passes.
        assertEquals(0, LlmEdtFlags.parse(List.of("--plateau-patience", "0", "--plateau-from", "0")).config(defaults).pretraining()
                .plateauFromEpoch());
    }

    @Test
    void frozenThreadFlagsReachTheConfigurationAndMakeAPhaseTwoOnlyRow() {
        DualPhaseConfig defaults = DualPhaseConfig.defaults();
        for (boolean v : new boolean[] {false, true}) {
            FineTuningConfig f = LlmEdtFlags.parse(List.of("--freeze-domain-positions", String.valueOf(v), "--eval-mode-backbone",
                    String.valueOf(!v))).config(defaults).fineTuning();
            assertEquals(v, f.freezeDomainPositions());
            assertEquals(!v, f.evalModeBackbone());
            assertEquals(defaults.fineTuning().toBuilder().freezeDomainPositions(v).evalModeBackbone(!v).build(), f,
                    "nothing else changes");
        }
        FineTuningConfig none = LlmEdtFlags.parse(List.of("--id-dropout", "0.2")).config(defaults).fineTuning();
        assertEquals(defaults.fineTuning(), none, "absent flags keep the defaults");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LlmEdtFlags.parse(List.of("--freeze-domain-positions", "yes")));
        assertTrue(e.getMessage().contains("--freeze-domain-positions"), e.getMessage());

        List<HeadlineStudy.Row> rows = HeadlineStudy.rows(Map.of("frozen", "--freeze-domain-positions true --eval-mode-backbone true",
                "id", "--item-representation id"), Map.of());
        HeadlineStudy.Row frozen = rows.stream().filter(r -> r.label().startsWith("+ frozen")).findFirst().orElseThrow();
        assertNotNull(frozen.spec().phaseOne(), "a phase-2 setting reuses LLM-EDT's phase 1");
        HeadlineStudy.Row id = rows.stream().filter(r -> r.label().startsWith("+ id")).findFirst().orElseThrow();
        assertNull(id.spec().phaseOne(), "an item representation trains its own phase 1");
        assertFalse(frozen.spec().sasrec());
    }
}
