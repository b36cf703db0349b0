package dev.llmedt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmedt.EpochSummary;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.TrainingContext;
import dev.llmedt.TrainingListener;
import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.sasrec.SasRecModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listeners steer a run: stop it, see the selection the trainers install, compose, and checkpoint without losing anything. */
class TrainingListenersTest {

    @Test
    void aListenerStopsTheRunAfterAnEpoch() {
        List<String> calls = new ArrayList<>();
        TrainingListener stopAfterTwo = TrainingListener.onEpoch((context, summary) -> {
            if (summary.epoch() == 2) {
                context.stop("two epochs are enough");
            }
        });
        TrainingListener record = new TrainingListener() {
            @Override
            public void epochFinished(EpochSummary summary) {
                calls.add("epoch " + summary.epoch());
            }

            @Override
            public void trainingFinished(String phase, int epochs, int bestEpoch, String reason) {
                calls.add(phase + " finished after " + epochs + ": " + reason);
            }
        };
        SasRecModel model = ResumeFixtures.trainSasRec(ResumeFixtures.sasrec(12), stopAfterTwo.andThen(record));
        assertEquals(List.of("epoch 1", "epoch 2", "sasrec finished after 2: two epochs are enough"), calls);
        JsonNode training = model.provenance().at("/training");
        assertEquals(2, training.path("epochs").asInt());
        assertEquals("two epochs are enough", training.path("stop_reason").asText());

        SasRecModel twoEpochs = ResumeFixtures.trainSasRec(ResumeFixtures.sasrec(2), TrainingListener.none());
        for (String name : model.tensorNames()) {
            assertArrayEquals(twoEpochs.tensor(name).data(), model.tensor(name).data(), "the same as 2 epochs at most: " + name);
        }
    }

    @Test
    void aListenerStopsEachPhaseOfLlmEdt() {
        DualPhaseConfig config = ResumeFixtures.llmEdt(8, 10);
        List<String> finished = new ArrayList<>();
        TrainingListener stopAfterOne = new TrainingListener() {
            @Override
            public void epochFinished(TrainingContext context, EpochSummary summary) {
                context.stop("one epoch of " + context.phase());
            }

            @Override
            public void trainingFinished(TrainingContext context, String reason) {
                finished.add(reason + ", best epoch " + context.bestEpoch());
            }
        };
        LlmEdtModel model = ResumeFixtures.trainLlmEdt(config, stopAfterOne);
        assertEquals(List.of("one epoch of phase-1, best epoch 1", "one epoch of phase-2, best epoch 0"), finished);
        assertEquals(1, model.provenance().at("/training/phase_2/epochs").asInt());
    }

    @Test
    void theSelectionListenersReproduceTheTrainersSelection() {
        // What the SASRec trainer installs from its configuration (patience 2), given explicitly to a run
        // that never stops on its own (patience 100): the same run.
        SasRecModel installed = ResumeFixtures.trainSasRec(ResumeFixtures.sasrec(12), TrainingListener.none());
        SasRecModel explicit = ResumeFixtures.trainSasRec(ResumeFixtures.sasrec(12).toBuilder().patience(100).build(),
                TrainingListener.earlyStopping(2));
        assertEquals(ResumeFixtures.trace(installed.provenance().at("/training")),
                ResumeFixtures.trace(explicit.provenance().at("/training")));
        for (String name : installed.tensorNames()) {
            assertArrayEquals(installed.tensor(name).data(), explicit.tensor(name).data(), name);
        }
        assertTrue(ResumeFixtures.trace(installed.provenance().at("/training")).endsWith("4 early stopping"));
    }

    @Test
    void andThenCallsBothInOrderAndPassesTheContext() {
        List<String> calls = new ArrayList<>();
        TrainingListener a = new TrainingListener() {
            @Override
            public void trainingStarted(TrainingContext context) {
                calls.add("a started " + context.phase());
            }

            @Override
            public void epochFinished(EpochSummary summary) {
                calls.add("a epoch " + summary.epoch());
            }
        };
        TrainingListener b = new TrainingListener() {
            @Override
            public void epochFinished(TrainingContext context, EpochSummary summary) {
                calls.add("b epoch " + summary.epoch() + " of " + context.epochs().size());
            }

            @Override
            public void batchFinished(String phase, int epoch, int batch, int batches, double loss) {
                if (batch == batches) {
                    calls.add("b last batch " + epoch + "/" + batch);
                }
            }
        };
        ResumeFixtures.trainSasRec(ResumeFixtures.sasrec(1), a.andThen(b));
        assertEquals(List.of("a started sasrec", "b last batch 1/" + ResumeFixtures.BATCHES, "a epoch 1", "b epoch 1 of 1"), calls);
    }

    @Test
    void resumingIsOnlyAllowedAtTheStart(@TempDir Path dir) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ResumeFixtures.trainSasRec(ResumeFixtures.sasrec(1),
                TrainingListener.onEpoch((context, summary) -> context.resumeFrom(dir.resolve("x.ckpt")))));
        assertTrue(e.getMessage().contains("trainingStarted"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainingListener.earlyStopping(0));
        assertThrows(IllegalArgumentException.class, () -> TrainingListener.checkpointing(dir, -1));
    }

    @Test
    void aFailedCheckpointWriteKeepsThePreviousOneAndTrainingGoesOn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sasrec.ckpt");
        Files.writeString(file, "previous checkpoint");
        Path blocked = dir.resolve("a-file");
        Files.writeString(blocked, "not a directory");
        List<Integer> epochs = new ArrayList<>();
        // Every save goes below a plain file: it cannot be written.
        TrainingListener failingSaves = new TrainingListener() {
            @Override
            public void epochFinished(TrainingContext context, EpochSummary summary) {
                epochs.add(summary.epoch());
                context.saveCheckpoint(blocked.resolve("sasrec.ckpt"));
            }
        };
        SasRecModel model = ResumeFixtures.trainSasRec(ResumeFixtures.sasrec(2), failingSaves);
        assertEquals(List.of(1, 2), epochs, "training went on");
        assertEquals(2, model.provenance().at("/training/epochs").asInt());
        assertEquals("previous checkpoint", Files.readString(file));
        try (var left = Files.list(dir)) {
            assertEquals(2, left.count(), "no temporary file left behind");
        }
        assertFalse(Files.exists(blocked.resolve("sasrec.ckpt")));
    }
}
