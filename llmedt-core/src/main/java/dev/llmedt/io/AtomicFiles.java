package dev.llmedt.io;

import dev.llmedt.output.OutputFileException;
import dev.llmedt.output.WriteOption;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Writes files so that readers never see a half-written one, following the rules of
 * {@link dev.llmedt.output} (the one place every writer of the library goes through): the content
 * goes to a uniquely named temporary file beside the target, which is then renamed over it
 * (atomically where the file system allows). Only a regular file (or nothing) at the target is
 * replaced; symbolic links are followed; read-only files are refused unless
 * {@link WriteOption#REPLACE_READ_ONLY}; a new file gets the permissions of a plain create (the
 * umask applies), a replaced one keeps its permissions. On failure the target is untouched, the
 * temporary file removed, and the {@link OutputFileException} names the target and the reason.
 * Safe when several threads write the same target: the last rename wins, each file is whole.
 *
 * <p>{@link #checkWritable} and {@link #checkDirectory} make the same checks without writing, so that
 * a command can refuse an output before it spends an hour training.
 */
public final class AtomicFiles {

    /** Writes content to a stream. */
    @FunctionalInterface
    public interface Content {
        /** Writes everything to {@code out} (do not close it). */
        void writeTo(OutputStream out) throws IOException;
    }

    /** Most links followed from one path (as Linux's ELOOP limit). */
    private static final int MAX_LINKS = 40;
    private static final Set<PosixFilePermission> WRITE_BITS = EnumSet.of(PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {
    }

    /**
     * Checks, without writing anything, that {@link #write} could write the file: whatever stands at
     * the path (after following symbolic links) is a regular file that is not read-only (unless
     * {@link WriteOption#REPLACE_READ_ONLY}), or nothing; and its directory is writable or can be
     * created in a writable directory. A full disk is not foreseen.
     *
     * @param what what the file is for, for the message (e.g. "the model file (--out)"), or null
     * @return the file that will be written: the path, or the end of the chain of links at it
     * @throws OutputFileException naming the path and the reason when the file would be refused or
     *     cannot be written
     */
    public static Path checkWritable(Path file, String what, WriteOption... options) throws OutputFileException {
        Path target = followLinks(file, what);
        String subject = target.equals(file.toAbsolutePath()) ? "it is" : "it is a symbolic link to " + target + ", which is";
        BasicFileAttributes attributes = attributes(target);
        if (attributes != null) {
            if (attributes.isDirectory()) {
                throw new OutputFileException(file, what, subject + " a directory; give a file name", false, null);
            }
            if (!attributes.isRegularFile()) {
                throw new OutputFileException(file, what, subject + " a " + specialKind(target)
                        + ", not a regular file; only a regular file is replaced", false, null);
            }
            if (!Arrays.asList(options).contains(WriteOption.REPLACE_READ_ONLY) && readOnly(target)) {
                throw new OutputFileException(file, what, subject + " read-only (" + permissions(target) + ")", true, null);
            }
        }
        checkCanCreateIn(file, what, target.getParent());
        return target;
    }

    /**
     * Checks, without creating anything, that files can be written in the directory: it exists
     * (after following symbolic links) as a writable directory, or can be created in one.
     *
     * @param what what the directory is for, for the message (e.g. "the report directory (--out)"), or null
     * @throws OutputFileException naming the directory and the reason otherwise
     */
    public static void checkDirectory(Path directory, String what) throws OutputFileException {
        Path d = directory.toAbsolutePath();
        if (Files.exists(d)) {
            if (!Files.isDirectory(d)) {
                BasicFileAttributes a = attributes(d);
                String kind = a != null && a.isRegularFile() ? "regular file" : specialKind(d);
                throw new OutputFileException(directory, what, "it is a " + kind + ", not a directory", false, null);
            }
            if (!Files.isWritable(d)) {
                throw new OutputFileException(directory, what, "it " + notWritable(d), false, null);
            }
            return;
        }
        checkCanCreateIn(directory, what, d);
    }

    /** Fails unless {@code directory} exists as a writable directory or its nearest existing ancestor is one. */
    private static void checkCanCreateIn(Path file, String what, Path directory) throws OutputFileException {
        Path existing = directory;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new OutputFileException(file, what, "no part of the directory " + directory + " exists", false, null);
        }
        if (!Files.isDirectory(existing)) {
            throw new OutputFileException(file, what, existing + " is not a directory", false, null);
        }
        if (!Files.isWritable(existing)) {
            throw new OutputFileException(file, what, "the directory " + existing + " " + notWritable(existing), false, null);
        }
    }

    /** "is on a read-only file system" or "is not writable by this user (permissions r-xr-xr-x)". */
    private static String notWritable(Path directory) {
        try {
            if (Files.getFileStore(directory).isReadOnly()) {
                return "is on a read-only file system";
            }
        } catch (IOException e) {
            // fall through to the permissions
        }
        return "is not writable by this user (" + permissions(directory) + ")";
    }

    /** Follows a chain of symbolic links at the path (not in its directories) to the file it names. */
    private static Path followLinks(Path file, String what) throws OutputFileException {
        Path current = file.toAbsolutePath();
        for (int links = 0; Files.isSymbolicLink(current); links++) {
            if (links == MAX_LINKS) {
                throw new OutputFileException(file, what, "more than " + MAX_LINKS + " symbolic links in a chain (a loop?)", false, null);
            }
            try {
                current = current.resolveSibling(Files.readSymbolicLink(current));
            } catch (IOException e) {
                throw new OutputFileException(file, what, "cannot read the symbolic link " + current + ": " + reason(e), false, e);
            }
        }
        return current;
    }

    /** The attributes of the file itself (not of a link's target), or null when nothing is there. */
    private static BasicFileAttributes attributes(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    /** Names what a file that is neither regular, a directory nor a link is. */
    private static String specialKind(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            switch (mode & 0170000) {
                case 0020000:
                    return "character device";
                case 0060000:
                    return "block device";
                case 0010000:
                    return "FIFO (named pipe)";
                case 0140000:
                    return "socket";
                default:
                    break;
            }
        } catch (IOException | RuntimeException e) {
            // no unix view here (Windows)
        }
        return "special file (a device, FIFO or socket)";
    }

    /** Whether the file has no write permission bit at all (so root too respects chmod a-w), or this process may not write it. */
    private static boolean readOnly(Path file) {
        if (!Files.isWritable(file)) {
            return true;
        }
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            return p.stream().noneMatch(WRITE_BITS::contains);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static String permissions(Path p) {
        try {
            return "permissions " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (IOException | UnsupportedOperationException e) {
            return Files.isWritable(p) ? "writable" : "not writable";
        }
    }

    /**
     * Writes the file, creating its parent directories.
     *
     * @throws OutputFileException naming the file and the reason when it is refused (see the class
     *     comment) or cannot be written; the previous file, if any, is then untouched
     */
    public static void write(Path file, Content content, WriteOption... options) throws IOException {
        write(file, content, false, options);
    }

    /** Writes bytes to the file like {@link #write(Path, Content, WriteOption...)}. */
    public static void write(Path file, byte[] bytes, WriteOption... options) throws IOException {
        write(file, out -> out.write(bytes), false, options);
    }

    /**
     * Writes the file like {@link #write(Path, Content, WriteOption...)} and makes it durable: the
     * temporary file's content is forced to the storage device before the rename, and the directory
     * after it, so that after a crash (even of the machine) the target holds either its previous
     * content or the new one, whole. On failure the previous file is untouched.
     */
    public static void writeDurably(Path file, Content content, WriteOption... options) throws IOException {
        write(file, content, true, options);
    }

    private static void write(Path file, Content content, boolean durable, WriteOption... options) throws IOException {
        Path target = checkWritable(file, null, options);
        Path directory = target.getParent();
        PosixFileAttributes replaced = posixAttributes(target);
        Path tmp = null;
        try {
            Files.createDirectories(directory);
            tmp = createTemporary(directory, target.getFileName().toString());
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                content.writeTo(out);
                out.flush();
                if (durable) {
                    channel.force(true);
                }
            }
            if (replaced != null) {
                keepPermissions(tmp, replaced);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (OutputFileException e) {
            throw e;
        } catch (IOException e) {
            throw new OutputFileException(file, null, reason(e) + (Files.isRegularFile(target) ? "; the previous file is unchanged" : ""),
                    false, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // the writer's own failure (if any) matters more; deleteTemporaries removes it later
                }
            }
        }
        if (durable) {
            forceDirectory(directory);
        }
    }

    /**
     * Creates an empty temporary file beside the target (hidden, named after it). Created like any
     * new file, so that its permissions are those of a plain create (0666 less the umask), not 0600.
     */
    private static Path createTemporary(Path directory, String name) throws IOException {
        for (int attempt = 0;; attempt++) {
            Path tmp = directory.resolve("." + name + Long.toUnsignedString(RANDOM.nextLong()) + ".tmp");
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e;
                }
            }
        }
    }

    /** The POSIX attributes of an existing regular file, or null (absent, or not a POSIX file system). */
    private static PosixFileAttributes posixAttributes(Path file) {
        try {
            return Files.readAttributes(file, PosixFileAttributes.class);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Gives the new file the replaced file's permissions and, where allowed, its group. */
    private static void keepPermissions(Path tmp, PosixFileAttributes replaced) throws IOException {
        Files.setPosixFilePermissions(tmp, replaced.permissions());
        try {
            if (!Files.readAttributes(tmp, PosixFileAttributes.class).group().equals(replaced.group())) {
                Files.getFileAttributeView(tmp, PosixFileAttributeView.class).setGroup(replaced.group());
            }
        } catch (IOException | UnsupportedOperationException e) {
            // only a member of the group (or root) may set it; the permissions are kept all the same
        }
    }

    /** The reason of a failure, with the file it concerns when that is not in the reason. */
    private static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            String r = f.getReason() != null ? f.getReason()
                    : f instanceof AccessDeniedException ? "permission denied"
                    : f instanceof NoSuchFileException ? "no such file or directory"
                    : f instanceof FileAlreadyExistsException ? "it already exists"
                    : f instanceof NotDirectoryException ? "not a directory"
                    : f.getClass().getSimpleName();
            return f.getFile() == null ? r : r + " (" + f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ")";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Forces a directory's entries (the rename) to the device where the platform allows it (not on Windows). */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open or force a directory; the rename is still atomic there.
        }
    }

    /**
     * Deletes the temporary files that {@link #write} and {@link #writeDurably} leave beside a
     * target when the process is killed while writing (they are never read).
     */
    public static void deleteTemporaries(Path file) throws IOException {
        Path target = followLinks(file, null);
        if (!Files.isDirectory(target.getParent())) {
            return;
        }
        String prefix = "." + target.getFileName();
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(target.getParent(), p -> {
            String name = p.getFileName().toString();
            return name.startsWith(prefix) && name.endsWith(".tmp");
        })) {
            for (Path p : stale) {
                Files.deleteIfExists(p);
            }
        }
    }
}
