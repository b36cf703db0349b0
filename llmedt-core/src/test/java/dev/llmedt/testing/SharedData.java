package dev.llmedt.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the read-only shared data and golden cases ({@code ../shared} beside the checkout).
 *
 * <p>When they are absent, a test is skipped with a message saying so, except under CI
 * ({@code CI=true}), where their absence is a failure: CI always has them.
 */
public final class SharedData {

    private SharedData() {
    }

    /** Returns {@code ../shared/<relative>}, or skips (fails under CI) the calling test when absent. */
    public static Path require(String relative) {
        Path root = root();
        Path p = root == null ? null : root.resolve(relative);
        boolean present = p != null && Files.exists(p);
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("shared data '" + relative + "' not found (looked for ../shared beside the checkout"
                    + " and -Dllmedt.shared.dir); CI must provide it");
        }
        Assumptions.assumeTrue(present, () -> "SKIPPED: shared data '" + relative
                + "' not found beside the checkout (../shared) or at -Dllmedt.shared.dir");
        return p;
    }

    /** Returns the food-kitchen directory (see {@link #require}). */
    public static Path foodKitchen() {
        return require("data/food-kitchen");
    }

    private static Path root() {
        String prop = System.getProperty("llmedt.shared.dir");
        if (prop != null && Files.isDirectory(Path.of(prop, "data"))) {
            return Path.of(prop);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared");
            if (dir.getParent() != null && Files.isDirectory(candidate.resolve("data"))) {
                return candidate;
            }
        }
        return null;
    }
}
