package dev.llmedt.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM that used ONNX Runtime leaves neither its native-library folder nor its telemetry log in
 * the temporary directory (both stayed behind, once per JVM, before {@link RuntimeFiles}).
 */
class RuntimeFilesTest {

    /** The child JVM: opens the environment, prints its pid and ONNX Runtime's extraction folder, exits. */
    public static void main(String[] args) throws Exception {
        RuntimeFiles.environment();
        var field = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("tempDirectory");
        field.setAccessible(true);
        System.out.println(ProcessHandle.current().pid());
        System.out.println(field.get(null));
    }

    @Test
    void aJvmThatUsedOnnxRuntimeLeavesNoTemporaryFiles() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path") + File.pathSeparator + System.getProperty("jdk.module.path", "");
        Process child = new ProcessBuilder(java, "-cp", classPath, RuntimeFilesTest.class.getName()).redirectErrorStream(false).start();
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child JVM exits");
        String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), err);
        List<String> lines = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        long pid = Long.parseLong(lines.get(0).trim());
        Path extracted = Path.of(lines.get(1).trim());
        assertTrue(extracted.getFileName().toString().startsWith("onnxruntime-java"), "ONNX Runtime extracted into " + extracted);
        assertFalse(Files.exists(extracted), extracted + " was removed at exit");
        Path log = Path.of(System.getProperty("java.io.tmpdir"), "mat-debug-" + pid + ".log");
        assertFalse(Files.exists(log), log + " was removed at exit");
    }
}
