package dev.llmedt.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Captures what SLF4J's simple binding writes to standard error while a piece of code runs (the
 * binding looks up {@code System.err} at every line), for tests that count warnings.
 */
public final class LogCapture {

    /** Code that may throw. */
    @FunctionalInterface
    public interface Action {
        /** Runs the code. */
        void run() throws Exception;
    }

    private LogCapture() {
    }

    /** Runs the action and returns the lines written to standard error meanwhile (also passed through). */
    public static synchronized List<String> errLines(Action action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        original.print(text);
        return Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).toList();
    }

    /** Runs the action and returns the WARN lines that contain {@code fragment}. */
    public static List<String> warnings(String fragment, Action action) throws Exception {
        return errLines(action).stream().filter(l -> l.contains("WARN") && l.contains(fragment)).toList();
    }
}
