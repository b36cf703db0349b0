package dev.llmedt.output;

import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A file could not be written, or will not be: the message names the file (and what it is, when
 * the caller said) and the reason, for example {@code cannot write the model file /srv/m.llmedt: it
 * is a directory}.
 */
public final class OutputFileException extends FileSystemException {

    private static final long serialVersionUID = 1L;

    private final String what;
    private final boolean readOnly;

    /**
     * Creates the exception.
     *
     * @param file the file as the caller named it
     * @param what what the file is for, e.g. "the model file", or null
     * @param reason why it cannot be written
     * @param readOnly whether the file was refused only because it is read-only
     * @param cause the underlying failure, or null
     */
    public OutputFileException(Path file, String what, String reason, boolean readOnly, Throwable cause) {
        super(file.toString(), null, reason);
        this.what = what;
        this.readOnly = readOnly;
        if (cause != null) {
            initCause(cause);
        }
    }

    /** Returns whether the file was refused only because it is read-only (see {@link WriteOption#REPLACE_READ_ONLY}). */
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public String getMessage() {
        return "cannot write " + (what == null ? "" : what + " ") + getFile() + ": " + getReason();
    }
}
