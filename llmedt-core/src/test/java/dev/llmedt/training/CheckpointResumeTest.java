package dev.llmedt.training;

import static dev.llmedt.training.ResumeFixtures.BATCHES;
import static dev.llmedt.training.ResumeFixtures.assertSameTensors;
import static dev.llmedt.training.ResumeFixtures.crashAt;
import static dev.llmedt.training.ResumeFixtures.tensors;
import static dev.llmedt.training.ResumeFixtures.trace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmedt.CheckpointConfig;
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

/**
 * Checkpoints written during a run, the run crashed (an exception from a listener), and resumed in
 * the same JVM: the resumed run ends with the weights, epochs, best epoch and stop reason of the
 * run that was never interrupted, bit for bit, whether it resumes mid-epoch or at an epoch end,
 * in SASRec, LLM-EDT's phase 1 or phase 2 (after learning-rate halvings).
 */
class CheckpointResumeTest {

    /** Records which (phase, epoch, batch) a run trained. */
    private static TrainingListener batches(List<String> seen) {
        return new TrainingListener() {
            @Override
            public void batchFinished(TrainingContext context, int batch, int batches, double loss) {
                seen.add(context.phase() + " " + context.epoch() + "/" + batch);
            }
        };
    }

    @Test
    void sasRecResumedAtAnEpochEndAndMidEpochEndsAsTheUninterruptedRun(@TempDir Path dir) {
        SasRecModel reference = ResumeFixtures.trainSasRec(ResumeFixtures.sasrec(12), TrainingListener.none());
        CheckpointConfig checkpoints = new CheckpointConfig(dir, 3);
        TrainingListener save = TrainingListener.checkpointing(checkpoints);
        assertThrows(ResumeFixtures.SimulatedCrash.class,
                () -> ResumeFixtures.trainSasRec(ResumeFixtures.sasrec(12), crashAt("sasrec", 3, 2).andThen(save)));
        JsonNode header = CheckpointFile.read(checkpoints.file("sasrec")).header();
        assertEquals(2, header.path("epoch").asInt());
        assertFalse(header.path("in_epoch").asBoolean(), "the last checkpoint is epoch 2's end");

        List<String> seen = new ArrayList<>();
        assertThrows(ResumeFixtures.SimulatedCrash.class, () -> ResumeFixtures.trainSasRec(ResumeFixtures.sasrec(12),
                batches(seen).andThen(crashAt("sasrec", 5, 8)).andThen(save)));
        assertEquals("sasrec 3/1", seen.get(0), "resumed at the start of epoch 3");
        header = CheckpointFile.read(checkpoints.file("sasrec")).header();
        assertEquals(5, header.path("epoch").asInt());
        assertTrue(header.path("in_epoch").asBoolean());
        assertEquals(6, header.path("batches_done").asInt(), "the last checkpoint is after batch 6 of epoch 5");

        seen.clear();
        SasRecModel resumed = ResumeFixtures.trainSasRec(ResumeFixtures.sasrec(12), batches(seen).andThen(save));
        assertEquals("sasrec 5/7", seen.get(0), "resumed after batch 6 of epoch 5");
        assertEquals(BATCHES - 6 + BATCHES, seen.size(), "the rest of epoch 5 and epoch 6");
        assertEquals(trace(reference.provenance().at("/training")), trace(resumed.provenance().at("/training")));
        assertTrue(trace(resumed.provenance().at("/training")).endsWith("4 early stopping"));
        assertSameTensors(reference.tensorNames(), reference::tensor, tensors(resumed.tensorNames(), resumed::tensor));

        seen.clear();
        SasRecModel again = ResumeFixtures.trainSasRec(ResumeFixtures.sasrec(12), batches(seen).andThen(save));
        assertTrue(seen.isEmpty(), "a finished checkpoint: nothing is trained again");
        assertEquals(trace(reference.provenance().at("/training")), trace(again.provenance().at("/training")));
        assertSameTensors(reference.tensorNames(), reference::tensor, tensors(again.tensorNames(), again::tensor));
    }

