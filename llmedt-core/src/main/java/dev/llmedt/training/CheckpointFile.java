package dev.llmedt.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.CheckpointException;
import dev.llmedt.io.ChecksummedContainer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training checkpoint file: the model file's container ({@link ChecksummedContainer}: magic,
 * version, JSON header, raw little-endian tensors, SHA-256 trailer) with int32 tensors besides
 * float32 ones, written atomically and durably. <b>Internal</b>.
 *
 * <pre>
 * 8 bytes   magic "LLMEDTCK"
 * int32 LE  format version (1)
 * int32 LE  header length H
 * H bytes   UTF-8 JSON: the run's state, and "tensors": [{"name", "type": "f32"|"i32", "shape"}, ...]
 * ...       every tensor's values, little-endian, row-major, in header order
 * 32 bytes  SHA-256 of everything before
 * </pre>
 */
final class CheckpointFile {

    /** The current format version. */
    static final int FORMAT_VERSION = 1;

    private static final byte[] MAGIC = "LLMEDTCK".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A tensor to write: float rows of equal length, or a vector of ints.
     *
     * @param name unique name
     * @param rows float32 values by row, or null
     * @param ints int32 values, or null
     */
    record Tensor(String name, float[][] rows, int[] ints) {

        static Tensor of(String name, float[][] rows) {
            return new Tensor(name, rows, null);
        }

        static Tensor of(String name, int[] ints) {
            return new Tensor(name, null, ints);
        }
    }

    /**
     * A checkpoint as read.
     *
     * @param header the JSON header (without the tensor list)
     * @param floats the float32 tensors by name, as rows
     * @param ints the int32 tensors by name
     */
    record Contents(JsonNode header, Map<String, float[][]> floats, Map<String, int[]> ints) {
    }

    private CheckpointFile() {
    }

    /** Writes a checkpoint atomically and durably; on failure the previous file is untouched. */
    static void write(Path file, ObjectNode header, List<Tensor> tensors) throws IOException {
        ObjectNode h = header.deepCopy();
        ArrayNode list = h.putArray("tensors");
        for (Tensor t : tensors) {
            ObjectNode n = list.addObject();
            n.put("name", t.name());
            if (t.rows() != null) {
                n.put("type", "f32");
                n.putArray("shape").add(t.rows().length).add(t.rows().length == 0 ? 0 : t.rows()[0].length);
            } else {
                n.put("type", "i32");
                n.putArray("shape").add(t.ints().length);
            }
        }
        byte[] headerBytes = JSON.writeValueAsBytes(h);
        ChecksummedContainer.write(file, MAGIC, FORMAT_VERSION, headerBytes, body -> {
            for (Tensor t : tensors) {
                if (t.rows() != null) {
                    for (float[] row : t.rows()) {
                        body.floats(row);
                    }
                } else {
                    body.ints(t.ints());
                }
            }
        }, true);
    }

    /**
     * Reads and verifies a checkpoint.
     *
     * @throws CheckpointException naming the file when it is missing, unreadable, not a checkpoint,
     *     of a newer format, truncated or corrupt
     */
    static Contents read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "file not found");
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read the checkpoint: " + e.getMessage(), e);
        }
        String advice = "; delete it to train from the start";
        if (bytes.length < MAGIC.length + 8 + 32) {
            throw new CheckpointException(file, "truncated: " + bytes.length + " bytes is too short for a checkpoint" + advice);
        }
        if (!Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new CheckpointException(file, "not an llmedt training checkpoint (bad magic)" + advice);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.position(MAGIC.length);
        int version = b.getInt();
        // The checksum first: a flipped byte in the version field is corruption, not a newer format.
        MessageDigest sha = ChecksummedContainer.sha256();
        sha.update(bytes, 0, bytes.length - 32);
        if (!Arrays.equals(sha.digest(), Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length))) {
            throw new CheckpointException(file, "checksum mismatch: the checkpoint is corrupt or truncated"
                    + (version == FORMAT_VERSION ? "" : " (its format version field reads " + version + "; this llmedt reads format "
                    + FORMAT_VERSION + ")") + advice);
        }
        if (version > FORMAT_VERSION) {
            throw new CheckpointException(file, "written in checkpoint format " + version + " by a newer llmedt; this version reads up to "
                    + FORMAT_VERSION);
        }
        if (version < 1) {
            throw new CheckpointException(file, "invalid format version " + version + advice);
        }
        int headerLength = b.getInt();
        if (headerLength < 2 || headerLength > bytes.length - b.position() - 32) {
            throw new CheckpointException(file, "invalid header length " + headerLength + advice);
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, b.position(), headerLength, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CheckpointException(file, "invalid header: " + e.getMessage() + advice, e);
        }
        if (!header.isObject()) {
            throw new CheckpointException(file, "invalid header: not a JSON object" + advice);
        }
        b.position(b.position() + headerLength);
        Map<String, float[][]> floats = new LinkedHashMap<>();
        Map<String, int[]> ints = new LinkedHashMap<>();
        for (JsonNode t : header.path("tensors")) {
            String name = t.path("name").asText();
            JsonNode shape = t.path("shape");
            boolean isFloat = t.path("type").asText().equals("f32");
            long rows = shape.path(0).asLong(-1);
            long cols = isFloat ? shape.path(1).asLong(-1) : 1;
            if (rows < 0 || cols < 0 || rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE
                    || rows * Math.max(cols, 1) > (b.remaining() - 32L) / 4) {
                throw new CheckpointException(file, "tensor " + name + " " + shape + " does not fit in the file" + advice);
            }
            if (isFloat) {
                float[][] data = new float[(int) rows][(int) cols];
                for (float[] row : data) {
                    b.asFloatBuffer().get(row);
                    b.position(b.position() + row.length * 4);
                }
                floats.put(name, data);
            } else {
                int[] data = new int[(int) rows];
                b.asIntBuffer().get(data);
                b.position(b.position() + data.length * 4);
                ints.put(name, data);
            }
        }
        if (b.remaining() != 32) {
            throw new CheckpointException(file, (b.remaining() - 32) + " unexpected bytes after the tensors" + advice);
        }
        ObjectNode h = (ObjectNode) header;
        h.remove("tensors");
        return new Contents(h, floats, ints);
    }
}
