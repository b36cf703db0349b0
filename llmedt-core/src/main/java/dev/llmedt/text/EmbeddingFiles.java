package dev.llmedt.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.llmedt.io.AtomicFiles;
import dev.llmedt.output.WriteOption;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file format of {@link ItemEmbeddings}: the raw matrix file and its JSON sidecar, written
 * with their checksum and read back with the sidecar, size, checksum and rows checked. The
 * format is described on {@link ItemEmbeddings}; its public methods delegate here.
 */
final class EmbeddingFiles {

    /** Logs as {@link ItemEmbeddings}, whose file reading this is. */
    private static final Logger LOG = LoggerFactory.getLogger(ItemEmbeddings.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String FORMAT = "llmedt-item-embeddings";
    private static final int VERSION = 1;

    private EmbeddingFiles() {
    }

    /** See {@link ItemEmbeddings#sidecar}. */
    static Path sidecar(Path matrixFile) {
        return matrixFile.resolveSibling(matrixFile.getFileName() + ".json");
    }

    /** See {@link ItemEmbeddings#write}. */
    static void write(ItemEmbeddings embeddings, Path matrixFile, WriteOption... options) throws IOException {
        AtomicFiles.checkWritable(matrixFile, "the embeddings file", options);
        AtomicFiles.checkWritable(sidecar(matrixFile), "the embeddings metadata file", options);
        ByteBuffer bytes = ByteBuffer.allocate(4 * embeddings.matrix.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(embeddings.matrix);
        byte[] data = bytes.array();
        AtomicFiles.write(matrixFile, data, options);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("version", VERSION);
        meta.put("rows", embeddings.rows());
        meta.put("dimension", embeddings.dimension());
        meta.put("dtype", "float32");
        meta.put("byte_order", "little_endian");
        meta.put("model_id", embeddings.modelId());
        meta.put("template", embeddings.template());
        meta.put("items_without_text", embeddings.itemsWithoutText());
        if (!embeddings.catalogFingerprint.isEmpty()) {
            meta.put("catalog_fingerprint", embeddings.catalogFingerprint);
        }
        if (!embeddings.domainNames.isEmpty()) {
            meta.put("domains", embeddings.domainNames);
        }
        meta.put("sha256", HexFormat.of().formatHex(sha256().digest(data)));
        AtomicFiles.write(sidecar(matrixFile), JSON.writeValueAsBytes(meta), options);
    }

    /** See {@link ItemEmbeddings#read}. */
    static ItemEmbeddings read(Path matrixFile) throws IOException {
        Path side = sidecar(matrixFile);
        if (!Files.isRegularFile(side)) {
            throw new IOException(side + ": missing; an embedding matrix needs its sidecar JSON (rows, dimension, model id)");
        }
        JsonNode meta;
        try {
            meta = JSON.readTree(side.toFile());
        } catch (IOException e) {
            throw new IOException(side + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        if (!FORMAT.equals(meta.path("format").asText()) || meta.path("version").asInt() != VERSION) {
            throw new IOException(side + ": format " + meta.path("format").asText("?") + " version " + meta.path("version").asText("?")
                    + ", expected " + FORMAT + " version " + VERSION);
        }
        List<String> missing = new ArrayList<>();
        for (String f : List.of("rows", "dimension", "model_id", "template", "sha256")) {
            if (!meta.hasNonNull(f)) {
                missing.add(f);
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException(side + ": missing fields " + missing);
        }
        int rows = meta.get("rows").canConvertToInt() ? meta.get("rows").asInt(-1) : -1;
        int dim = meta.get("dimension").canConvertToInt() ? meta.get("dimension").asInt(-1) : -1;
        if (!meta.get("rows").isIntegralNumber() || !meta.get("dimension").isIntegralNumber() || rows < 0 || dim < 1) {
            throw new IOException(side + ": rows " + meta.get("rows") + " and dimension " + meta.get("dimension") + " must be integers >= 0 and >= 1");
        }
        String dtype = meta.path("dtype").asText("float32");
        int width = switch (dtype) {
            case "float32" -> 4;
            case "float64" -> 8;
            default -> throw new IOException(side + ": dtype " + quote(dtype) + " is not supported; float32 and float64 are");
        };
        String byteOrderName = meta.path("byte_order").asText("little_endian");
        ByteOrder order = switch (byteOrderName) {
            case "little_endian" -> ByteOrder.LITTLE_ENDIAN;
            case "big_endian" -> ByteOrder.BIG_ENDIAN;
            default -> throw new IOException(side + ": byte_order " + quote(byteOrderName)
                    + " is not supported; little_endian and big_endian are");
        };
        long expected = (long) width * rows * dim;
        if (!Files.isRegularFile(matrixFile)) {
            throw new IOException(matrixFile + ": missing");
        }
        long size = Files.size(matrixFile);
        if (size != expected) {
            throw new IOException(matrixFile + ": " + size + " bytes, but " + rows + " x " + dim + " " + dtype + " need " + expected);
        }
        if (expected > Integer.MAX_VALUE - 8) {
            throw new IOException(matrixFile + ": " + expected + " bytes is more than one Java array holds");
        }
        MessageDigest md = sha256();
        byte[] data = new byte[(int) expected];
        try (InputStream in = new DigestInputStream(Files.newInputStream(matrixFile), md)) {
            int off = 0;
            while (off < data.length) {
                int r = in.read(data, off, data.length - off);
                if (r < 0) {
                    throw new IOException(matrixFile + ": ended after " + off + " bytes");
                }
                off += r;
            }
        }
        String sha = HexFormat.of().formatHex(md.digest());
        if (!sha.equals(meta.get("sha256").asText())) {
            throw new IOException(matrixFile + ": checksum " + sha + " does not match " + meta.get("sha256").asText() + " in " + side
                    + " (the file was altered or truncated)");
        }
        float[] m = new float[rows * dim];
        ByteBuffer buffer = ByteBuffer.wrap(data).order(order);
        if (width == 4) {
            buffer.asFloatBuffer().get(m);
        } else {
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) buffer.getDouble();
            }
        }
        try {
            ItemEmbeddings.checkRows(m, rows, dim, matrixFile.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        String catalog = meta.path("catalog_fingerprint").asText("");
        if (catalog.isEmpty()) {
            LOG.warn("{}: records no item catalogue (written by an older llmedt, or from vectors made elsewhere): they can be checked "
                    + "against a dataset by their row count only (encode again to record it)", side);
        }
        List<String> domains = new ArrayList<>();
        meta.path("domains").forEach(n -> domains.add(n.asText()));
        return new ItemEmbeddings(m, rows, dim, meta.get("model_id").asText(), meta.get("template").asText(), catalog, domains);
    }

    private static String quote(String value) {
        return "'" + ItemEmbeddings.shorten(value) + "'";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
