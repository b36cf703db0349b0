package dev.llmedt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.TrainingListener;
import dev.llmedt.model.ModelFile;
import dev.llmedt.sasrec.SasRecModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test: a training run in a child JVM is killed with SIGKILL in the middle
 * of an epoch, after a mid-epoch checkpoint; the same run started again in another child JVM
 * resumes from the checkpoint and writes a model whose weights are bit-identical to those of a run
 * that was never interrupted (trained here, in the test's JVM).
 */
@EnabledOnOs(OS.LINUX) // Process.destroyForcibly() sends SIGKILL there
class KilledRunResumeTest {

    static final int SASREC_EPOCHS = 3;
    static final int LLM_EDT_EPOCHS = 3;
    private static final long TIMEOUT_SECONDS = 180;

    /** The parent's module path (the module under test, when tests run on it) followed by its class path. */
    private static String childClassPath() {
        String modules = System.getProperty("jdk.module.path", "");
        String classes = System.getProperty("java.class.path", "");
        return modules.isEmpty() ? classes : classes.isEmpty() ? modules : modules + java.io.File.pathSeparator + classes;
    }

    private static Process start(Path dir, String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", childClassPath(), CheckpointChild.class.getName()));
        command.addAll(List.of(args));
        // The child runs on the class path; surefire puts the module under test (main and test classes) on the module path.
        return new ProcessBuilder(command).redirectError(dir.resolve(name + ".log").toFile()).start();
    }

    private static String log(Path dir, String name) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve(name + ".log"), StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    /** Waits for the child to print a line starting with {@code prefix}; returns it. */
    private static String awaitLine(Process p, String prefix, Path dir, String name) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    if (l.startsWith(prefix)) {
                        return l;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String l = line.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (l == null) {
                fail("the child ended without printing " + prefix + ":\n" + log(dir, name));
            }
            return l;
        } catch (TimeoutException e) {
            p.destroyForcibly();
            throw new AssertionError("no " + prefix + " from the child in " + TIMEOUT_SECONDS + " s:\n" + log(dir, name));
        }
    }

    /** Kills a child paused mid-epoch with SIGKILL, after checking that its checkpoint is the mid-epoch one expected. */
    private static void killPaused(Process p, Path checkpoint, int epoch, int batchesDone) throws Exception {
        try {
            JsonNode h = CheckpointFile.read(checkpoint).header();
            assertEquals(epoch, h.path("epoch").asInt(), "checkpoint epoch");
            assertTrue(h.path("in_epoch").asBoolean(), "a mid-epoch checkpoint exists");
            assertEquals(batchesDone, h.path("batches_done").asInt(), "checkpoint batch");
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the child is gone");
        }
        assertEquals(128 + 9, p.exitValue(), "killed by SIGKILL");
    }

    private static void awaitSuccess(Process p, Path dir, String name) throws Exception {
        awaitLine(p, "DONE", dir, name);
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log(dir, name));
    }

    @Test
    void sasRecKilledMidEpochResumesInAnotherJvmBitForBit(@TempDir Path dir) throws Exception {
        Path checkpoints = dir.resolve("checkpoints");
        Process killed = start(dir, "killed", "sasrec", checkpoints.toString(), dir.resolve("killed.model").toString(), "2", "sasrec",
                "2", "5");
        try {
            assertEquals("PAUSED sasrec 2 5", awaitLine(killed, "PAUSED", dir, "killed"));
            killPaused(killed, checkpoints.resolve("sasrec.ckpt"), 2, 4);
        } finally {
            killed.destroyForcibly();
        }
        assertFalse(Files.exists(dir.resolve("killed.model")));

        Process resumed = start(dir, "resumed", "sasrec", checkpoints.toString(), dir.resolve("resumed.model").toString(), "2");
        try {
            awaitSuccess(resumed, dir, "resumed");
        } finally {
            resumed.destroyForcibly();
        }
        assertTrue(log(dir, "resumed").contains("resumed from"), log(dir, "resumed"));

        SasRecModel reference = ResumeFixtures.trainSasRec(ResumeFixtures.sasrec(SASREC_EPOCHS), TrainingListener.none());
        ModelFile.Contents model = ModelFile.read(dir.resolve("resumed.model"));
        ResumeFixtures.assertSameTensors(reference.tensorNames(), reference::tensor, model.tensors());
        assertEquals(ResumeFixtures.trace(reference.provenance().at("/training")), ResumeFixtures.trace(model.provenance().at("/training")));
    }

    @Test
    void llmEdtKilledInEachPhaseResumesInAnotherJvmBitForBit(@TempDir Path dir) throws Exception {
        Path checkpoints = dir.resolve("checkpoints");
        Process first = start(dir, "first", "llm-edt", checkpoints.toString(), dir.resolve("first.model").toString(), "2", "phase-1", "2",
                "5");
        try {
            assertEquals("PAUSED phase-1 2 5", awaitLine(first, "PAUSED", dir, "first"));
            killPaused(first, checkpoints.resolve("phase-1.ckpt"), 2, 4);
        } finally {
            first.destroyForcibly();
        }
        Process second = start(dir, "second", "llm-edt", checkpoints.toString(), dir.resolve("second.model").toString(), "2", "phase-2",
                "2", "7");
        try {
            assertEquals("PAUSED phase-2 2 7", awaitLine(second, "PAUSED", dir, "second"));
            killPaused(second, checkpoints.resolve("phase-2.ckpt"), 2, 6);
        } finally {
            second.destroyForcibly();
        }
        Process third = start(dir, "third", "llm-edt", checkpoints.toString(), dir.resolve("third.model").toString(), "2");
        try {
            awaitSuccess(third, dir, "third");
        } finally {
            third.destroyForcibly();
        }
        assertFalse(Files.exists(dir.resolve("first.model")) || Files.exists(dir.resolve("second.model")));

        LlmEdtModel reference = ResumeFixtures.trainLlmEdt(ResumeFixtures.llmEdt(LLM_EDT_EPOCHS, LLM_EDT_EPOCHS), TrainingListener.none());
        ModelFile.Contents model = ModelFile.read(dir.resolve("third.model"));
        ResumeFixtures.assertSameTensors(reference.tensorNames(), reference::tensor, model.tensors());
        JsonNode expected = reference.provenance().at("/training");
        JsonNode actual = model.provenance().at("/training");
        assertEquals(ResumeFixtures.trace(expected.path("phase_1")), ResumeFixtures.trace(actual.path("phase_1")));
        assertEquals(ResumeFixtures.trace(expected.path("phase_2")), ResumeFixtures.trace(actual.path("phase_2")));
    }
}
