package dev.llmedt;

import dev.llmedt.io.AtomicFiles;
import dev.llmedt.output.OutputFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resumes each phase from its checkpoint file and writes it at epoch ends, the end and every N batches (see {@link CheckpointConfig}). */
final class Checkpointing implements TrainingListener {

    private final CheckpointConfig config;

    Checkpointing(CheckpointConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
    }

    @Override
    public void trainingStarted(TrainingContext context) {
        Path file = config.file(context.phase());
        try {
            // Fail now, not after an epoch, when the directory cannot be made or the file would be refused.
            Files.createDirectories(config.directory());
            AtomicFiles.checkWritable(file, "the checkpoint file");
            AtomicFiles.deleteTemporaries(file);
        } catch (OutputFileException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the checkpoint directory " + config.directory() + ": " + e.getMessage(), e);
        }
        if (Files.exists(file)) {
            context.resumeFrom(file);
        }
    }

    @Override
    public void batchFinished(TrainingContext context, int batch, int batches, double loss) {
        if (config.everyBatches() > 0 && batch % config.everyBatches() == 0 && batch < batches) {
            context.saveCheckpoint(config.file(context.phase()));
        }
    }

    @Override
    public void epochFinished(TrainingContext context, EpochSummary summary) {
        context.saveCheckpoint(config.file(context.phase()));
    }

    @Override
    public void trainingFinished(TrainingContext context, String reason) {
        context.saveCheckpoint(config.file(context.phase()));
    }
}
