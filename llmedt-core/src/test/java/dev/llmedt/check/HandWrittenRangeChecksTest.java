package dev.llmedt.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Range checks of parameters are written once, in {@link Require}: this scans the main sources of
 * llmedt-core and llmedt-onnx and fails on a string literal outside {@code dev.llmedt.check} that
 * spells a range message by hand ({@code " must be in ["}, {@code " must be >= "}, ...). Use
 * {@link Require} instead; a message that is not a plain range check of one parameter (a rule
 * between two fields, a data error naming a file position) goes into {@link #DELIBERATE}, with why.
 */
class HandWrittenRangeChecksTest {

    /** The spellings of a hand-written range message. */
    private static final Pattern RANGE_MESSAGE = Pattern.compile("must be (in [\\[(]|>=? |at least |positive)");

    /** The main source trees scanned, relative to llmedt-core (the tests' working directory). */
    private static final List<Path> SOURCES = List.of(Path.of("src", "main", "java"), Path.of("..", "llmedt-onnx", "src", "main", "java"));

    /**
     * Literals that may keep a range wording, as {@code file (relative to its source tree): literal};
     * each with why. The test also fails when one of these is gone (then delete it here).
     */
    private static final Map<String, String> DELIBERATE = Map.of(
            "dev/llmedt/text/ItemTextTemplate.java: } must be >= 1, got ",
            "a malformed {field:limit} in a template: the error names the template and the position, not a parameter",
            "dev/llmedt/data/AmazonReviewsReader.java: toExclusiveUnixSeconds must be > fromInclusiveUnixSeconds, got [",
            "a rule between two parameters (the window's end after its start), not a range of one",
            "dev/llmedt/data/SyntheticDataset.java: foodHeavyUsers + balancedUsers must be at least 1 (someone must link the domains), got 0",
            "a rule on the sum of two parameters, each checked with Require on its own");

    @Test
    void rangeMessagesAreWrittenOnlyByRequire() throws IOException {
        Set<String> found = new TreeSet<>();
        for (Path root : SOURCES) {
            assertTrue(Files.isDirectory(root), root.toAbsolutePath() + " is missing: run the tests from a full checkout");
            List<Path> files;
            try (Stream<Path> walk = Files.walk(root)) {
                files = walk.filter(f -> f.toString().endsWith(".java")).sorted().toList();
            }
            for (Path f : files) {
                String relative = root.relativize(f).toString().replace(java.io.File.separatorChar, '/');
                if (relative.startsWith("dev/llmedt/check/")) {
                    continue;
                }
                for (String literal : stringLiterals(Files.readString(f, StandardCharsets.UTF_8))) {
                    if (RANGE_MESSAGE.matcher(literal).find()) {
                        found.add(relative + ": " + literal);
                    }
                }
            }
        }
        Set<String> handWritten = new TreeSet<>(found);
        handWritten.removeAll(DELIBERATE.keySet());
        Set<String> stale = new TreeSet<>(DELIBERATE.keySet());
        stale.removeAll(found);
        assertTrue(handWritten.isEmpty(), "range messages written by hand; check with dev.llmedt.check.Require instead (or, for "
                + "a message that is not a range check of one parameter, list it in DELIBERATE with why):\n"
                + String.join("\n", handWritten));
        assertTrue(stale.isEmpty(), "no longer in the sources, delete from DELIBERATE:\n" + String.join("\n", stale));
    }

    @Test
    void theScannerSeesLiteralsOnly() {
        String source = String.join("\n",
                "// a comment: \"must be in [1, 2]\"",
                "/* a block \"must be >= 1\" */ /** javadoc: must be at least 1 */",
                "class A { String s = name + \" must be in [\" + min; char q = '\"'; String e = \"a \\\"quoted\\\" must be > \";",
                "  String t = \"\"\"",
                "      text block must be positive",
                "      \"\"\"; }");
        assertEquals(List.of(" must be in [", "a \\\"quoted\\\" must be > ", "\n      text block must be positive\n      "),
                stringLiterals(source));
    }

    /** Returns the contents of the string literals and text blocks of Java source, escapes left as written. */
    static List<String> stringLiterals(String src) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                int end = src.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                int start = i + 3;
                int end = closing(src, start, "\"\"\"");
                out.add(src.substring(start, end));
                i = Math.min(n, end + 3);
            } else if (c == '"' || c == '\'') {
                int start = i + 1;
                int end = closing(src, start, String.valueOf(c));
                if (c == '"') {
                    out.add(src.substring(start, end));
                }
                i = Math.min(n, end + 1);
            } else {
                i++;
            }
        }
        return out;
    }

    /** Returns the index of the unescaped {@code quote} closing a literal that starts at {@code from}. */
    private static int closing(String src, int from, String quote) {
        int i = from;
        while (i < src.length()) {
            if (src.charAt(i) == '\\') {
                i += 2;
            } else if (src.startsWith(quote, i)) {
                return i;
            } else {
                i++;
            }
        }
        return src.length();
    }
}
