package dev.llmedt.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.CheckpointException;
import dev.llmedt.EpochSummary;
import dev.llmedt.engine.Adam;
import dev.llmedt.engine.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the parts of a {@link TrainingRun} other than its position are laid out in a checkpoint
 * ({@link CheckpointFile} is the container): the epoch summaries in the header, the optimizer's
 * state as header figures and tensors, and named weight tensors read back with a shape check.
 * Floating-point figures are written as hexadecimal strings so that a resumed run continues bit
 * for bit. Every reading error is a {@link CheckpointException} naming the file and the part.
 */
final class CheckpointParts {

    private CheckpointParts() {
    }

    /** Writes the epoch summaries into the header's {@code epochs} array. */
    static void putEpochs(ObjectNode header, List<EpochSummary> epochs) {
        ArrayNode es = header.putArray("epochs");
        for (EpochSummary s : epochs) {
            es.addObject().put("phase", s.phase()).put("epoch", s.epoch()).put("loss", Double.toHexString(s.loss()))
                    .put("valid_ndcg10", Double.toHexString(s.validNdcg10())).put("valid_hr10", Double.toHexString(s.validHr10()))
                    .put("train_seconds", s.trainSeconds()).put("valid_seconds", s.validSeconds())
                    .put("sequences_per_second", s.sequencesPerSecond()).put("best", s.best());
        }
    }

    /** Reads the epoch summaries {@link #putEpochs} wrote. */
    static List<EpochSummary> epochs(JsonNode header) {
        List<EpochSummary> epochs = new ArrayList<>();
        for (JsonNode s : header.path("epochs")) {
            epochs.add(new EpochSummary(s.path("phase").asText(), s.path("epoch").asInt(), number(s.path("loss")),
                    number(s.path("valid_ndcg10")), number(s.path("valid_hr10")), s.path("train_seconds").asDouble(),
                    s.path("valid_seconds").asDouble(), s.path("sequences_per_second").asDouble(), s.path("best").asBoolean()));
        }
        return epochs;
    }

    /** Writes the optimizer's state: step and learning rate in the header, its moments and step tables as tensors. */
    static void putOptimizer(ObjectNode header, List<CheckpointFile.Tensor> tensors, Adam.State s, List<Parameter> list) {
        header.putObject("optimizer").put("step", s.step()).put("learning_rate", Double.toHexString(s.learningRate()));
        for (int i = 0; i < list.size(); i++) {
            if (s.m()[i] != null) {
                tensors.add(CheckpointFile.Tensor.of("optimizer.m/" + list.get(i).name(), s.m()[i]));
                tensors.add(CheckpointFile.Tensor.of("optimizer.v/" + list.get(i).name(), s.v()[i]));
            }
            if (s.lastStep()[i] != null) {
                tensors.add(CheckpointFile.Tensor.of("optimizer.last_step/" + list.get(i).name(), s.lastStep()[i]));
            }
        }
        tensors.add(CheckpointFile.Tensor.of("optimizer.steps",
                new float[][] {s.stepSizes(), s.inverseBiasCorrections(), s.shrinks(), s.l2s()}));
    }

    /** Reads the optimizer's state {@link #putOptimizer} wrote, for the trainable parameters of {@code list}. */
    static Adam.State optimizer(Path file, CheckpointFile.Contents c, JsonNode optimizer, List<Parameter> list) {
        float[][][] m = new float[list.size()][][];
        float[][][] v = new float[list.size()][][];
        int[][] last = new int[list.size()][];
        for (int i = 0; i < list.size(); i++) {
            Parameter p = list.get(i);
            if (p.frozen()) {
                continue;
            }
            m[i] = tensor(file, c, "optimizer.m/" + p.name());
            v[i] = tensor(file, c, "optimizer.v/" + p.name());
            last[i] = c.ints().get("optimizer.last_step/" + p.name());
        }
        float[][] steps = tensor(file, c, "optimizer.steps");
        if (steps.length != 4) {
            throw new CheckpointException(file, "its optimizer step tables have " + steps.length + " rows, not 4");
        }
        return new Adam.State(optimizer.path("step").asInt(), number(optimizer.path("learning_rate")), steps[0], steps[1], steps[2],
                steps[3], m, v, last);
    }

    /** Reads a figure written as a (hexadecimal) number string; NaN when it is not one. */
    static double number(JsonNode n) {
        try {
            return Double.parseDouble(n.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Copies the named tensor into {@code into}, which it must match in shape. */
    static void copy(Path file, CheckpointFile.Contents c, String name, float[][] into) {
        float[][] t = tensor(file, c, name);
        if (t.length != into.length || (t.length > 0 && t[0].length != into[0].length)) {
            throw new CheckpointException(file, "tensor " + name + " has shape [" + t.length + ", " + (t.length == 0 ? 0 : t[0].length)
                    + "], this run needs [" + into.length + ", " + into[0].length + "]");
        }
        for (int r = 0; r < t.length; r++) {
            System.arraycopy(t[r], 0, into[r], 0, into[r].length);
        }
    }

    private static float[][] tensor(Path file, CheckpointFile.Contents c, String name) {
        float[][] t = c.floats().get(name);
        if (t == null) {
            throw new CheckpointException(file, "has no tensor " + name + ": it is damaged or from an incompatible llmedt");
        }
        return t;
    }
}
