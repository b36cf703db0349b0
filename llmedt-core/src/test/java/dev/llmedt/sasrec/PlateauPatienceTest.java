package dev.llmedt.sasrec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.EpochSummary;
import dev.llmedt.TrainingContext;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.dualphase.PretrainingConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Phase 1's (and SASRec's) learning-rate halving on a validation plateau: off by default (the
 * reference's constant rate), and when on, the rate halves after every {@code plateauPatience}
 * epochs without a better validation NDCG@10, never otherwise.
 */
class PlateauPatienceTest {

    private record Epoch(EpochSummary summary, double learningRateAfter) {
    }

    private static List<Epoch> train(CdsrDataset data, int plateauPatience) {
        return train(data, plateauPatience, 0);
    }

    private static List<Epoch> train(CdsrDataset data, int plateauPatience, int fromEpoch) {
        List<Epoch> epochs = new ArrayList<>();
        SasRecConfig config = SasRecConfig.builder().dim(16).maxLength(10).batchSize(32).maxEpochs(12).patience(12)
                .learningRate(1e-2).plateauPatience(plateauPatience).plateauFromEpoch(fromEpoch).seed(3).threads(1).build();
        new SasRecTrainer(config, new TrainingListener() {
            @Override
            public void epochFinished(TrainingContext context, EpochSummary summary) {
                epochs.add(new Epoch(summary, context.learningRate()));
            }
        }).train(data);
        return epochs;
    }

    @Test
    void theRateHalvesAfterEachPlateauAndOnlyThen() {
        CdsrDataset data = SyntheticDataset.generate(new SyntheticDataset.Options(3, 10, 150, 120, 120, 60));
        List<Epoch> halving = train(data, 2);
        double rate = 1e-2;
        int best = 0;
        int halvings = 0;
        for (Epoch e : halving) {
            if (e.summary().best()) {
                best = e.summary().epoch();
            }
            int since = e.summary().epoch() - best;
            if (since > 0 && since % 2 == 0) {
                rate /= 2;
                halvings++;
            }
            assertEquals(rate, e.learningRateAfter(), "learning rate after epoch " + e.summary().epoch() + " (best " + best + ")");
        }
        assertTrue(halvings > 0, "the data gives at least one plateau of 2 epochs in 12: " + halving);

        List<Epoch> constant = train(data, 0);
        for (Epoch e : constant) {
            assertEquals(1e-2, e.learningRateAfter(), "plateauPatience 0 keeps the rate constant");
        }
        // Until the first halving the two runs are the same run.
        int firstHalving = 0;
        while (halving.get(firstHalving).learningRateAfter() == 1e-2) {
            firstHalving++;
        }
        for (int i = 0; i <= firstHalving; i++) {
            assertEquals(constant.get(i).summary().loss(), halving.get(i).summary().loss(), "epoch " + (i + 1) + "'s loss");
        }
        assertTrue(constant.get(firstHalving + 1).summary().loss() != halving.get(firstHalving + 1).summary().loss(),
                "after a halving the runs differ");
    }

    @Test
    void aPlateauCountsOnlyTheEpochsFromTheFirstOneAllowed() {
        CdsrDataset data = SyntheticDataset.generate(new SyntheticDataset.Options(3, 10, 150, 120, 120, 60));
        List<Epoch> fromStart = train(data, 2);
        // From epoch 1 is from the start: the same run, bit for bit.
        List<Epoch> fromOne = train(data, 2, 1);
        for (int i = 0; i < fromStart.size(); i++) {
            assertEquals(fromStart.get(i).summary().loss(), fromOne.get(i).summary().loss(), "epoch " + (i + 1) + "'s loss");
            assertEquals(fromStart.get(i).learningRateAfter(), fromOne.get(i).learningRateAfter(), "epoch " + (i + 1) + "'s rate");
        }
        // With a plateau of one epoch the run from the start halves at its first epoch without a better
        // validation NDCG@10 (epoch 6 on this data); counted from epoch 7, that epoch does not count.
        int from = 7;
        List<Epoch> late = train(data, 1, from);
        double rate = 1e-2;
        int best = 0;
        int halvings = 0;
        for (Epoch e : late) {
            int epoch = e.summary().epoch();
            if (e.summary().best()) {
                best = epoch;
            }
            int since = epoch - Math.max(best, from - 1);
            if (since > 0) {
                rate /= 2;
                halvings++;
            }
            if (epoch < from) {
                assertEquals(1e-2, e.learningRateAfter(), "no halving before the end of epoch " + from + ": epoch " + epoch);
            }
            assertEquals(rate, e.learningRateAfter(), "learning rate after epoch " + epoch + " (best " + best + ", from " + from + ")");
        }
        assertTrue(halvings > 0, "an epoch without a better validation NDCG@10 after epoch 7 of 12: " + late);
        assertTrue(train(data, 1).get(from - 2).learningRateAfter() < 1e-2,
                "the run from the start has halved before epoch " + (from - 1) + ", so the test shows the difference: " + fromStart);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SasRecConfig.builder().plateauFromEpoch(-1));
        assertEquals("plateauFromEpoch must be in [0, 100000], got -1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainingListener.learningRateHalving(2, -1));
    }

    @Test
    void llmEdtHalvesFromEpoch25SasRecKeepsTheReferencesConstantRate() {
        PretrainingConfig llmEdt = DualPhaseConfig.defaults().pretraining();
        assertEquals(3, llmEdt.plateauPatience());
        assertEquals(25, llmEdt.plateauFromEpoch());
        assertEquals(60, llmEdt.maxEpochs());
        PretrainingConfig reference = PretrainingConfig.reference();
        assertEquals(llmEdt.toBuilder().maxEpochs(40).plateauPatience(0).plateauFromEpoch(0).build(), reference,
                "the reference differs in the schedule only");
        assertEquals(reference, SasRecConfig.defaults().pretraining(), "SASRec's defaults are the reference settings");
        assertEquals(0, SasRecConfig.defaults().plateauPatience());
        assertEquals(40, SasRecConfig.defaults().maxEpochs());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SasRecConfig.builder().plateauPatience(-1));
        assertEquals("plateauPatience must be in [0, 100000], got -1", e.getMessage());
        SasRecConfig c = SasRecConfig.builder().plateauPatience(3).build();
        assertEquals(3, c.pretraining().plateauPatience());
        assertEquals(c, c.toBuilder().build());
    }

    @Test
    void configurationsWrittenBeforeTheSettingReadAsAConstantRate() {
        DualPhaseConfig config = DualPhaseConfig.defaults().withPretraining(PretrainingConfig.builder().plateauPatience(3).build());
        ObjectNode json = (ObjectNode) config.toJson();
        assertEquals(3, DualPhaseConfig.fromJson(json).pretraining().plateauPatience());
        ((ObjectNode) json.get("pretraining")).remove("plateau_patience");
        assertEquals(config.pretraining().toBuilder().plateauPatience(0).build(), DualPhaseConfig.fromJson(json).pretraining());
        DualPhaseConfig late = DualPhaseConfig.defaults().withPretraining(PretrainingConfig.builder().plateauPatience(3).plateauFromEpoch(25).build());
        ObjectNode lateJson = (ObjectNode) late.toJson();
        assertEquals(late, DualPhaseConfig.fromJson(lateJson));
        ((ObjectNode) lateJson.get("pretraining")).remove("plateau_from_epoch");
        assertEquals(0, DualPhaseConfig.fromJson(lateJson).pretraining().plateauFromEpoch(), "a file written before the setting");
    }
}
