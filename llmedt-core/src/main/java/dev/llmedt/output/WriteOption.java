package dev.llmedt.output;

/**
 * Options of the library's file writers ({@code save}, {@code write}, {@code export} methods); see
 * the package comment for what every writer does without them.
 */
public enum WriteOption {

    /**
     * Replace the target even when it is read-only (no write permission bit, or not writable by this
     * process). The new file keeps the read-only permissions of the one it replaces. Without this
     * option such a file is refused with an {@link OutputFileException} ({@link OutputFileException#readOnly()}).
     */
    REPLACE_READ_ONLY
}
