package dev.llmedt.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmedt.output.OutputFileException;
import dev.llmedt.output.WriteOption;
import dev.llmedt.testing.SpecialFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Atomic writes and the rules of {@code dev.llmedt.output}, with faults injected: the target holds
 * the old content or the new one, whole; only a regular file is replaced; failures name the file
 * and the reason and leave nothing behind.
 */
class AtomicFilesTest {

    private static List<String> names(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static AtomicFiles.Content text(String s) {
        return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void assumePosix(Path dir) throws IOException {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "needs POSIX permissions");
    }

    private static String permissions(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aDurableWriteReplacesTheFileAndAFailedOneKeepsThePrevious(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.ckpt");
        AtomicFiles.writeDurably(file, text("first"));
        assertEquals("first", Files.readString(file));
        AtomicFiles.writeDurably(file, text("second"));
        assertEquals("second", Files.readString(file));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeDurably(file, out -> {
            out.write(new byte[100_000]); // some of it reaches the temporary file
            throw new IOException("No space left on device");
        }));
        assertEquals("cannot write " + file + ": No space left on device; the previous file is unchanged", e.getMessage());
        assertEquals("second", Files.readString(file), "the previous content is kept");
        assertEquals(List.of("state.ckpt"), names(dir), "no temporary file is left");
    }

    @Test
    void temporariesOfAKilledWriterAreDeleted(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("state.ckpt"), "kept");
        Files.writeString(dir.resolve(".state.ckpt123.tmp"), "half");
        Files.writeString(dir.resolve(".other.ckpt9.tmp"), "someone else's");
        AtomicFiles.deleteTemporaries(dir.resolve("state.ckpt"));
        assertEquals(List.of(".other.ckpt9.tmp", "state.ckpt"), names(dir));
        AtomicFiles.deleteTemporaries(dir.resolve("missing/state.ckpt"));
    }

    @Test
    void aDirectoryAtTheTargetIsRefusedAndLeftAlone(@TempDir Path dir) throws IOException {
        Path target = Files.createDirectory(dir.resolve("model.llmedt"));
        Files.writeString(target.resolve("inside"), "kept");
        OutputFileException e = assertThrows(OutputFileException.class, () -> AtomicFiles.write(target, text("x")));
        assertEquals("cannot write " + target + ": it is a directory; give a file name", e.getMessage());
        assertEquals("kept", Files.readString(target.resolve("inside")));
        assertEquals(List.of("model.llmedt"), names(dir));
        OutputFileException checked = assertThrows(OutputFileException.class, () -> AtomicFiles.checkWritable(target, "the model file"));
        assertEquals("cannot write the model file " + target + ": it is a directory; give a file name", checked.getMessage());
    }

    @ParameterizedTest
    @EnumSource(SpecialFiles.Kind.class)
    void aFifoOrDeviceAtTheTargetIsRefusedAndLeftAlone(SpecialFiles.Kind kind, @TempDir Path dir) throws IOException {
        Path special = dir.resolve("out.tsv");
        kind.make(special);
        assertRefusedAndLeftAlone(dir, special, kind.description());
    }

    /** Both writers refuse the special file, naming it and its kind; it stays, and no temporary file is left. */
    private static void assertRefusedAndLeftAlone(Path dir, Path special, String kind) throws IOException {
        String expected = "cannot write " + special + ": it is a " + kind + ", not a regular file; only a regular file is replaced";
        assertEquals(expected, assertThrows(OutputFileException.class, () -> AtomicFiles.write(special, text("x"))).getMessage());
        assertEquals(expected, assertThrows(OutputFileException.class, () -> AtomicFiles.writeDurably(special, text("x"))).getMessage());
        assertTrue(SpecialFiles.isSpecial(special), "still there");
        assertEquals(List.of(special.getFileName().toString()), names(dir));
    }

