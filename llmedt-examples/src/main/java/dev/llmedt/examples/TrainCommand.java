package dev.llmedt.examples;

import dev.llmedt.CheckpointConfig;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.dualphase.BackboneConfig;
import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.dualphase.FineTuningConfig;
import dev.llmedt.dualphase.PretrainingConfig;
import dev.llmedt.sasrec.SasRecConfig;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.sasrec.SasRecTrainer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llmedt train}: train a model and write it to a file. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model with early stopping on validation NDCG@10 (full ranking) and save the best weights. "
                + "Defaults are the reference settings.",
        footer = {"", "Exit status: 0 done; 1 error; 3 (llm-edt) the --generator answered none of its prompts (every call failed "
                + "or was refused by the circuit breaker): the model is still written (augmenter and profiler fall back as for a "
                + "failed call) and stderr names the endpoint and the counts."})
final class TrainCommand implements Callable<Integer> {

    /** What --out is, in messages. */
    static final String MODEL_FILE = "the model file (--out)";

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--method", defaultValue = "sasrec", description = "Model: sasrec or llm-edt (default: ${DEFAULT-VALUE}).")
    String method;

    @Mixin
    LlmEdtOptions llmEdt;

    @Option(names = "--domain", paramLabel = "NAME", description = "Single-domain mode: keep only this domain's items.")
    String domain;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Model file to write (checked before training; "
            + "when the final write fails, the model is kept in a llmedt-kept-* directory of the temporary directory and the error "
            + "says where).")
    Path out;

    @Mixin
    OutputOptions output;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    ScheduleOptions schedule;

    @Option(names = "--dim", defaultValue = "64", description = "Hidden width (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--blocks", defaultValue = "2", description = "Attention blocks (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--heads", defaultValue = "1", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--max-length", defaultValue = "50", description = "Window length (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--dropout", defaultValue = "0.2", description = "Dropout rate (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--beta1", defaultValue = "0.9", description = "Adam beta1 (default: ${DEFAULT-VALUE}).")
    double beta1;

    @Option(names = "--beta2", defaultValue = "0.98", description = "Adam beta2 (default: ${DEFAULT-VALUE}).")
    double beta2;

    @Option(names = "--weight-decay", defaultValue = "0", description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--batch-size", defaultValue = "128", description = "Sequences per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--threads", defaultValue = "0", description = "Worker threads, 0 = all processors (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--checkpoints", paramLabel = "DIR",
            description = "Write checkpoints to DIR (one file per phase, at every epoch end and every --checkpoint-every batches) and "
                    + "resume from the ones there: after an interruption, the same command continues where it stopped and ends with "
                    + "the same model, bit for bit. A checkpoint of another run (data, configuration, seed, threads) is refused.")
    Path checkpoints;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "With --checkpoints: also checkpoint every N batches within an epoch (default 0: at epoch ends only).")
    Integer checkpointEvery;

    @Option(names = "--json", description = "Print a machine-readable summary.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        CheckpointConfig checkpointConfig = checkpointConfig();
        output.checkFile(out, MODEL_FILE);
        if (checkpoints != null) {
            output.checkDirectory(checkpoints, "the checkpoint directory (--checkpoints)");
        }
        if (method.equals("llm-edt")) {
            if (domain != null) {
                throw new IllegalArgumentException("--domain applies to --method sasrec; LLM-EDT scores every domain");
            }
            BackboneConfig backbone = BackboneConfig.builder().dim(dim).blocks(blocks).heads(heads).maxLength(maxLength).dropout(dropout)
                    .build();
            PretrainingConfig.Builder pretraining = PretrainingConfig.builder().learningRate(learningRate).beta1(beta1).beta2(beta2)
                    .weightDecay(weightDecay).batchSize(batchSize);
            return llmEdt.train(stdout, dataOptions, schedule.applyTo(new DualPhaseConfig(backbone, pretraining.build(),
                    FineTuningConfig.defaults(), seed, threads, true)), out, output, json, checkpointConfig);
        }
        if (!method.equals("sasrec")) {
            throw new IllegalArgumentException("--method must be 'sasrec' or 'llm-edt', got '" + method + "'");
        }
        llmEdt.checkUnused();
        SasRecConfig.Builder builder = SasRecConfig.builder().dim(dim).blocks(blocks).heads(heads).maxLength(maxLength).dropout(dropout)
                .learningRate(learningRate).beta1(beta1).beta2(beta2).weightDecay(weightDecay).batchSize(batchSize).seed(seed)
                .threads(threads).domain(domain);
        schedule.applyTo(builder);
        SasRecConfig config = builder.build();
        CdsrDataset data = dataOptions.read();
        TrainingListener progress = new TrainingListener() {
            private final ConsoleProgress bar = ConsoleProgress.create();

            @Override
            public void batchFinished(String phase, int epoch, int batch, int batches, double loss) {
                bar.progress(phase + " epoch " + epoch, batch, batches);
            }
        };
        TrainingListener listener = TrainingListener.logging().andThen(progress);
        if (checkpointConfig != null) {
            listener = listener.andThen(TrainingListener.checkpointing(checkpointConfig));
        }
        SasRecModel model = new SasRecTrainer(config, listener).train(data);
        OutputOptions.writeOrKeep(out, MODEL_FILE, file -> model.save(file, output.writeOptions()));
        JsonNode training = model.provenance().at("/training");
        if (json) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("method", method);
            summary.put("dataset", data.name());
            summary.put("domain", domain);
            summary.put("model", out.toString());
            summary.put("seed", seed);
            summary.put("epochs", training.path("epochs").asInt());
            summary.put("best_epoch", training.path("best_epoch").asInt());
            summary.put("best_valid_ndcg10", training.path("best_valid_ndcg10").asDouble());
            summary.put("stop_reason", training.path("stop_reason").asText());
            summary.put("seconds_per_epoch", training.path("median_seconds_per_epoch").asDouble());
            summary.put("sequences_per_second", training.path("sequences_per_second").asDouble());
            summary.put("threads", model.provenance().threads());
            summary.put("epoch_summaries", training.path("epoch_summaries"));
            stdout.println(Json.write(summary));
        } else {
            stdout.printf("trained %s on %s: %d epochs, best epoch %d (valid NDCG@10 %.4f), %.2f s per epoch, %.0f sequences/s%n",
                    method, data.name(), training.path("epochs").asInt(), training.path("best_epoch").asInt(),
                    training.path("best_valid_ndcg10").asDouble(), training.path("median_seconds_per_epoch").asDouble(),
                    training.path("sequences_per_second").asDouble());
            stdout.println("model written to " + out);
        }
        return 0;
    }

    /** The checkpoints the options ask for, or null. */
    private CheckpointConfig checkpointConfig() {
        if (checkpoints == null) {
            if (checkpointEvery != null) {
                throw new IllegalArgumentException("--checkpoint-every needs --checkpoints DIR");
            }
            return null;
        }
        if (checkpointEvery != null && checkpointEvery < 0) {
            throw new IllegalArgumentException("--checkpoint-every must be >= 0 (0 = at epoch ends only), got " + checkpointEvery);
        }
        return new CheckpointConfig(checkpoints, checkpointEvery == null ? 0 : checkpointEvery);
    }
}
