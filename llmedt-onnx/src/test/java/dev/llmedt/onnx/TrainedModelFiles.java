package dev.llmedt.onnx;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates model files trained on the real data by the project's experiments, in {@code ../wk}
 * beside the checkout (or {@code -Dllmedt.models.dir}). They are not part of the repository and CI
 * does not have them, so a test that needs one is skipped with a message saying so, under CI too
 * (the synthetic-model tests cover the same code there).
 */
final class TrainedModelFiles {

    private TrainedModelFiles() {
    }

    /** Returns {@code <models dir>/<relative>}, or skips the calling test when it is absent. */
    static Path require(String relative) {
        Path root = root();
        Path p = root == null ? null : root.resolve(relative);
        boolean present = p != null && Files.isRegularFile(p);
        Assumptions.assumeTrue(present, () -> "SKIPPED: trained model file '" + relative + "' not found in ../wk beside the checkout "
                + "or at -Dllmedt.models.dir (it is not part of the repository; the synthetic-model parity tests still ran)");
        return p;
    }

    private static Path root() {
        String prop = System.getProperty("llmedt.models.dir");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("wk");
            if (dir.getParent() != null && Files.isDirectory(candidate.resolve("runs"))) {
                return candidate;
            }
        }
        return null;
    }
}
