package dev.llmedt.onnx;

import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.sasrec.SasRecModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** ONNX exports of the synthetic test models, made once per test JVM in a temporary directory. */
final class Exports {

    private static final Map<String, Path> FILES = new HashMap<>();
    private static Path directory;

    private Exports() {
    }

    /** Returns the export of a model, made the first time it is asked for under that name. */
    static synchronized Path of(String name, Object model) {
        Path file = FILES.get(name);
        if (file == null) {
            try {
                file = directory().resolve(name + ".onnx");
                if (model instanceof SasRecModel s) {
                    OnnxExporter.export(s, file);
                } else {
                    OnnxExporter.export((LlmEdtModel) model, file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            FILES.put(name, file);
        }
        return file;
    }

    private static Path directory() throws IOException {
        if (directory == null) {
            directory = Files.createTempDirectory("llmedt-onnx-test");
            Path dir = directory;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // best effort: the directory is in the system's temporary directory
                }
            }));
        }
        return directory;
    }
}
