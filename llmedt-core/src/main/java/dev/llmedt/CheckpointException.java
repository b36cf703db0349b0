package dev.llmedt;

import java.nio.file.Path;

/**
 * A training checkpoint that cannot be used: unreadable, corrupt or truncated, of a newer format, of
 * another phase, or written by another run (other configuration, data, seed or thread count). The
 * message names the file and the reason; training does not start from such a file.
 */
public final class CheckpointException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** Creates the exception for a file and a reason. */
    public CheckpointException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
    }

    /** Creates the exception for a file, a reason and its cause. */
    public CheckpointException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
    }

    /** Returns the checkpoint file. */
    public Path file() {
        return file;
    }
}
