package dev.llmedt.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * Puts things other than regular files where a writer is pointed, for the fault-injection tests of
 * writes: FIFOs, device nodes, tiny or read-only file systems. What the machine does not allow (no
 * mkfifo, not root, no mount in this container) skips the test through an assumption; mounts are
 * always undone by {@link Mount#close()}.
 */
public final class SpecialFiles {

    private SpecialFiles() {
    }

    /** A mounted file system, unmounted on close (lazily if it is busy). */
    public static final class Mount implements AutoCloseable {
        private final Path directory;

        private Mount(Path directory) {
            this.directory = directory;
        }

        @Override
        public void close() {
            if (run("umount", directory.toString()) != 0) {
                run("umount", "-l", directory.toString());
            }
        }
    }

    /** The special files a test can make, with the words the library uses for them. */
    public enum Kind {
        /** A named pipe: a writer opening it would block until a reader comes. */
        FIFO("FIFO (named pipe)"),
        /** A copy of /dev/null. */
        CHARACTER_DEVICE("character device");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        /** Returns how the library's messages name it. */
        public String description() {
            return description;
        }

        /** Makes one at the path, or skips the test where that is not allowed. */
        public void make(Path path) {
            if (this == FIFO) {
                fifo(path);
            } else {
                nullDevice(path);
            }
        }
    }

    /** Returns whether something other than a regular file, directory or link (a FIFO, a device) is at the path. */
    public static boolean isSpecial(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
    }

    /** Makes a FIFO (named pipe) at the path; skips the test where mkfifo is missing. */
    public static void fifo(Path path) {
        assumeTrue(run("mkfifo", path.toString()) == 0, "mkfifo is not available here");
    }

    /** Makes a character device at the path, a copy of /dev/null; skips the test unless the process may (root). */
    public static void nullDevice(Path path) {
        assumeTrue(run("mknod", "-m", "666", path.toString(), "c", "1", "3") == 0, "mknod is not allowed here (not root?)");
    }

    /** Mounts a tmpfs of {@code size} (e.g. "64k") on the directory; skips the test where mounting is not allowed. */
    public static Mount tmpfs(Path directory, String size) throws IOException {
        return mount(directory, "size=" + size);
    }

    /**
     * Makes the directory unwritable for this process: a read-only tmpfs over it when the process
     * is privileged (root ignores permission bits), else {@code chmod 555}; undone on close.
     */
    public static AutoCloseable unwritableDirectory(Path directory) throws IOException {
        Files.createDirectories(directory);
        assumeTrue(Files.getFileStore(directory).supportsFileAttributeView("posix"), "needs POSIX permissions");
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (!Files.isWritable(directory)) {
            return () -> Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        return mount(directory, "ro,size=64k");
    }

    private static Mount mount(Path directory, String options) throws IOException {
        Files.createDirectories(directory);
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "tmpfs needs Linux");
        assumeTrue(run("mount", "-t", "tmpfs", "-o", options, "tmpfs", directory.toString()) == 0,
                "cannot mount a tmpfs here (not root, or a container without CAP_SYS_ADMIN)");
        return new Mount(directory);
    }

    /** Runs a command, returning its exit status (-1 when it cannot be started or takes over 30 s). */
    private static int run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
