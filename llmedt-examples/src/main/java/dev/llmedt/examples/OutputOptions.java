package dev.llmedt.examples;

import dev.llmedt.io.AtomicFiles;
import dev.llmedt.output.OutputFileException;
import dev.llmedt.output.WriteOption;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --force} option of every command that writes files, the checks those commands make
 * before any work (so that an output that would be refused is found in a second, not after
 * training), and the fallback that keeps an expensive result when its final write still fails.
 * The rules themselves are {@link dev.llmedt.output}'s.
 */
public final class OutputOptions {

    @Option(names = "--force", description = "Replace output files that are read-only (by default such a file is refused before any "
            + "work; the new file keeps its permissions). A directory, device or FIFO at an output path is never replaced; a "
            + "symbolic link is followed.")
    boolean force;

    /** A writer of one result to a file. */
    @FunctionalInterface
    public interface FileWriter {
        /** Writes the result to {@code file}. */
        void writeTo(Path file) throws IOException;
    }

    /** Returns the write options --force asks for. */
    public WriteOption[] writeOptions() {
        return force ? new WriteOption[] {WriteOption.REPLACE_READ_ONLY} : new WriteOption[0];
    }

    /**
     * Fails, before any work, when the file would be refused or cannot be written (see
     * {@link AtomicFiles#checkWritable}); a read-only file's message says that --force replaces it.
     *
     * @param what what the file is, with its option, e.g. "the model file (--out)"
     */
    public void checkFile(Path file, String what) throws OutputFileException {
        try {
            AtomicFiles.checkWritable(file, what, writeOptions());
        } catch (OutputFileException e) {
            if (!e.readOnly()) {
                throw e;
            }
            throw new OutputFileException(file, what, e.getReason() + "; give --force to replace it", true, e);
        }
    }

    /** Fails, before any work, when files cannot be written in the directory (see {@link AtomicFiles#checkDirectory}). */
    public void checkDirectory(Path directory, String what) throws OutputFileException {
        AtomicFiles.checkDirectory(directory, what);
    }

    /**
     * Writes an expensive result (a trained model, embeddings, insertions) to its file; when that
     * fails after all (a full disk, a directory changed meanwhile), writes it to a new directory
     * {@code llmedt-kept-*} in the system's temporary directory (or, failing that, the home
     * directory) under the same file name, and fails with a message that names the file, the
     * reason and where the result was kept.
     *
     * @param what what the file is, e.g. "the model file (--out)"
     */
    public static void writeOrKeep(Path file, String what, FileWriter writer) throws IOException {
        writeOrKeep(file, what, writer, List.of(Path.of(System.getProperty("java.io.tmpdir")), Path.of(System.getProperty("user.home"))));
    }

    /** {@link #writeOrKeep(Path, String, FileWriter)} with the fallback directories given (in order). */
    static void writeOrKeep(Path file, String what, FileWriter writer, List<Path> fallbacks) throws IOException {
        try {
            writer.writeTo(file);
        } catch (IOException e) {
            String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : String.valueOf(e.getMessage());
            List<String> failures = new ArrayList<>();
            for (Path base : fallbacks) {
                Path directory = null;
                Path kept;
                try {
                    directory = Files.createTempDirectory(base, "llmedt-kept-");
                    kept = directory.resolve(file.getFileName());
                    writer.writeTo(kept);
                } catch (IOException | RuntimeException k) {
                    failures.add(base + " (" + k.getMessage() + ")");
                    deleteIfEmpty(directory);
                    continue;
                }
                throw new OutputFileException(file, what, reason + "; it was written to " + kept + " instead (move it into place)", false, e);
            }
            throw new OutputFileException(file, what, reason + "; keeping it elsewhere failed too: " + String.join(", ", failures), false, e);
        }
    }

    private static void deleteIfEmpty(Path directory) {
        if (directory == null) {
            return;
        }
        try {
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // not empty: what the failed write left is there for the user to see
        }
    }
}
