package dev.llmedt.text;

import dev.llmedt.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent cache of language model outputs (embeddings and generated texts), content-addressed
 * by (model id, exact input text), so that a second run over the same data asks no model.
 *
 * <p>Wrap an encoder or generator with {@link #cached(TextEncoder)} or
 * {@link #cached(TextGenerator)}; the wrappers have the same model id and contract.
 *
 * <p><b>Layout.</b> One file per entry, {@code DIR/embeddings/ab/<sha256>} or
 * {@code DIR/texts/ab/<sha256>}, where the SHA-256 is over the kind, the model id and the input
 * text, and {@code ab} its first two hex digits (256 sub-directories keep directories small up to
 * millions of entries). {@code DIR/llmedt-cache.json} names the format version. An entry holds a
 * magic number, the format version, the kind, the model id, the input text, the payload
 * (little-endian float32 vector or UTF-8 text) and a CRC-32C over all of it.
 *
 * <p><b>Safety.</b> An entry is written to a temporary file in its directory and renamed over its
 * final name, so a reader sees a whole entry or none, and a crash leaves at worst a stray
 * temporary file. On reading, the magic, version, lengths, checksum, model id and input text are
 * verified: a corrupt or truncated entry (disk error, crash during a write on a file system
 * without atomic rename, manual edits) is logged at WARN, counted, and recomputed, never returned.
 * Entries are not synced to disk: after a power loss an entry may be lost or corrupt, which is
 * detected the same way. Any number of threads of one JVM may use one cache; two writers of the
 * same entry write the same bytes. Several JVMs sharing a directory are safe too, as long as the
 * file system renames atomically.
 */
public final class TextCache {

    private static final Logger LOG = LoggerFactory.getLogger(TextCache.class);

    static final int FORMAT_VERSION = 1;
    private static final String MARKER = "llmedt-cache.json";
    private static final int MAGIC = 0x434D4C4C; // "LLMC" little-endian
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What an entry holds. */
    enum Kind {
        EMBEDDING("embeddings", (byte) 1), TEXT("texts", (byte) 2);

        final String directory;
        final byte code;

        Kind(String directory, byte code) {
            this.directory = directory;
            this.code = code;
        }
    }

    /**
     * How a cache has been used since it was opened.
     *
     * @param hits inputs answered from the cache
     * @param misses inputs the model had to answer (a text repeated within one call counts each time)
     * @param corrupt entries found corrupt or truncated (each also counts as a miss)
     * @param writes entries written
     * @param writeFailures entries that could not be written (the value was still returned)
     */
    public record Statistics(long hits, long misses, long corrupt, long writes, long writeFailures) {
    }

    private final Path directory;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong writeFailures = new AtomicLong();
    private final AtomicBoolean writeFailureLogged = new AtomicBoolean();

    private TextCache(Path directory) {
        this.directory = directory;
    }

    /**
     * Opens (creating when needed) a cache directory.
     *
     * @throws IOException when the directory cannot be created (an {@link dev.llmedt.output.OutputFileException}
     *     naming it and the reason) or holds a cache of another format version
     */
    public static TextCache open(Path directory) throws IOException {
        Objects.requireNonNull(directory, "directory");
        if (!Files.isDirectory(directory)) { // an existing read-only cache is still read; its misses are not stored
            AtomicFiles.checkDirectory(directory, "the cache directory");
        }
        Files.createDirectories(directory);
        Path marker = directory.resolve(MARKER);
        if (Files.exists(marker)) {
            JsonNode json;
            try {
                json = JSON.readTree(marker.toFile());
            } catch (IOException e) {
                throw new IOException(marker + ": not a cache description (" + e.getMessage() + ")", e);
            }
            if (!"llmedt-text-cache".equals(json.path("format").asText()) || json.path("version").asInt() != FORMAT_VERSION) {
                throw new IOException(marker + ": a cache of format " + json.path("format").asText("?") + " version "
                        + json.path("version").asText("?") + "; this llmedt reads llmedt-text-cache version " + FORMAT_VERSION
                        + ". Use another --cache directory or delete this one");
            }
        } else {
            String text = "{\"format\": \"llmedt-text-cache\", \"version\": " + FORMAT_VERSION + "}\n";
            AtomicFiles.write(marker, text.getBytes(StandardCharsets.UTF_8));
        }
        return new TextCache(directory);
    }

    /** Returns the cache directory. */
    public Path directory() {
        return directory;
    }

    /**
     * Returns an encoder that answers from this cache and asks {@code encoder} only for texts it
     * has not seen (once per distinct text of a call). Closing the returned encoder does not close
     * {@code encoder}.
     */
    public TextEncoder cached(TextEncoder encoder) {
        return new CachedTextEncoder(this, encoder);
    }

    /**
     * Returns a generator that answers from this cache and asks {@code generator} only for prompts
     * it has not seen. Closing the returned generator does not close {@code generator}.
     */
    public TextGenerator cached(TextGenerator generator) {
        return new CachedTextGenerator(this, generator);
    }

    /** Returns the counts of hits, misses, corrupt entries and writes since the cache was opened. */
    public Statistics statistics() {
        return new Statistics(hits.get(), misses.get(), corrupt.get(), writes.get(), writeFailures.get());
    }

    // ----------------------------------------------------------------------------------------
    // Entries

    /** Returns the cached vector, or null (counted as a miss) when absent, corrupt or of another dimension. */
    float[] getEmbedding(String modelId, String text, int dimension) {
        byte[] payload = read(Kind.EMBEDDING, modelId, text);
        if (payload != null && payload.length != 4 * dimension) {
            reportCorrupt(path(Kind.EMBEDDING, modelId, text), "holds a vector of " + payload.length / 4
                    + " values, the encoder's dimension is " + dimension);
            payload = null;
        }
        if (payload == null) {
            misses.incrementAndGet();
            return null;
        }
        hits.incrementAndGet();
        float[] v = new float[dimension];
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    void putEmbedding(String modelId, String text, float[] vector) {
        ByteBuffer b = ByteBuffer.allocate(4 * vector.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(vector);
        write(Kind.EMBEDDING, modelId, text, b.array());
    }

    /** Returns the cached text, or null (counted as a miss) when absent or corrupt. */
    String getText(String modelId, String prompt) {
        byte[] payload = read(Kind.TEXT, modelId, prompt);
        if (payload == null) {
            misses.incrementAndGet();
            return null;
        }
        hits.incrementAndGet();
        return new String(payload, StandardCharsets.UTF_8);
    }

    void putText(String modelId, String prompt, String output) {
        write(Kind.TEXT, modelId, prompt, output.getBytes(StandardCharsets.UTF_8));
    }

    /** Counts inputs answered by a computation already counted (repeats within one call). */
    void countMisses(int n) {
        misses.addAndGet(n);
    }

    /** Returns the file of an entry (for tests and diagnostics). */
    Path path(Kind kind, String modelId, String text) {
        String hex = HexFormat.of().formatHex(key(kind, modelId, text));
        return directory.resolve(kind.directory).resolve(hex.substring(0, 2)).resolve(hex);
    }

    private static byte[] key(Kind kind, String modelId, String text) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] id = modelId.getBytes(StandardCharsets.UTF_8);
        md.update(kind.code);
        md.update(ByteBuffer.allocate(4).putInt(id.length).array());
        md.update(id);
        md.update(text.getBytes(StandardCharsets.UTF_8));
        return md.digest();
    }

    private byte[] read(Kind kind, String modelId, String text) {
        Path file = path(kind, modelId, text);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            reportCorrupt(file, "cannot be read: " + e.getMessage());
            return null;
        }
        String problem = null;
        byte[] payload = null;
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (bytes.length < 4 + 4 + 1 + 4 * 3 + 4) {
                problem = "is truncated (" + bytes.length + " bytes)";
            } else if (b.getInt() != MAGIC) {
                problem = "does not start with the cache entry magic number";
            } else {
                CRC32C crc = new CRC32C();
                crc.update(bytes, 0, bytes.length - 4);
                int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                int version = b.getInt();
                if ((int) crc.getValue() != stored) {
                    problem = "fails its checksum (truncated or altered)";
                } else if (version != FORMAT_VERSION) {
                    problem = "has format version " + version + ", expected " + FORMAT_VERSION;
                } else if (b.get() != kind.code) {
                    problem = "holds another kind of entry";
                } else {
                    String storedModel = string(b, bytes.length - 4);
                    String storedText = string(b, bytes.length - 4);
                    payload = bytes(b, bytes.length - 4);
                    if (b.position() != bytes.length - 4) {
                        problem = "has " + (bytes.length - 4 - b.position()) + " unexpected bytes after its payload";
                    } else if (!storedModel.equals(modelId) || !storedText.equals(text)) {
                        problem = "belongs to another input (model '" + storedModel + "')";
                    }
                }
            }
        } catch (RuntimeException e) {
            problem = "is malformed: " + e.getMessage();
        }
        if (problem != null) {
            reportCorrupt(file, problem);
            return null;
        }
        return payload;
    }

    private static String string(ByteBuffer b, int end) {
        return new String(bytes(b, end), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer b, int end) {
        int n = b.getInt();
        if (n < 0 || n > end - b.position()) {
            throw new IllegalStateException("a length field says " + n + " bytes but " + (end - b.position()) + " remain");
        }
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private void reportCorrupt(Path file, String problem) {
        corrupt.incrementAndGet();
        LOG.warn("cache entry {} {}; ignoring it and recomputing", file, problem);
    }

    private void write(Kind kind, String modelId, String text, byte[] payload) {
        byte[] id = modelId.getBytes(StandardCharsets.UTF_8);
        byte[] in = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + 4 + 1 + 4 + id.length + 4 + in.length + 4 + payload.length + 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(FORMAT_VERSION).put(kind.code);
        b.putInt(id.length).put(id).putInt(in.length).put(in).putInt(payload.length).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        Path file = path(kind, modelId, text);
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, b.array());
            writes.incrementAndGet();
        } catch (IOException | UncheckedIOException e) {
            writeFailures.incrementAndGet();
            if (writeFailureLogged.compareAndSet(false, true)) {
                LOG.warn("cannot write cache entry {} ({}); results are returned but not cached "
                        + "(further failures are counted, not logged)", file, e.getMessage());
            }
        }
    }
}
