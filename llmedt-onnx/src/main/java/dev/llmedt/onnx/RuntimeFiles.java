package dev.llmedt.onnx;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONNX Runtime environment, with the files its native library leaves behind removed when the
 * JVM exits. Loading the library extracts it into a fresh {@code onnxruntime-java*} folder of the
 * temporary directory, whose files it marks for deletion on exit but not the folder itself (it
 * stays, empty, once per JVM); and the library's embedded telemetry SDK creates an empty
 * {@code mat-debug-<pid>.log} there. A shutdown hook, registered once, deletes that folder (ONNX
 * Runtime's own, read from its loader) and the log when it is empty. Nothing else is touched.
 */
final class RuntimeFiles {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeFiles.class);
    private static boolean hooked;

    private RuntimeFiles() {
    }

    /** Returns {@link OrtEnvironment#getEnvironment()}, registering the clean-up on first use. */
    static synchronized OrtEnvironment environment() {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        if (!hooked) {
            hooked = true;
            Path extracted = extractionFolder();
            Path log = Path.of(System.getProperty("java.io.tmpdir"), "mat-debug-" + ProcessHandle.current().pid() + ".log");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> cleanUp(extracted, log), "llmedt-onnxruntime-cleanup"));
        }
        return environment;
    }

    /** ONNX Runtime's extraction folder of this JVM, or null when its loader does not say. */
    private static Path extractionFolder() {
        try {
            var field = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("tempDirectory");
            field.setAccessible(true);
            return (Path) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("ONNX Runtime's extraction folder is not known ({}); it stays in the temporary directory", e.toString());
            return null;
        }
    }

    /** Deletes the extraction folder (the library files in it are loaded already) and the log when empty. */
    static void cleanUp(Path extracted, Path log) {
        try {
            if (extracted != null && Files.isDirectory(extracted)
                    && extracted.getFileName().toString().startsWith("onnxruntime-java")) {
                List<Path> files;
                try (Stream<Path> s = Files.list(extracted)) {
                    files = s.toList();
                }
                for (Path f : files) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(extracted);
            }
            if (Files.isRegularFile(log) && Files.size(log) == 0) {
                Files.deleteIfExists(log);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not remove ONNX Runtime's temporary files: {}", e.toString());
        }
    }
}
