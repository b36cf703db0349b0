package dev.llmedt.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.testing.SyntheticModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OnnxRecommender's life cycle, settings and errors (the scoring contract is in the conformance suite). */
class OnnxRecommenderTest {

    private static Path sasrec() {
        return Exports.of("sasrec", SyntheticModels.sasrec());
    }

    @Test
    void itKnowsTheModelsDomainsAndRunsOnCpuWithoutCuda() {
        try (OnnxRecommender r = OnnxRecommender.open(sasrec())) {
            assertEquals(SyntheticModels.DATA.domains(), r.domains());
            assertTrue(r.scores(SyntheticModels.DATA.domain("Food")));
            assertFalse(r.scores(new Domain(0, "Elsewhere", 0, 3)));
            assertEquals("sasrec", r.metadata().get(OnnxExporter.META_KIND));
            if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                assertFalse(r.onGpu());
            }
            assertTrue(r.toString().contains("sasrec"), r.toString());
        }
    }

    @Test
    void requireGpuFailsClearlyWithoutCuda() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "this machine has CUDA");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> OnnxRecommender.builder(sasrec()).requireGpu(true).build());
        assertTrue(e.getMessage().contains("requireGpu") && e.getMessage().contains("onnxruntime_gpu") && e.getMessage().contains("CUDA 12"),
                e.getMessage());
    }

    @Test
    void settingsAreCheckedAtOnce() {
        OnnxRecommender.Builder b = OnnxRecommender.builder(sasrec());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.threads(0)).getMessage().contains("threads"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.gpuDevice(-1)).getMessage().contains("gpuDevice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.batchSize(0)).getMessage().contains("batchSize must be in [1, 65536]"));
    }

    @Test
    void filesThatAreNoRecommenderExportAreRefusedByName(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.onnx");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxRecommender.open(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        Path garbage = dir.resolve("garbage.onnx");
        Files.writeString(garbage, "not a model");
        e = assertThrows(IllegalArgumentException.class, () -> OnnxRecommender.open(garbage));
        assertTrue(e.getMessage().contains("cannot load ONNX model " + garbage), e.getMessage());
        Path encoder = dir.resolve("encoder.onnx");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(EncoderLoading.EMBEDDED_MODEL)) {
            Files.copy(in, encoder);
        }
        e = assertThrows(IllegalArgumentException.class, () -> OnnxRecommender.open(encoder));
        assertTrue(e.getMessage().contains("not an llmedt recommender export") && e.getMessage().contains("export-onnx"), e.getMessage());
    }

    @Test
    void kMustBePositive() {
        try (OnnxRecommender r = OnnxRecommender.open(sasrec())) {
            Domain food = SyntheticModels.DATA.domain("Food");
            assertThrows(IllegalArgumentException.class, () -> r.recommend(History.empty(), food, 0));
            assertEquals(List.of(), r.recommendBatch(List.of(), food, 3));
            r.scoreBatch(List.of(), food, new float[0][]);
        }
    }

    @Test
    void closeWaitsForCallsInFlightAndLaterCallsFail() throws Exception {
        OnnxRecommender r = OnnxRecommender.builder(sasrec()).threads(1).batchSize(1).build();
        Domain kitchen = SyntheticModels.DATA.domain("Kitchen");
        List<History> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            for (EvaluationCase c : SyntheticModels.DATA.test()) {
                many.add(c.input());
            }
        }
        float[][] scores = new float[many.size()][kitchen.size()];
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Void> call = CompletableFuture.runAsync(() -> {
            started.countDown();
            r.scoreBatch(many, kitchen, scores);
        });
        started.await();
        Thread.sleep(50);
        assertFalse(call.isDone(), "the call (thousands of runs) is still in flight");
        r.close();
        // Had close not waited, the session would have closed under the running batches.
        call.get(5, TimeUnit.MINUTES);
        for (float s : scores[many.size() - 1]) {
            assertTrue(Float.isFinite(s) && s != 0);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.score(History.empty(), kitchen, new float[kitchen.size()]));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        r.close(); // idempotent
    }
}
