package dev.llmedt.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What makes two training runs the same run, for checkpoints: a JSON object of named parts
 * (configuration, data fingerprint, seed, digests of the training inputs and the starting weights;
 * not the thread count, which does not change the weights) and a comparison that names every part that differs. <b>Internal</b>.
 */
public final class RunFingerprint {

    /** Per part: what differs, as the start of a phrase. */
    private static final Map<String, String> DIFFERS = Map.ofEntries(Map.entry("config", "the configuration differs"),
            Map.entry("data", "the dataset differs (its fingerprint)"), Map.entry("seed", "the seed differs"),
            Map.entry("training_sequences", "the training sequences differ (the data or its augmentation)"),
            Map.entry("item_rows", "the item representation's inputs differ (item embeddings, PCA)"),
            Map.entry("validation_cases", "the validation cases differ"), Map.entry("profiles", "the training users' profiles differ"),
            Map.entry("starting_weights", "the starting weights differ (the initialization, or for phase 2 the phase-1 model)"),
            Map.entry("phase", "the phase differs"));

    private RunFingerprint() {
    }

    /**
     * Returns the configuration part of a fingerprint: the configuration's JSON without its
     * {@code threads} field (the weights do not depend on it, so a run may resume with another) and
     * its {@code seed} (a part of its own).
     */
    public static JsonNode configuration(JsonNode config) {
        JsonNode c = config.deepCopy();
        if (c instanceof ObjectNode o) {
            o.remove("threads");
            o.remove("seed");
        }
        return c;
    }

    /**
     * A SHA-256 over the training sequences: items, which positions are targets and, when some
     * target weighs other than 1, every target weight (unweighted sequences hash as before weights
     * existed).
     */
    public static String of(TrainingSequences sequences) {
        Hasher h = new Hasher();
        for (int s = 0; s < sequences.size(); s++) {
            h.putInt(sequences.items[s].length);
            for (int i = 0; i < sequences.items[s].length; i++) {
                h.putInt(sequences.items[s][i]).putByte(sequences.target[s][i] ? 1 : 0);
            }
        }
        if (sequences.weighted()) {
            h.putText("target weights");
            for (int s = 0; s < sequences.size(); s++) {
                for (int i = 0; i < sequences.items[s].length; i++) {
                    h.putInt(Float.floatToIntBits(sequences.weight[s][i]));
                }
            }
        }
        return h.hex();
    }

    /** A SHA-256 over an item representation's row flags, frozen features and adapter layout. */
    public static String of(ItemRows rows) {
        Hasher h = new Hasher();
        for (int r = 0; r < rows.usesId().length; r++) {
            h.putByte((rows.usesId()[r] ? 1 : 0) | (rows.usesText()[r] ? 2 : 0)).putInt(rows.adapterOfRow() == null ? -1 : rows.adapterOfRow()[r]);
        }
        h.putInt(rows.adapterHidden());
        for (String prefix : rows.adapterPrefixes()) {
            h.putText(prefix);
        }
        return h.putRows(rows.features() == null ? new float[0][] : rows.features()).hex();
    }

    /** A SHA-256 over float rows (null: none). */
    public static String of(float[][] rows) {
        return new Hasher().putRows(rows == null ? new float[0][] : rows).hex();
    }

    /** A SHA-256 over evaluation cases: user, input items and target. */
    public static String ofCases(List<EvaluationCase> cases) {
        Hasher h = new Hasher();
        for (EvaluationCase c : cases) {
            h.putText(c.source()).putText(c.user());
            int[] items = c.input().toArray();
            h.putInt(items.length);
            for (int item : items) {
                h.putInt(item);
            }
            h.putInt(c.target());
        }
        return h.hex();
    }

    /** A SHA-256 over every parameter: name, shape, frozen or not, and values. */
    public static String ofWeights(ParameterSet parameters) {
        Hasher h = new Hasher();
        for (Parameter p : parameters.list()) {
            h.putText(p.name() + (p.frozen() ? " frozen " : " ") + java.util.Arrays.toString(p.shape())).putRows(p.value());
        }
        return h.hex();
    }

