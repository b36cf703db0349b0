package dev.llmedt.model;

import dev.llmedt.data.Domain;
import dev.llmedt.io.ChecksummedContainer;
import dev.llmedt.output.WriteOption;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The llmedt model file: a versioned binary container (never Java serialization).
 *
 * <pre>
 * 8 bytes   magic "LLMEDTMF"
 * int32 LE  format version (1)
 * int32 LE  header length H
 * H bytes   UTF-8 JSON: {"kind", "config", "provenance", "tensors": [{"name", "shape"}, ...]}
 * ...       every tensor's float32 values, little-endian, row-major, in header order
 * 32 bytes  SHA-256 of everything before
 * </pre>
 *
 * Files are written to a temporary name and moved into place. Reading verifies the magic, the
 * version, the sizes and the checksum and names the file in every error.
 */
public final class ModelFile {

    /** The current format version. */
    public static final int FORMAT_VERSION = 1;

    private static final byte[] MAGIC = "LLMEDTMF".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(ModelFile.class);

    /**
     * A named float tensor.
     *
     * @param name unique name
     * @param shape dimensions (product = data length)
     * @param data row-major values
     */
    public record Tensor(String name, int[] shape, float[] data) {

        /** Validates that the shape matches the data. */
        public Tensor {
            long n = 1;
            for (int s : shape) {
                if (s < 1) {
                    throw new IllegalArgumentException("tensor " + name + " has a non-positive dimension: " + Arrays.toString(shape));
                }
                n *= s;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("tensor " + name + " shape " + Arrays.toString(shape) + " needs " + n
                        + " values, got " + data.length);
            }
        }
    }

    /**
     * What a model file holds.
     *
     * @param kind the model kind, such as {@code sasrec}
     * @param config the model's configuration
     * @param provenance where the model comes from (library, data, seed, metrics)
     * @param tensors tensors by name, in file order
     */
    public record Contents(String kind, JsonNode config, Provenance provenance, Map<String, Tensor> tensors) {

        /** Returns a tensor, failing with the file's tensor names when absent. */
        public Tensor tensor(String name) {
            Tensor t = tensors.get(name);
            if (t == null) {
                throw new IllegalArgumentException("the model file has no tensor '" + name + "'; it has " + tensors.keySet());
            }
            return t;
        }
    }

    private ModelFile() {
    }

