package dev.llmedt.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.llmedt.testing.SyntheticModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The fall back to CPU is logged once per JVM, however many sessions run on CPU and from however many threads. */
class CpuFallbackNoticeTest {

    @Test
    void onlyTheFirstOfManyConcurrentReportsIsLogged() throws Exception {
        RuntimeSession.CpuFallbackNotice notice = new RuntimeSession.CpuFallbackNotice();
        assertEquals(0, notice.loudReports());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> reports = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                boolean cudaOffered = i % 2 == 0;
                reports.add(pool.submit(() -> {
                    start.await();
                    return notice.report(cudaOffered, "a test reason");
                }));
            }
            start.countDown();
            int loud = 0;
            for (Future<Boolean> f : reports) {
                loud += f.get() ? 1 : 0;
            }
            assertEquals(1, loud, "reports that were logged at WARN or INFO");
            assertEquals(1, notice.loudReports());
            assertFalse(notice.report(true, "once more"));
            assertEquals(1, notice.loudReports());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void threeCpuSessionsLogTheFallbackAtMostOnceAndThisJvmHasLoggedItExactlyOnce() throws Exception {
        Path model = Exports.of("sasrec", SyntheticModels.sasrec());
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<RuntimeSession> sessions = new ArrayList<>();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 3; i++) {
                sessions.add(RuntimeSession.open("fallback test " + i, new RuntimeSession.Settings(1, false, 0),
                        (environment, options) -> environment.createSession(model.toString(), options)));
                sessions.get(i).logPlacement("recommender");
            }
        } finally {
            System.setErr(err);
            sessions.forEach(RuntimeSession::close);
        }
        assumeFalse(sessions.get(0).onGpu(), "CUDA works on this machine: nothing falls back to CPU");
        String log = captured.toString(StandardCharsets.UTF_8);
        long fallbackLines = log.lines().filter(l -> l.contains("Logged once per JVM")).count();
        assertTrue(fallbackLines <= 1, log);
        assertEquals(1, RuntimeSession.CPU_FALLBACK.loudReports(), "the CPU fall back was logged once in this JVM");
        for (int i = 0; i < 3; i++) {
            String session = "fallback test " + i;
            assertEquals(1, log.lines().filter(l -> l.contains("runs recommender " + session + " on CPU")).count(), log);
        }
        if (fallbackLines == 1) {
            boolean cudaOffered = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
            String line = log.lines().filter(l -> l.contains("Logged once per JVM")).findFirst().orElseThrow();
            assertTrue(cudaOffered ? line.contains("WARN") && line.contains("CUDA 12 and cuDNN 9") : line.contains("onnxruntime_gpu"), line);
        }
    }
}
