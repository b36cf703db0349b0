package dev.llmedt.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Input data that cannot be read as it is: names the file, the 1-based line (0 when the problem
 * concerns the whole file) and the reason.
 */
public final class MalformedDataException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;
    private final String reason;

    /** Creates an exception for a line of a file. */
    public MalformedDataException(Path file, long line, String reason) {
        super(format(file, line, reason));
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    private static String format(Path file, long line, String reason) {
        return line > 0 ? file + ":" + line + ": " + reason : file + ": " + reason;
    }

    /** Returns the file at fault. */
    public Path file() {
        return file;
    }

    /** Returns the 1-based line, or 0 when the problem concerns the whole file. */
    public long line() {
        return line;
    }

    /** Returns the reason without the location. */
    public String reason() {
        return reason;
    }
}
