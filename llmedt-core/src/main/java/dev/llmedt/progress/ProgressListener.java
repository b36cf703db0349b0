package dev.llmedt.progress;

/**
 * Receives progress of long steps (reading, evaluation, training epochs). Implementations must be
 * thread-safe and cheap: they are called from worker threads.
 */
@FunctionalInterface
public interface ProgressListener {

    /**
     * Reports that {@code done} of {@code total} units of a task are finished.
     *
     * @param task a short label such as "evaluate test"
     * @param done units finished so far, {@code 0 <= done <= total}
     * @param total units in the task
     */
    void progress(String task, long done, long total);

    /** Returns a listener that ignores everything. */
    static ProgressListener none() {
        return (task, done, total) -> { };
    }
}
