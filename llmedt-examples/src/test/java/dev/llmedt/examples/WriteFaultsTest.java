package dev.llmedt.examples;

import static dev.llmedt.examples.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmedt.output.OutputFileException;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.testing.SpecialFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fault injection for the command line's writes: what stands at an output path (device, FIFO, link,
 * directory, read-only file, unwritable directory) is found before any work and named with the
 * reason; a final write that still fails (a full disk) keeps the trained model and says where.
 */
class WriteFaultsTest {

    @TempDir
    static Path shared;
    private static Path data;
    private static Path model;

    @BeforeAll
    static void dataAndModel() throws IOException {
        data = shared.resolve("syn");
        assertEquals(0, run("generate-synthetic", "--out", data.toString(), "--seed", "5").status());
        model = shared.resolve("m.llmedt");
        CliRunner.Result t = run(train(model, shared.resolve("unused-checkpoints")));
        assertEquals(0, t.status(), t.err());
    }

    /** A quick training command writing checkpoints, so that a test can see whether training started. */
    private static String[] train(Path out, Path checkpoints, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", out.toString(), "--max-epochs", "1",
                "--dim", "8", "--threads", "1", "--checkpoints", checkpoints.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** Runs train to {@code out}; asserts it failed with the path and the reason and that training never started. */
    private static void assertRefusedBeforeTraining(Path dir, Path out, String reason) {
        Path checkpoints = dir.resolve("checkpoints");
        CliRunner.Result r = run(train(out, checkpoints));
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("cannot write the model file (--out) " + out + ": " + reason), r.err());
        assertFalse(Files.exists(checkpoints), "refused before training (no checkpoint directory)");
    }

    @ParameterizedTest
    @EnumSource(SpecialFiles.Kind.class)
    void trainRefusesAFifoOrDeviceAtOutBeforeTraining(SpecialFiles.Kind kind, @TempDir Path dir) throws IOException {
        Path special = dir.resolve("special");
        kind.make(special);
        assertRefusedBeforeTraining(dir, special, "it is a " + kind.description() + ", not a regular file; only a regular file is replaced");
        assertTrue(SpecialFiles.isSpecial(special), "the " + kind.description() + " is still there");
    }