    @Test
    void aSymbolicLinkIsFollowedAndStays(@TempDir Path dir) throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Files.writeString(real.resolve("model.llmedt"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("current.llmedt"), Path.of("real", "model.llmedt"));
        Path chain = Files.createSymbolicLink(dir.resolve("chain.llmedt"), link);
        assertEquals(real.resolve("model.llmedt"), AtomicFiles.checkWritable(chain, null));
        AtomicFiles.write(chain, text("new"));
        assertTrue(Files.isSymbolicLink(link) && Files.isSymbolicLink(chain), "the links stay links");
        assertEquals("new", Files.readString(real.resolve("model.llmedt")));
        assertEquals(List.of("model.llmedt"), names(real), "the temporary file went beside the real file");

        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), real.resolve("made.llmedt"));
        AtomicFiles.write(dangling, text("made"));
        assertEquals("made", Files.readString(real.resolve("made.llmedt")));
        assertTrue(Files.isSymbolicLink(dangling));

        Path toDirectory = Files.createSymbolicLink(dir.resolve("to-dir"), real);
        OutputFileException e = assertThrows(OutputFileException.class, () -> AtomicFiles.write(toDirectory, text("x")));
        assertEquals("cannot write " + toDirectory + ": it is a symbolic link to " + real + ", which is a directory; give a file name",
                e.getMessage());

        Path loop = dir.resolve("loop");
        Files.createSymbolicLink(loop, loop);
        OutputFileException l = assertThrows(OutputFileException.class, () -> AtomicFiles.write(loop, text("x")));
        assertTrue(l.getMessage().contains("symbolic links in a chain"), l.getMessage());
    }

    @Test
    void aSymbolicLinkToAFifoIsRefused(@TempDir Path dir) throws IOException {
        Path fifo = dir.resolve("pipe");
        SpecialFiles.fifo(fifo);
        Path link = Files.createSymbolicLink(dir.resolve("out.tsv"), fifo);
        OutputFileException e = assertThrows(OutputFileException.class, () -> AtomicFiles.write(link, text("x")));
        assertTrue(e.getMessage().contains("symbolic link to " + fifo + ", which is a FIFO"), e.getMessage());
        assertTrue(Files.isSymbolicLink(link) && SpecialFiles.isSpecial(fifo));
    }

    @Test
    void aReadOnlyFileIsReplacedOnlyWhenAskedAndStaysReadOnly(@TempDir Path dir) throws IOException {
        assumePosix(dir);
        Path file = dir.resolve("model.llmedt");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        OutputFileException e = assertThrows(OutputFileException.class, () -> AtomicFiles.write(file, text("new")));
        assertTrue(e.readOnly());
        assertEquals("cannot write " + file + ": it is read-only (permissions r--r--r--)", e.getMessage());
        assertEquals("old", Files.readString(file));
        assertTrue(assertThrows(OutputFileException.class, () -> AtomicFiles.checkWritable(file, null)).readOnly());

        AtomicFiles.write(file, text("new"), WriteOption.REPLACE_READ_ONLY);
        assertEquals("new", Files.readString(file));
        assertEquals("r--r--r--", permissions(file), "the replacement keeps the permissions");
    }

    @Test
    void aNewFileGetsThePermissionsOfAPlainCreateAndAReplacedOneKeepsItsOwn(@TempDir Path dir) throws IOException {
        assumePosix(dir);
        Path plain = Files.createFile(dir.resolve("plain")); // 0666 less the umask
        Path written = dir.resolve("written");
        AtomicFiles.write(written, text("x"));
        assertEquals(permissions(plain), permissions(written));
        Files.setPosixFilePermissions(written, PosixFilePermissions.fromString("rw-rw-r--"));
        AtomicFiles.write(written, text("y"));
        AtomicFiles.writeDurably(written, text("z"));
        assertEquals("rw-rw-r--", permissions(written));
        assertEquals("z", Files.readString(written));
    }

    @Test
    void anUnwritableDirectoryIsFoundBeforeWriting(@TempDir Path dir) throws Exception {
        Path locked = dir.resolve("locked");
        try (AutoCloseable unwritable = SpecialFiles.unwritableDirectory(locked)) {
            Path file = locked.resolve("model.llmedt");
            OutputFileException e = assertThrows(OutputFileException.class, () -> AtomicFiles.checkWritable(file, "the model file"));
            assertTrue(e.getMessage().startsWith("cannot write the model file " + file + ": the directory " + locked + " is "), e.getMessage());
            assertTrue(e.getMessage().contains("read-only file system") || e.getMessage().contains("not writable"), e.getMessage());
            OutputFileException below = assertThrows(OutputFileException.class, () -> AtomicFiles.checkDirectory(locked.resolve("a/b"), null));
            assertTrue(below.getMessage().contains("the directory " + locked + " is "), below.getMessage());
            OutputFileException write = assertThrows(OutputFileException.class, () -> AtomicFiles.write(file, text("x")));
            assertEquals(e.getReason(), write.getReason());
        }
    }

    @Test
    void aFullDiskFailsNamingTheFileAndKeepsThePreviousOne(@TempDir Path dir) throws Exception {
        Path small = dir.resolve("small");
        try (SpecialFiles.Mount m = SpecialFiles.tmpfs(small, "64k")) {
            Path file = small.resolve("model.llmedt");
            AtomicFiles.write(file, text("previous"));
            OutputFileException e = assertThrows(OutputFileException.class, () -> AtomicFiles.write(file, out -> out.write(new byte[1 << 20])));
            assertEquals("cannot write " + file + ": No space left on device; the previous file is unchanged", e.getMessage());
            assertEquals("previous", Files.readString(file));
            assertEquals(List.of("model.llmedt"), names(small), "no temporary file is left");
        }
        assertFalse(Files.exists(small.resolve("model.llmedt")), "unmounted");
    }

    @Test
    void checkDirectoryRefusesWhatIsNotADirectory(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertEquals("cannot write the dataset directory " + file + ": it is a regular file, not a directory",
                assertThrows(OutputFileException.class, () -> AtomicFiles.checkDirectory(file, "the dataset directory")).getMessage());
        assertEquals("cannot write " + file.resolve("sub") + ": " + file + " is not a directory",
                assertThrows(OutputFileException.class, () -> AtomicFiles.checkDirectory(file.resolve("sub"), null)).getMessage());
        AtomicFiles.checkDirectory(dir.resolve("new/deeper"), null);
        assertFalse(Files.exists(dir.resolve("new"), LinkOption.NOFOLLOW_LINKS), "a check creates nothing");
    }
}
