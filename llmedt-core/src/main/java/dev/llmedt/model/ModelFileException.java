package dev.llmedt.model;

import java.io.IOException;
import java.nio.file.Path;

/** A model file that cannot be loaded: corrupt, truncated, of another kind, or from a newer version. */
public final class ModelFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** Creates the exception for a file and a reason. */
    public ModelFileException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
    }

    /** Returns the file at fault. */
    public Path file() {
        return file;
    }
}
