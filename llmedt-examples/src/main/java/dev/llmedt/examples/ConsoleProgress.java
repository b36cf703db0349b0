package dev.llmedt.examples;

import dev.llmedt.progress.ProgressListener;
import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows progress as a bar on a terminal (standard error) and as a log line every few seconds
 * otherwise (pipes, CI logs).
 */
final class ConsoleProgress implements ProgressListener {

    private static final Logger LOG = LoggerFactory.getLogger("progress");
    private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;
    private static final long BAR_INTERVAL_NANOS = 100_000_000L;

    private final boolean terminal;
    private final PrintStream out;
    private long lastNanos;
    private String lastTask;

    private ConsoleProgress(boolean terminal, PrintStream out) {
        this.terminal = terminal;
        this.out = out;
    }

    /** A bar when standard error is a terminal, log lines otherwise. */
    static ConsoleProgress create() {
        return new ConsoleProgress(System.console() != null, System.err);
    }

    @Override
    public synchronized void progress(String task, long done, long total) {
        long now = System.nanoTime();
        boolean finished = done >= total;
        boolean newTask = !task.equals(lastTask);
        if (newTask) {
            lastTask = task;
            lastNanos = now;
        }
        if (terminal) {
            if (finished || newTask || now - lastNanos >= BAR_INTERVAL_NANOS) {
                lastNanos = now;
                int width = 30;
                int filled = total == 0 ? width : (int) (width * done / total);
                out.print("\r" + task + " [" + "=".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
                if (finished) {
                    out.println();
                }
                out.flush();
            }
        } else if (finished || now - lastNanos >= LOG_INTERVAL_NANOS) {
            lastNanos = now;
            LOG.info("{}: {}/{} ({}%)", task, done, total, total == 0 ? 100 : 100 * done / total);
        }
    }
}
