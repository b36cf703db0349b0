package dev.llmedt.benchmarks;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Locates the real benchmark data: {@code -Dllmedt.data=DIR}, else {@code shared/data/food-kitchen}
 * beside the checkout (searched upwards from the working directory).
 */
final class BenchmarkData {

    private BenchmarkData() {
    }

    private static Path locate() {
        String property = System.getProperty("llmedt.data");
        if (property != null) {
            return Path.of(property);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir.getParent() != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared").resolve("data").resolve("food-kitchen");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return Path.of("../shared/data/food-kitchen");
    }

    static CdsrDataset foodKitchen() {
        Path dir = locate();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("benchmark data not found at " + dir.toAbsolutePath()
                    + "; pass -Dllmedt.data=DIR (for example ../shared/data/food-kitchen)");
        }
        try {
            return CdsrDataset.read(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The inputs of the test users whose target is in {@code domain}, in test order. */
    static List<History> testInputsWithTargetIn(CdsrDataset data, Domain domain) {
        return data.test().stream().filter(c -> domain.contains(c.target())).map(EvaluationCase::input).toList();
    }
}