    @Test
    void llmEdtResumedInPhaseOneAndInPhaseTwoEndsAsTheUninterruptedRun(@TempDir Path dir) {
        // phase 2 with trained position tables (the default before frozen domain threads), whose run has the halvings this
        // test needs; the frozen threads (the default) resume exactly in llmEdtWithTheDefaultIdDropoutResumesExactly
        DualPhaseConfig planned = ResumeFixtures.llmEdt(8, 10);
        DualPhaseConfig config = planned.withFineTuning(planned.fineTuning().toBuilder().freezeDomainPositions(false)
                .evalModeBackbone(false).build());
        LlmEdtModel reference = ResumeFixtures.trainLlmEdt(config, TrainingListener.none());
        TrainingListener save = TrainingListener.checkpointing(dir, 4);
        assertThrows(ResumeFixtures.SimulatedCrash.class, () -> ResumeFixtures.trainLlmEdt(config, crashAt("phase-1", 3, 6).andThen(save)));
        List<String> seen = new ArrayList<>();
        // Phase 2 crashes in epoch 4, after two halvings of the learning rate (epochs 1 and 2 did not improve).
        assertThrows(ResumeFixtures.SimulatedCrash.class,
                () -> ResumeFixtures.trainLlmEdt(config, batches(seen).andThen(crashAt("phase-2", 4, 10)).andThen(save)));
        assertEquals("phase-1 3/5", seen.get(0), "phase 1 resumed after batch 4 of epoch 3");
        JsonNode header = CheckpointFile.read(dir.resolve("phase-2.ckpt")).header();
        assertEquals(2, header.path("learning_rate_changes").asInt());
        assertEquals(8, header.path("batches_done").asInt());
        assertEquals("finished", CheckpointFile.read(dir.resolve("phase-1.ckpt")).header().path("status").asText());

        seen.clear();
        LlmEdtModel resumed = ResumeFixtures.trainLlmEdt(config, batches(seen).andThen(save));
        assertEquals("phase-2 4/9", seen.get(0), "phase 1 is not trained again; phase 2 resumed after batch 8 of epoch 4");
        JsonNode expected = reference.provenance().at("/training");
        JsonNode actual = resumed.provenance().at("/training");
        assertEquals(trace(expected.path("phase_1")), trace(actual.path("phase_1")));
        assertEquals(trace(expected.path("phase_2")), trace(actual.path("phase_2")));
        assertEquals(5, actual.path("phase_2").path("learning_rate_halvings").asInt());
        assertEquals(expected.path("phase_2").path("initial_valid_ndcg10").asDouble(),
                actual.path("phase_2").path("initial_valid_ndcg10").asDouble());
        assertEquals(expected.path("phase_1").path("training_sequences"), actual.path("phase_1").path("training_sequences"));
        assertSameTensors(reference.tensorNames(), reference::tensor, tensors(resumed.tensorNames(), resumed::tensor));
        assertTrue(Files.exists(dir.resolve("phase-2.ckpt")));
    }

    @Test
    void llmEdtWithTheDefaultIdDropoutResumesExactly(@TempDir Path dir) {
        // ID dropout draws its masks per step: a resumed run must draw the same masks from the batch it resumes at.
        DualPhaseConfig config = ResumeFixtures.llmEdt(4, 3, 0.4);
        LlmEdtModel reference = ResumeFixtures.trainLlmEdt(config, TrainingListener.none());
        TrainingListener save = TrainingListener.checkpointing(dir, 4);
        assertThrows(ResumeFixtures.SimulatedCrash.class, () -> ResumeFixtures.trainLlmEdt(config, crashAt("phase-1", 2, 6).andThen(save)));
        List<String> seen = new ArrayList<>();
        assertThrows(ResumeFixtures.SimulatedCrash.class,
                () -> ResumeFixtures.trainLlmEdt(config, batches(seen).andThen(crashAt("phase-2", 2, 6)).andThen(save)));
        assertEquals("phase-1 2/5", seen.get(0), "phase 1 resumed after batch 4 of epoch 2");
        seen.clear();
        LlmEdtModel resumed = ResumeFixtures.trainLlmEdt(config, batches(seen).andThen(save));
        assertEquals("phase-2 2/5", seen.get(0), "phase 2 resumed after batch 4 of epoch 2");
        assertEquals(0.4, resumed.config().backbone().idDropout());
        assertEquals(trace(reference.provenance().at("/training/phase_1")), trace(resumed.provenance().at("/training/phase_1")));
        assertEquals(trace(reference.provenance().at("/training/phase_2")), trace(resumed.provenance().at("/training/phase_2")));
        assertSameTensors(reference.tensorNames(), reference::tensor, tensors(resumed.tensorNames(), resumed::tensor));
    }
}
