package dev.llmedt.text;

/**
 * A language model call failed: an HTTP error status, a malformed answer, retries exhausted, a
 * model that cannot be loaded or that returned an invalid vector. The message names the model or
 * the URL (never a credential) and, for HTTP, the status and a shortened response body.
 */
public final class LanguageModelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int statusCode;

    /**
     * Creates an exception without an HTTP status.
     *
     * @param message what failed and where
     */
    public LanguageModelException(String message) {
        this(message, 0, null);
    }

    /**
     * Creates an exception without an HTTP status.
     *
     * @param message what failed and where
     * @param cause the underlying failure
     */
    public LanguageModelException(String message, Throwable cause) {
        this(message, 0, cause);
    }

    /**
     * Creates an exception.
     *
     * @param message what failed and where
     * @param statusCode the HTTP status of the last answer, or 0 when there was none
     * @param cause the underlying failure, or null
     */
    public LanguageModelException(String message, int statusCode, Throwable cause) {
        super(message, cause);
        this.statusCode = statusCode;
    }

    /** Returns the HTTP status of the last answer, or 0 when there was none (timeout, no HTTP). */
    public int statusCode() {
        return statusCode;
    }
}
