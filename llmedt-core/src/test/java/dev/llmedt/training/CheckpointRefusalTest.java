package dev.llmedt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.CheckpointConfig;
import dev.llmedt.CheckpointException;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.sasrec.SasRecConfig;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.sasrec.SasRecTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints that must not be resumed from are refused with a message naming the file and the reason. */
class CheckpointRefusalTest {

    @TempDir
    static Path shared;

    private static byte[] checkpoint;

    /** One mid-epoch SASRec checkpoint (seed 9, 2 threads) to damage and mismatch. */
    @BeforeAll
    static void writeCheckpoint() throws IOException {
        CheckpointConfig c = new CheckpointConfig(shared, 5);
        try {
            ResumeFixtures.trainSasRec(ResumeFixtures.sasrec(2), ResumeFixtures.crashAt("sasrec", 1, 7).andThen(c.listener()));
        } catch (ResumeFixtures.SimulatedCrash expected) {
            // the checkpoint of batch 5 stays
        }
        checkpoint = Files.readAllBytes(c.file("sasrec"));
    }

    private static CheckpointException refused(Path dir, SasRecConfig config, CdsrDataset data) {
        return assertThrows(CheckpointException.class,
                () -> new SasRecTrainer(config, TrainingListener.checkpointing(dir, 5)).train(data));
    }

    private static Path directoryWith(Path dir, byte[] bytes) throws IOException {
        Files.write(dir.resolve("sasrec.ckpt"), bytes);
        return dir;
    }

    private static void assertMentions(CheckpointException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
    }

    @Test
    void aFlippedByteIsRefused(@TempDir Path dir) throws IOException {
        for (int at : new int[] {3, 20, checkpoint.length / 2, checkpoint.length - 1}) {
            byte[] damaged = checkpoint.clone();
            damaged[at] ^= 0x10;
            CheckpointException e = refused(directoryWith(dir, damaged), ResumeFixtures.sasrec(2), ResumeFixtures.DATA);
            assertEquals(dir.resolve("sasrec.ckpt"), e.file());
            assertMentions(e, dir.resolve("sasrec.ckpt").toString(), at == 3 ? "bad magic" : "corrupt");
        }
    }

    @Test
    void aTruncatedFileIsRefused(@TempDir Path dir) throws IOException {
        for (int length : new int[] {0, 30, checkpoint.length / 2, checkpoint.length - 1}) {
            CheckpointException e = refused(directoryWith(dir, Arrays.copyOf(checkpoint, length)), ResumeFixtures.sasrec(2),
                    ResumeFixtures.DATA);
            assertMentions(e, dir.resolve("sasrec.ckpt").toString(), "truncated");
        }
    }

    @Test
    void anotherSeedIsRefused(@TempDir Path dir) throws IOException {
        SasRecConfig c = ResumeFixtures.sasrec(2);
        CheckpointException e = refused(directoryWith(dir, checkpoint), c.toBuilder().seed(10).build(), ResumeFixtures.DATA);
        assertMentions(e, "sasrec.ckpt", "another run", "the seed differs (checkpoint: 9, this run: 10)",
                "the starting weights differ");
    }

    @Test
    void otherDataIsRefused(@TempDir Path dir) throws IOException {
        CdsrDataset other = SyntheticDataset.generate(new SyntheticDataset.Options(4, 10, 200, 300, 200, 60));
        CheckpointException e = refused(directoryWith(dir, checkpoint), ResumeFixtures.sasrec(2), other);
        assertMentions(e, "sasrec.ckpt", "the dataset differs", "the training sequences differ");
    }

    @Test
    void anotherConfigurationIsRefused(@TempDir Path dir) throws IOException {
        SasRecConfig c = ResumeFixtures.sasrec(2);
        CheckpointException lr = refused(directoryWith(dir, checkpoint), c.toBuilder().learningRate(0.01).build(), ResumeFixtures.DATA);
        assertMentions(lr, "the configuration differs at /learning_rate (checkpoint: 0.03, this run: 0.01)");
    }

    @Test
    void anotherThreadCountResumesToTheSameWeights(@TempDir Path dir) throws IOException {
        // The checkpoint was written by a 2-thread run; the weights do not depend on the thread count, so 1 and 3 threads resume it.
        SasRecConfig c = ResumeFixtures.sasrec(2);
        int[] batches = new int[1];
        TrainingListener counting = new TrainingListener() {
            @Override
            public void batchFinished(String phase, int epoch, int batch, int count, double loss) {
                batches[0]++;
            }
        };
        SasRecModel uninterrupted = ResumeFixtures.trainSasRec(c, counting);
        int all = batches[0];
        for (int threads : new int[] {1, 3}) {
            Path d = Files.createDirectories(dir.resolve("t" + threads));
            batches[0] = 0;
            SasRecModel resumed = new SasRecTrainer(c.toBuilder().threads(threads).build(), counting.andThen(TrainingListener.checkpointing(
                    directoryWith(d, checkpoint), 5))).train(ResumeFixtures.DATA);
            assertEquals(all - 5, batches[0], threads + " threads: resumed after the checkpoint's 5 batches, not trained from the start");
            ResumeFixtures.assertSameTensors(uninterrupted.tensorNames(), uninterrupted::tensor,
                    ResumeFixtures.tensors(resumed.tensorNames(), resumed::tensor));
        }
    }

    @Test
    void aCheckpointOfAnotherPhaseIsRefused(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("phase-1.ckpt"), checkpoint);
        CheckpointException e = assertThrows(CheckpointException.class, () -> ResumeFixtures.trainLlmEdt(ResumeFixtures.llmEdt(1, 1),
                TrainingListener.checkpointing(dir, 0)));
        assertMentions(e, "phase-1.ckpt", "holds a checkpoint of sasrec, not of phase-1");
    }
}
