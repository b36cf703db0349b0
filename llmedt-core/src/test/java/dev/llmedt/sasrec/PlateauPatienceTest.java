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
        List<Epoch> epochs = new ArrayList<>();
        SasRecConfig config = SasRecConfig.builder().dim(16).maxLength(10).batchSize(32).maxEpochs(12).patience(12)
                .learningRate(1e-2).plateauPatience(plateauPatience).seed(3).threads(1).build();
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
    void isOffByDefaultAndCheckedWhereItIsSet() {
        assertEquals(0, PretrainingConfig.defaults().plateauPatience());
        assertEquals(0, SasRecConfig.defaults().plateauPatience());
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
        assertEquals(DualPhaseConfig.defaults().pretraining(), DualPhaseConfig.fromJson(json).pretraining());
    }
}