    /**
     * Writes a model file atomically, following the rules of {@link dev.llmedt.output} (only a
     * regular file is replaced, links are followed, a read-only file only with
     * {@link WriteOption#REPLACE_READ_ONLY}, permissions as a plain create or the replaced file's).
     *
     * @throws dev.llmedt.output.OutputFileException naming the file and the reason when it is refused
     *     or cannot be written (the previous file is then untouched)
     */
    public static void write(Path file, String kind, JsonNode config, Provenance provenance, List<Tensor> tensors, WriteOption... options)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.put("kind", kind);
        header.set("config", config);
        header.set("provenance", provenance.json());
        ArrayNode list = header.putArray("tensors");
        for (Tensor t : tensors) {
            ObjectNode n = list.addObject();
            n.put("name", t.name());
            ArrayNode shape = n.putArray("shape");
            for (int s : t.shape()) {
                shape.add(s);
            }
        }
        byte[] headerBytes = JSON.writeValueAsBytes(header);
        ChecksummedContainer.write(file, MAGIC, FORMAT_VERSION, headerBytes, body -> {
            for (Tensor t : tensors) {
                body.floats(t.data());
            }
        }, false, options);
    }

    /**
     * Returns the kind of model a file holds ({@code sasrec}, {@code llm-edt}) from its header,
     * without reading the tensors or verifying the checksum ({@link #read} does).
     */
    public static String kind(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new ModelFileException(file, "is a directory, not a model file");
        }
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new ModelFileException(file, "not an llmedt model file (bad magic)");
            }
            int version = Integer.reverseBytes(in.readInt());
            int headerLength = Integer.reverseBytes(in.readInt());
            if (version == FORMAT_VERSION && headerLength >= 2 && headerLength <= Files.size(file) - MAGIC.length - 8 - 32) {
                byte[] header = new byte[headerLength];
                in.readFully(header);
                JsonNode kind = parse(header, 0, headerLength).path("kind");
                if (kind.isTextual()) {
                    return kind.asText();
                }
            }
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, "file not found");
        } catch (java.io.EOFException e) {
            throw new ModelFileException(file, "not an llmedt model file (too short)");
        } catch (JsonProcessingException e) {
            // Said below, by the full check: the same message as loading the file gives.
        } catch (java.nio.file.FileSystemException e) {
            throw new ModelFileException(file, "cannot be read: " + reason(e));
        }
        // The header cannot be read: verify the whole file, which names the fault as read() does.
        return read(file).kind();
    }

    /** The reason of an I/O error without the path (which the message names already). */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static JsonNode parse(byte[] bytes, int offset, int length) throws JsonProcessingException {
        return JSON.readTree(new String(bytes, offset, length, StandardCharsets.UTF_8));
    }

    /** Parses a verified file's header, naming the file when it is not a JSON object. */
    private static JsonNode header(Path file, byte[] bytes, int offset, int length) throws ModelFileException {
        JsonNode header;
        try {
            header = parse(bytes, offset, length);
        } catch (JsonProcessingException e) {
            throw new ModelFileException(file, "invalid header (not JSON: " + e.getOriginalMessage() + ")");
        }
        if (header == null || !header.isObject()) {
            throw new ModelFileException(file, "invalid header: not a JSON object");
        }
        return header;
    }

    /** Returns the domains as the model files' configuration stores them: {@code [{name, first_item, size}, ...]}. */
    public static ArrayNode domainsJson(List<Domain> domains) {
        ArrayNode ds = JSON.createArrayNode();
        for (Domain d : domains) {
            ds.addObject().put("name", d.name()).put("first_item", d.firstItem()).put("size", d.size());
        }
        return ds;
    }

    /**
     * Reads the domains of a configuration written with {@link #domainsJson}.
     *
     * @throws ModelFileException naming the file when they are missing or invalid
     */
    public static List<Domain> domains(Path file, JsonNode json) throws ModelFileException {
        List<Domain> domains = new ArrayList<>();
        try {
            int index = 0;
            for (JsonNode d : json) {
                domains.add(new Domain(index++, d.path("name").asText(), d.path("first_item").asInt(), d.path("size").asInt()));
            }
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "invalid domains: " + e.getMessage());
        }
        if (domains.isEmpty()) {
            throw new ModelFileException(file, "the configuration names no domains");
        }
        return domains;
    }


    /** Reads and verifies a model file. */
    public static Contents read(Path file) throws IOException {
        byte[] bytes;
        if (Files.isDirectory(file)) {
            throw new ModelFileException(file, "is a directory, not a model file");
        }
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, "file not found");
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot be read: " + reason(e));
        }
        if (bytes.length < MAGIC.length + 8 + 32 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new ModelFileException(file, "not an llmedt model file (bad magic or too short: " + bytes.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.position(MAGIC.length);
        int version = b.getInt();
        // The checksum first: a flipped byte in the version field is corruption, not a newer format.
        MessageDigest sha = ChecksummedContainer.sha256();
        sha.update(bytes, 0, bytes.length - 32);
        if (!Arrays.equals(sha.digest(), Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length))) {
            throw new ModelFileException(file, "checksum mismatch: the file is corrupt or truncated"
                    + (version == FORMAT_VERSION ? "" : " (its format version field reads " + version + "; this llmedt reads format "
                    + FORMAT_VERSION + ": if a newer llmedt wrote it, read it with that version)"));
        }
        if (version > FORMAT_VERSION) {
            throw new ModelFileException(file, "written in model format " + version + " by a newer llmedt; this version reads up to "
                    + FORMAT_VERSION + ": upgrade llmedt");
        }
        if (version < 1) {
            throw new ModelFileException(file, "invalid format version " + version);
        }
        int headerLength = b.getInt();
        if (headerLength < 2 || headerLength > bytes.length - b.position() - 32) {
            throw new ModelFileException(file, "invalid header length " + headerLength);
        }
        JsonNode header = header(file, bytes, b.position(), headerLength);
        b.position(b.position() + headerLength);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (JsonNode t : header.path("tensors")) {
            String name = t.path("name").asText();
            List<Integer> dims = new ArrayList<>();
            long n = 1;
            for (JsonNode s : t.path("shape")) {
                if (!s.canConvertToInt() || s.asInt() < 1) {
                    throw new ModelFileException(file, "tensor " + name + " has an invalid dimension " + s);
                }
                dims.add(s.asInt());
                n = Math.min(n * s.asInt(), Integer.MAX_VALUE);
            }
            if (n < 1 || n * 4 > b.remaining() - 32L) {
                throw new ModelFileException(file, "tensor " + name + " " + dims + " does not fit in the file");
            }
            if (tensors.containsKey(name)) {
                throw new ModelFileException(file, "tensor " + name + " appears twice");
            }
            float[] data = new float[(int) n];
            b.asFloatBuffer().get(data);
            b.position(b.position() + (int) n * 4);
            tensors.put(name, new Tensor(name, dims.stream().mapToInt(Integer::intValue).toArray(), data));
        }
        if (b.remaining() != 32) {
            throw new ModelFileException(file, (b.remaining() - 32) + " unexpected bytes after the tensors");
        }
        JsonNode recorded = header.path("provenance");
        if (!recorded.isMissingNode() && !recorded.isObject()) {
            throw new ModelFileException(file, "the header's provenance is not a JSON object");
        }
        Provenance provenance = Provenance.fromJson(recorded);
        if (provenance.datasetFingerprint() != null && !provenance.recordsCatalog()) {
            LOG.warn("{}: written before model files recorded their item catalogue: it loads, but recommend and evaluate cannot check "
                    + "that the data's items are the ones it was trained on (retrain to record it)", file);
        }
        return new Contents(header.path("kind").asText(), header.path("config"), provenance, tensors);
    }
}
