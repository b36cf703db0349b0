package dev.llmedt.training;

import dev.llmedt.TrainingContext;
import dev.llmedt.TrainingListener;
import java.nio.file.Path;

/**
 * The training run of {@link KilledRunResumeTest}, in a JVM of its own: trains SASRec or LLM-EDT on
 * {@link ResumeFixtures}' data with checkpoints in a directory (resuming from them when there are
 * some) and writes the model. Optionally it announces {@code PAUSED} on standard output after a
 * given batch and waits there to be killed.
 *
 * <p>Arguments: {@code sasrec|llm-edt CHECKPOINT_DIR MODEL_FILE EVERY_BATCHES [PHASE EPOCH BATCH]}.
 */
public final class CheckpointChild {

    private CheckpointChild() {
    }

    public static void main(String[] args) throws Exception {
        Path checkpoints = Path.of(args[1]);
        Path out = Path.of(args[2]);
        int every = Integer.parseInt(args[3]);
        TrainingListener listener = TrainingListener.checkpointing(checkpoints, every);
        if (args.length > 4) {
            listener = pauseAt(args[4], Integer.parseInt(args[5]), Integer.parseInt(args[6])).andThen(listener);
        }
        if (args[0].equals("sasrec")) {
            ResumeFixtures.trainSasRec(ResumeFixtures.sasrec(KilledRunResumeTest.SASREC_EPOCHS), listener).save(out);
        } else {
            ResumeFixtures.trainLlmEdt(ResumeFixtures.llmEdt(KilledRunResumeTest.LLM_EDT_EPOCHS, KilledRunResumeTest.LLM_EDT_EPOCHS),
                    listener).save(out);
        }
        System.out.println("DONE");
        System.exit(0);
    }

    private static TrainingListener pauseAt(String phase, int epoch, int batch) {
        return new TrainingListener() {
            @Override
            public void batchFinished(TrainingContext context, int b, int batches, double loss) {
                if (context.phase().equals(phase) && context.epoch() == epoch && b == batch) {
                    System.out.println("PAUSED " + phase + " " + epoch + " " + batch);
                    System.out.flush();
                    try {
                        Thread.sleep(600_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("not killed while paused");
                }
            }
        };
    }
}