    /**
     * Returns what differs between the fingerprint a checkpoint was written with and this run's,
     * one phrase per part ({@code "the seed differs (checkpoint: 42, this run: 7)"}), empty when they agree.
     * A configuration setting the checkpoint lacks agrees when this run has it at 0 or false, the value
     * a configuration without the key reads as (settings added since, at their earlier behaviour).
     */
    public static List<String> differences(JsonNode checkpoint, JsonNode current) {
        List<String> out = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        current.fieldNames().forEachRemaining(keys::add);
        checkpoint.fieldNames().forEachRemaining(k -> {
            if (!keys.contains(k)) {
                keys.add(k);
            }
        });
        for (String key : keys) {
            JsonNode a = checkpoint.path(key);
            JsonNode b = current.path(key);
            if (a.equals(b)) {
                continue;
            }
            String label = DIFFERS.getOrDefault(key, key + " differs");
            if (key.equals("config")) {
                List<String> paths = new ArrayList<>();
                leafDifferences("", a, b, paths);
                if (paths.isEmpty()) {
                    continue; // only settings the checkpoint predates, at the value it reads as
                }
                out.add(label + " at " + String.join(", ", paths.subList(0, Math.min(paths.size(), 6)))
                        + (paths.size() > 6 ? " and " + (paths.size() - 6) + " more" : ""));
            } else {
                out.add(label + " (checkpoint: " + shortText(a) + ", this run: " + shortText(b) + ")");
            }
        }
        return out;
    }

    private static void leafDifferences(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a.isObject() && b.isObject()) {
            List<String> keys = new ArrayList<>();
            a.fieldNames().forEachRemaining(keys::add);
            for (Iterator<String> it = b.fieldNames(); it.hasNext();) {
                String k = it.next();
                if (!keys.contains(k)) {
                    keys.add(k);
                }
            }
            for (String k : keys) {
                if (!a.path(k).equals(b.path(k))) {
                    leafDifferences(path + "/" + k, a.path(k), b.path(k), out);
                }
            }
            return;
        }
        if (a.isMissingNode() && readsAsMissing(b)) {
            return; // a setting added after the checkpoint was written: its configuration reads it as 0 or false, this value
        }
        out.add((path.isEmpty() ? "/" : path) + " (checkpoint: " + shortText(a) + ", this run: " + shortText(b) + ")");
    }

    /**
     * Whether a configuration value is what a configuration file without its key reads as (0 or
     * false, as for model files): the behaviour every run had before the setting existed.
     */
    private static boolean readsAsMissing(JsonNode n) {
        return (n.isNumber() && n.asDouble() == 0) || (n.isBoolean() && !n.asBoolean());
    }

    private static String shortText(JsonNode n) {
        if (n.isMissingNode()) {
            return "none";
        }
        String s = n.isTextual() ? n.asText() : n.toString();
        if (s.matches("[0-9a-f]{64}")) {
            return s.substring(0, 12) + "..."; // a digest
        }
        return s.length() > 80 ? s.substring(0, 60) + "..." : s;
    }

    /** A SHA-256 fed through a buffer (one digest update per 64 KiB, not per value). */
    private static final class Hasher {
        private final MessageDigest md = sha256();
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        Hasher putInt(int v) {
            if (buf.remaining() < 4) {
                drain();
            }
            buf.putInt(v);
            return this;
        }

        Hasher putByte(int v) {
            if (!buf.hasRemaining()) {
                drain();
            }
            buf.put((byte) v);
            return this;
        }

        Hasher putText(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            putInt(b.length);
            drain();
            md.update(b);
            return this;
        }

        Hasher putRows(float[][] rows) {
            putInt(rows.length);
            for (float[] row : rows) {
                putInt(row == null ? -1 : row.length);
                if (row != null) {
                    for (float v : row) {
                        putInt(Float.floatToRawIntBits(v));
                    }
                }
            }
            return this;
        }

        private void drain() {
            md.update(buf.array(), 0, buf.position());
            buf.clear();
        }

        String hex() {
            drain();
            return HexFormat.of().formatHex(md.digest());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
