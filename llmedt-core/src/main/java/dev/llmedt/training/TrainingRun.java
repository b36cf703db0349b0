package dev.llmedt.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.CheckpointException;
import dev.llmedt.EpochSummary;
import dev.llmedt.TrainingContext;
import dev.llmedt.TrainingListener;
import dev.llmedt.engine.Adam;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one training phase around its epoch loop, as the listeners see it ({@link TrainingContext})
 * and as checkpoints hold it: position (epoch, batches done, the epoch's loss so far), epoch
 * summaries, best epoch and metric, stop request, kept weights, learning-rate changes, the
 * optimizer, and the fingerprint of the run. <b>Internal</b>: the SASRec trainer, LLM-EDT's phase
 * 1 ({@link NextItemTraining}) and phase 2 drive their loops through it:
 *
 * <pre>
 * run.start();                                   // listeners: trainingStarted (may ask to resume)
 * if (!run.alreadyFinished()) {
 *     run.attach(adam);
 *     for (int e = run.nextEpoch(); e &lt;= maxEpochs &amp;&amp; !run.stopRequested(); e++) {
 *         run.beginEpoch(e);
 *         for (int b = run.batchesDone(); b &lt; batches; b++) { step(b); run.batchFinished(b + 1, batches, loss); }
 *         run.epochFinished(run.lossSum() / batches, ndcg, hr, run.epochSeconds(), validSeconds, perSecond);
 *     }
 * }
 * run.finish("max epochs");
 * </pre>
 *
 * Random streams are derived from (seed, epoch, sequence) and hold no state, so the position is
 * all a resumed run needs to draw the same numbers.
 */
public final class TrainingRun implements TrainingContext {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String phase;
    private final ParameterSet parameters;
    private final List<Parameter> trainable = new ArrayList<>();
    private final float[][][] kept;
    private final TrainingListener listener;
    private final ObjectNode fingerprint;
    private final ObjectNode extra = JSON.createObjectNode();
    private final List<EpochSummary> epochs = new ArrayList<>();
    private Consumer<ObjectNode> beforeSave = e -> { };
    private Adam adam;
    private Adam.State pendingOptimizer;
    private Path restoredFrom;
    private int epoch;
    private boolean inEpoch;
    private int batchesDone;
    private double lossSum;
    private double secondsBefore;
    private long epochStart;
    private int bestEpoch;
    private double bestMetric = Double.NEGATIVE_INFINITY;
    private String stopReason;
    private String finishReason;
    private int learningRateChanges;
    private boolean started;
    private boolean finished;
    private boolean restoredFinished;
    private Path resumeFile;
    private Path pendingCheckpoint;

    /**
     * Creates the run of a phase over a parameter set whose non-frozen parameters it trains; keeps
     * their starting values.
     *
     * @param fingerprint the parts that identify the run (configuration, data, seed, threads,
     *     inputs); the phase and a digest of the starting weights are added
     */
    public TrainingRun(String phase, ParameterSet parameters, TrainingListener listener, ObjectNode fingerprint) {
        this.phase = Objects.requireNonNull(phase, "phase");
        this.parameters = parameters;
        this.listener = Objects.requireNonNull(listener, "listener");
        for (Parameter p : parameters.list()) {
            if (!p.frozen()) {
                trainable.add(p);
            }
        }
        kept = new float[trainable.size()][][];
        for (int i = 0; i < kept.length; i++) {
            float[][] v = trainable.get(i).value();
            kept[i] = new float[v.length][];
            for (int r = 0; r < v.length; r++) {
                kept[i][r] = v[r].clone();
            }
        }
        ObjectNode parts = fingerprint.deepCopy();
        parts.put("phase", phase);
        parts.put("starting_weights", RunFingerprint.ofWeights(parameters));
        try {
            // As a checkpoint reads it back (a long seed becomes an int node, for instance), so that equal parts compare equal.
            this.fingerprint = (ObjectNode) JSON.readTree(JSON.writeValueAsString(parts));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets what the trainer adds to each checkpoint's {@code extra} figures just before it is written. */
    public void beforeSave(Consumer<ObjectNode> action) {
        beforeSave = Objects.requireNonNull(action, "action");
    }

    /** Returns the trainer's own figures, saved in checkpoints and restored with them. */
    public ObjectNode extra() {
        return extra;
    }

    /** Tells the listeners that the phase starts and resumes from the checkpoint one of them asked for. */
    public void start() {
        listener.trainingStarted(this);
        started = true;
        if (resumeFile != null) {
            restore(resumeFile);
        }
    }

    /** Returns whether the run was resumed from the checkpoint of a finished phase (nothing left to train). */
    public boolean alreadyFinished() {
        return restoredFinished;
    }

    /** Sets the best metric of the start (phase 2: the phase-1 model's score); ignored when resumed. */
    public void startFrom(double validNdcg10) {
        if (!resumed()) {
            bestMetric = validNdcg10;
            extra.put("initial_valid_ndcg10", Double.toHexString(validNdcg10));
        }
    }

    /** Returns the metric given to {@link #startFrom}, or NaN. */
    public double initialValidNdcg10() {
        return Double.parseDouble(extra.path("initial_valid_ndcg10").asText("NaN"));
    }

    /** Attaches the optimizer, restoring its state when resuming. */
    public void attach(Adam optimizer) {
        adam = optimizer;
        if (pendingOptimizer != null) {
            try {
                optimizer.importState(pendingOptimizer);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(restoredFrom, "its optimizer state does not fit this run: " + e.getMessage(), e);
            }
            pendingOptimizer = null;
        }
    }

    /** Returns the first epoch to run: 1, or after a resume the interrupted one or the one after the last finished. */
    public int nextEpoch() {
        return inEpoch ? epoch : epoch + 1;
    }

    /** Starts an epoch (or continues the interrupted one). */
    public void beginEpoch(int number) {
        if (!(inEpoch && number == epoch)) {
            epoch = number;
            inEpoch = true;
            batchesDone = 0;
            lossSum = 0;
            secondsBefore = 0;
        }
        epochStart = System.nanoTime();
    }

    /** Returns the batches of the current epoch done so far (where a resumed epoch continues). */
    public int batchesDone() {
        return batchesDone;
    }

    /** Returns the sum of the current epoch's batch losses so far, in batch order. */
    public double lossSum() {
        return lossSum;
    }

    /** Returns the training seconds of the current epoch, including those before a resume. */
    public double epochSeconds() {
        return secondsBefore + (System.nanoTime() - epochStart) / 1e9;
    }

    /** Records a batch (1-based) and tells the listeners; writes a checkpoint one of them asked for. */
    public void batchFinished(int batch, int batches, double loss) {
        lossSum += loss;
        batchesDone = batch;
        listener.batchFinished(this, batch, batches, loss);
        savePending();
    }

    /**
     * Records the epoch's figures (the best metric and epoch when it beats them) and tells the
     * listeners; writes a checkpoint one of them asked for.
     */
    public EpochSummary epochFinished(double loss, double validNdcg10, double validHr10, double trainSeconds, double validSeconds,
            double sequencesPerSecond) {
        boolean improved = validNdcg10 > bestMetric;
        if (improved) {
            bestMetric = validNdcg10;
            bestEpoch = epoch;
        }
        EpochSummary summary = new EpochSummary(phase, epoch, loss, validNdcg10, validHr10, trainSeconds, validSeconds, sequencesPerSecond,
                improved);
        epochs.add(summary);
        inEpoch = false;
        batchesDone = 0;
        lossSum = 0;
        listener.epochFinished(this, summary);
        savePending();
        return summary;
    }

    /**
     * Ends the phase: the reason is a listener's stop reason, or {@code defaultReason}, or the
     * stored one of a finished checkpoint; tells the listeners and writes a checkpoint one of them
     * asked for. Returns the reason.
     */
    public String finish(String defaultReason) {
        String reason = restoredFinished ? finishReason : stopReason != null ? stopReason : defaultReason;
        finishReason = reason;
        finished = true;
        listener.trainingFinished(this, reason);
        savePending();
        return reason;
    }

    /** Returns how often a listener changed the learning rate. */
    public int learningRateChanges() {
        return learningRateChanges;
    }

    @Override
    public String phase() {
        return phase;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    @Override
    public List<EpochSummary> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    @Override
    public int bestEpoch() {
        return bestEpoch;
    }

    @Override
    public double bestValidNdcg10() {
        return bestMetric;
    }

    @Override
    public double learningRate() {
        return optimizer().learningRate();
    }

    @Override
    public void setLearningRate(double learningRate) {
        Adam a = optimizer();
        if (learningRate != a.learningRate()) {
            a.setLearningRate(learningRate);
            learningRateChanges++;
        }
    }

    private Adam optimizer() {
        if (adam == null) {
            throw new IllegalStateException(phase + " has no optimizer yet (or no more: it was resumed finished)");
        }
        return adam;
    }

    @Override
    public void stop(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (stopReason == null) {
            stopReason = reason;
        }
    }

    @Override
    public boolean stopRequested() {
        return stopReason != null;
    }

    @Override
    public void keepWeights() {
        for (int i = 0; i < kept.length; i++) {
            float[][] v = trainable.get(i).value();
            for (int r = 0; r < v.length; r++) {
                System.arraycopy(v[r], 0, kept[i][r], 0, v[r].length);
            }
        }
    }

    @Override
    public void restoreKeptWeights() {
        for (int i = 0; i < kept.length; i++) {
            float[][] v = trainable.get(i).value();
            for (int r = 0; r < v.length; r++) {
                System.arraycopy(kept[i][r], 0, v[r], 0, v[r].length);
            }
        }
    }

    @Override
    public void saveCheckpoint(Path file) {
        pendingCheckpoint = Objects.requireNonNull(file, "file");
    }

    @Override
    public void resumeFrom(Path file) {
        if (started) {
            throw new IllegalStateException("resume from a checkpoint when training starts (in trainingStarted), not later");
        }
        resumeFile = Objects.requireNonNull(file, "file");
    }

    @Override
    public boolean resumed() {
        return restoredFrom != null;
    }

    private void savePending() {
        Path file = pendingCheckpoint;
        if (file == null) {
            return;
        }
        pendingCheckpoint = null;
        if (restoredFinished) {
            return; // nothing new since the checkpoint it was resumed from
        }
        try {
            long t = System.nanoTime();
            write(file);
            LOG.debug("{}: checkpoint written to {} in {} s", phase, file, String.format("%.2f", (System.nanoTime() - t) / 1e9));
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("{}: checkpoint not written to {} ({}); the previous one, if any, is kept", phase, file, e.getMessage());
        }
    }

    private void write(Path file) throws IOException {
        ObjectNode h = JSON.createObjectNode();
        h.put("format", "llmedt training checkpoint");
        h.put("phase", phase);
        h.put("status", finished ? "finished" : "running");
        h.put("written", Instant.now().toString());
        h.set("fingerprint", fingerprint);
        h.put("epoch", epoch);
        h.put("in_epoch", inEpoch);
        h.put("batches_done", batchesDone);
        h.put("loss_sum", Double.toHexString(lossSum));
        h.put("epoch_seconds", inEpoch ? epochSeconds() : 0);
        h.put("best_epoch", bestEpoch);
        h.put("best_valid_ndcg10", Double.toHexString(bestMetric));
        h.put("stop_reason", stopReason);
        h.put("finish_reason", finishReason);
        h.put("learning_rate_changes", learningRateChanges);
        beforeSave.accept(extra);
        h.set("extra", extra);
        CheckpointParts.putEpochs(h, epochs);
        List<CheckpointFile.Tensor> tensors = new ArrayList<>();
        for (int i = 0; i < trainable.size(); i++) {
            tensors.add(CheckpointFile.Tensor.of("weights/" + trainable.get(i).name(), trainable.get(i).value()));
            tensors.add(CheckpointFile.Tensor.of("kept/" + trainable.get(i).name(), kept[i]));
        }
        if (adam != null && !finished) {
            CheckpointParts.putOptimizer(h, tensors, adam.exportState(), parameters.list());
        } else {
            h.putNull("optimizer");
        }
        CheckpointFile.write(file, h, tensors);
    }

    private void restore(Path file) {
        CheckpointFile.Contents c = CheckpointFile.read(file);
        JsonNode h = c.header();
        String saved = h.path("phase").asText();
        if (!saved.equals(phase)) {
            throw new CheckpointException(file, "holds a checkpoint of " + saved + ", not of " + phase);
        }
        List<String> differences = RunFingerprint.differences(h.path("fingerprint"), fingerprint);
        if (!differences.isEmpty()) {
            throw new CheckpointException(file, "it was written by another run, so " + phase + " does not resume from it: "
                    + String.join("; ", differences) + ". Delete it, or give another checkpoint directory, to train from the start");
        }
        for (int i = 0; i < trainable.size(); i++) {
            Parameter p = trainable.get(i);
            CheckpointParts.copy(file, c, "weights/" + p.name(), p.value());
            CheckpointParts.copy(file, c, "kept/" + p.name(), kept[i]);
        }
        epochs.clear();
        epochs.addAll(CheckpointParts.epochs(h));
        epoch = h.path("epoch").asInt();
        inEpoch = h.path("in_epoch").asBoolean();
        batchesDone = h.path("batches_done").asInt();
        lossSum = CheckpointParts.number(h.path("loss_sum"));
        secondsBefore = h.path("epoch_seconds").asDouble();
        bestEpoch = h.path("best_epoch").asInt();
        bestMetric = CheckpointParts.number(h.path("best_valid_ndcg10"));
        stopReason = h.path("stop_reason").isTextual() ? h.path("stop_reason").asText() : null;
        finishReason = h.path("finish_reason").isTextual() ? h.path("finish_reason").asText() : null;
        learningRateChanges = h.path("learning_rate_changes").asInt();
        if (h.path("extra") instanceof ObjectNode savedExtra) {
            extra.setAll(savedExtra.deepCopy());
        }
        restoredFinished = h.path("status").asText().equals("finished");
        JsonNode optimizer = h.path("optimizer");
        if (optimizer.isObject() && !restoredFinished) {
            pendingOptimizer = CheckpointParts.optimizer(file, c, optimizer, parameters.list());
        }
        restoredFrom = file;
        LOG.info("{}: resumed from {} ({})", phase, file, restoredFinished ? "finished after " + epochs.size() + " epochs"
                : inEpoch ? "epoch " + epoch + " after batch " + batchesDone : "after epoch " + epoch);
    }

    @Override
    public String toString() {
        return "TrainingRun[" + phase + ", epoch " + epoch + (inEpoch ? " batch " + batchesDone : "") + ", best " + bestEpoch + "]";
    }
}
