package dev.llmedt.io;

import dev.llmedt.output.WriteOption;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Writes the binary container of the model and checkpoint files: magic, int32 LE format version,
 * int32 LE header length, the header, a little-endian body, and a SHA-256 of everything before it;
 * atomically (and durably when asked). Readers check the magic, the version and the checksum.
 */
public final class ChecksummedContainer {

    /** Writes the body's values, little-endian, through a buffer. */
    public static final class Body {
        private final OutputStream out;
        private final ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private Body(OutputStream out) {
            this.out = out;
        }

        /** Appends float32 values. */
        public Body floats(float[] values) throws IOException {
            for (float v : values) {
                if (chunk.remaining() < 4) {
                    drain();
                }
                chunk.putFloat(v);
            }
            return this;
        }

        /** Appends int32 values. */
        public Body ints(int[] values) throws IOException {
            for (int v : values) {
                if (chunk.remaining() < 4) {
                    drain();
                }
                chunk.putInt(v);
            }
            return this;
        }

        private void drain() throws IOException {
            out.write(chunk.array(), 0, chunk.position());
            chunk.clear();
        }
    }

    /** Writes a body. */
    @FunctionalInterface
    public interface BodyWriter {
        /** Appends the body's values. */
        void writeTo(Body body) throws IOException;
    }

    private ChecksummedContainer() {
    }

    /**
     * Writes a container file atomically ({@link AtomicFiles#write}), or also durably
     * ({@link AtomicFiles#writeDurably}); on failure the previous file is untouched.
     */
    public static void write(Path file, byte[] magic, int version, byte[] header, BodyWriter body, boolean durable, WriteOption... options)
            throws IOException {
        AtomicFiles.Content content = raw -> {
            MessageDigest sha = sha256();
            DigestOutputStream out = new DigestOutputStream(raw, sha);
            out.write(magic);
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(version).putInt(header.length).array());
            out.write(header);
            Body b = new Body(out);
            body.writeTo(b);
            b.drain();
            out.on(false);
            raw.write(sha.digest());
        };
        if (durable) {
            AtomicFiles.writeDurably(file, content, options);
        } else {
            AtomicFiles.write(file, content, options);
        }
    }

    /** Returns a SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