    @Test
    void trainRefusesADirectoryOrALinkToOneAtOutAndFollowsALinkToAFile(@TempDir Path dir) throws IOException {
        Path directory = Files.createDirectory(dir.resolve("models"));
        assertRefusedBeforeTraining(dir, directory, "it is a directory; give a file name");
        Path link = Files.createSymbolicLink(dir.resolve("link"), directory);
        assertRefusedBeforeTraining(dir, link, "it is a symbolic link to " + directory + ", which is a directory");

        Path current = Files.createSymbolicLink(dir.resolve("current.llmedt"), directory.resolve("v2.llmedt"));
        CliRunner.Result r = run(train(current, dir.resolve("checkpoints")));
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.isSymbolicLink(current), "the link stays");
        assertEquals(SasRecModel.load(directory.resolve("v2.llmedt")).tensorNames(), SasRecModel.load(current).tensorNames());
    }

    @Test
    void everyCommandThatWritesRefusesWhatIsNotAFileAtItsOutputBeforeWorking(@TempDir Path dir) throws IOException {
        Path d = Files.createDirectory(dir.resolve("a-directory"));
        String reason = ": it is a directory; give a file name";
        assertRefused(d + reason, "recommend", "--model", model.toString(), "--data", data.toString(), "--split", "test", "--out", d.toString());
        assertRefused(d + reason, "evaluate", "--model", model.toString(), "--data", data.toString(), "--per-user", d.toString());
        assertRefused(d + reason, "export-onnx", "--model", model.toString(), "--out", d.toString());
        assertRefused(d + reason, "encode", "--data", data.toString(), "--out", d.toString());
        assertRefused(d + reason, "augment", "--data", data.toString(), "--out", d.toString());
        assertRefused(d + reason, "train", "--method", "llm-edt", "--data", data.toString(), "--out", d.toString());
        Path sidecarDirectory = Files.createDirectory(dir.resolve("e.f32.json"));
        assertRefused(sidecarDirectory + reason, "encode", "--data", data.toString(), "--out", dir.resolve("e.f32").toString());

        Path f = Files.writeString(dir.resolve("a-file"), "x");
        String notDirectory = ": it is a regular file, not a directory";
        assertRefused(f + notDirectory, "generate-synthetic", "--out", f.toString());
        assertRefused(f + notDirectory, "quickstart", "--out", f.toString());
        assertRefused(f + notDirectory, "experiment", "--study", "insertion", "--data", data.toString(), "--out", f.toString());
        assertRefused(f + notDirectory, "train", "--data", data.toString(), "--out", dir.resolve("m").toString(), "--checkpoints", f.toString());
        Path report = Files.createDirectories(dir.resolve("report/index.html"));
        assertRefused(report + reason, "quickstart", "--out", report.getParent().toString());
        assertEquals("x", Files.readString(f));
    }

    private static void assertRefused(String message, String... args) {
        CliRunner.Result r = run(args);
        assertEquals(1, r.status(), String.join(" ", args) + ": " + r.err());
        assertTrue(r.err().startsWith("error: cannot write ") && r.err().contains(message), r.err());
    }

    @Test
    void aReadOnlyModelIsReplacedOnlyWithForceAndStaysReadOnly(@TempDir Path dir) throws IOException {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"));
        Path out = dir.resolve("m.llmedt");
        Files.copy(model, out);
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("r--r--r--"));
        byte[] before = Files.readAllBytes(out);
        assertRefusedBeforeTraining(dir, out, "it is read-only (permissions r--r--r--); give --force to replace it");
        assertArrayEquals(before, Files.readAllBytes(out));

        CliRunner.Result forced = run(train(out, dir.resolve("checkpoints"), "--seed", "7", "--force"));
        assertEquals(0, forced.status(), forced.err());
        assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(out)), "replaced");
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    }

    @Test
    void outputsGetThePermissionsOfAPlainCreateAndReplacedOnesKeepTheirs(@TempDir Path dir) throws IOException {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"));
        String plain = PosixFilePermissions.toString(Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain"))));
        Path tsv = dir.resolve("top.tsv");
        String[] recommend = {"recommend", "--model", model.toString(), "--data", data.toString(), "--split", "test", "--out", tsv.toString()};
        assertEquals(0, run(recommend).status());
        assertEquals(plain, PosixFilePermissions.toString(Files.getPosixFilePermissions(tsv)), "as a plain create (the umask applies)");
        assertEquals(plain, PosixFilePermissions.toString(Files.getPosixFilePermissions(model)));
        Files.setPosixFilePermissions(tsv, PosixFilePermissions.fromString("rw-rw-r--"));
        assertEquals(0, run(recommend).status());
        assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(tsv)), "the replaced file's");
    }

    @Test
    void anUnwritableOutIsFoundBeforeTraining(@TempDir Path dir) throws Exception {
        Path locked = dir.resolve("locked");
        try (AutoCloseable unwritable = SpecialFiles.unwritableDirectory(locked)) {
            assertRefusedBeforeTraining(dir, locked.resolve("m.llmedt"), "the directory " + locked + " is ");
            assertRefusedBeforeTraining(dir, locked.resolve("new/m.llmedt"), "the directory " + locked + " is ");
        }
    }

    @Test
    void aModelThatCannotBeWrittenAfterTrainingIsKeptAndTheErrorSaysWhere(@TempDir Path dir) throws Exception {
        Path small = dir.resolve("small");
        Path kept = null;
        try (SpecialFiles.Mount m = SpecialFiles.tmpfs(small, "4k")) { // one page: less than the model
            Path out = small.resolve("m.llmedt");
            CliRunner.Result r = run(train(out, dir.resolve("checkpoints")));
            assertEquals(1, r.status(), r.err());
            Matcher where = Pattern.compile("error: cannot write the model file \\(--out\\) " + Pattern.quote(out.toString())
                    + ": No space left on device; it was written to (\\S+) instead \\(move it into place\\)").matcher(r.err().strip());
            assertTrue(where.matches(), r.err());
            kept = Path.of(where.group(1));
            assertEquals("m.llmedt", kept.getFileName().toString());
            assertEquals(SasRecModel.load(model).tensorNames(), SasRecModel.load(kept).tensorNames(), "the trained model is whole");
            assertFalse(Files.exists(out));
        } finally {
            if (kept != null) {
                Files.deleteIfExists(kept);
                Files.deleteIfExists(kept.getParent());
            }
        }
    }

    @Test
    void writeOrKeepTriesEachFallbackAndNamesThemAll(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("out/m.llmedt");
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        Path usable = Files.createDirectory(dir.resolve("usable"));
        OutputOptions.FileWriter failsAtTarget = file -> {
            if (file.equals(target)) {
                throw new IOException("No space left on device");
            }
            Files.writeString(file, "model");
        };
        OutputFileException e = assertThrows(OutputFileException.class,
                () -> OutputOptions.writeOrKeep(target, "the model file (--out)", failsAtTarget, List.of(notADirectory, usable)));
        Matcher m = Pattern.compile("cannot write the model file \\(--out\\) " + Pattern.quote(target.toString())
                + ": No space left on device; it was written to (\\S+) instead \\(move it into place\\)").matcher(e.getMessage());
        assertTrue(m.matches(), e.getMessage());
        Path kept = Path.of(m.group(1));
        assertEquals(usable, kept.getParent().getParent());
        assertEquals("model", Files.readString(kept));

        OutputOptions.FileWriter failsEverywhere = file -> {
            throw new IOException("Read-only file system");
        };
        OutputFileException none = assertThrows(OutputFileException.class,
                () -> OutputOptions.writeOrKeep(target, "the model file (--out)", failsEverywhere, List.of(notADirectory, usable)));
        assertTrue(none.getMessage().startsWith("cannot write the model file (--out) " + target
                + ": Read-only file system; keeping it elsewhere failed too: " + notADirectory + " ("), none.getMessage());
        assertTrue(none.getMessage().contains(usable + " (Read-only file system)"), none.getMessage());
        try (var left = Files.list(usable)) {
            assertEquals(1, left.count(), "the failed fallback leaves no empty directory");
        }
    }
}
