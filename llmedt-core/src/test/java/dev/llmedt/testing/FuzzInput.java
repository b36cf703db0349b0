package dev.llmedt.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one fuzzer input into the files of a reader: the input is cut at NUL bytes into as many
 * parts as there are file names (missing parts are empty files, a part given as a single
 * {@code 0x01} byte is a missing file), so that a seed is the files' text joined by NULs.
 */
public final class FuzzInput {

    /** How long {@code -Pfuzz} fuzzes each target (Jazzer's {@code maxDuration}); regression runs ignore it. */
    public static final String DURATION = "60s";

    /** A part that stands for "no such file". */
    private static final byte[] ABSENT = {1};

    private static final Path ROOT = root();

    private static Path root() {
        try {
            Path root = Files.createTempDirectory("llmedt-fuzz");
            root.toFile().deleteOnExit();
            return root;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private FuzzInput() {
    }

    /** Cuts the input at NUL bytes into {@code parts} parts (the last one keeps any further NULs). */
    public static List<byte[]> split(byte[] input, int parts) {
        List<byte[]> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < input.length && out.size() < parts - 1; i++) {
            if (input[i] == 0) {
                out.add(Arrays.copyOfRange(input, from, i));
                from = i + 1;
            }
        }
        out.add(Arrays.copyOfRange(input, Math.min(from, input.length), input.length));
        while (out.size() < parts) {
            out.add(new byte[0]);
        }
        return out;
    }

    /** Writes the parts of the input as the named files of a fresh temporary directory; returns the directory. */
    public static Path files(byte[] input, String... names) throws IOException {
        Path dir = Files.createTempDirectory(ROOT, "input");
        List<byte[]> parts = split(input, names.length);
        for (int i = 0; i < names.length; i++) {
            if (!Arrays.equals(parts.get(i), ABSENT)) {
                Files.write(dir.resolve(names[i]), parts.get(i));
            }
        }
        return dir;
    }

    /** Deletes a directory made by {@link #files} and what is in it. */
    public static void delete(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    /**
     * Returns the bytes with their last 32 replaced by the SHA-256 of everything before (the trailer
     * of the model and checkpoint containers), so that the fuzzer reaches the parsing behind the
     * checksum; inputs shorter than the trailer are returned as they are.
     */
    public static byte[] resealed(byte[] bytes) {
        if (bytes.length < 32) {
            return bytes;
        }
        byte[] out = bytes.clone();
        System.arraycopy(sha256(bytes, bytes.length - 32), 0, out, bytes.length - 32, 32);
        return out;
    }

    /** Returns the SHA-256 of the first {@code length} bytes. */
    public static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
