package dev.llmedt.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.llmedt.text.LanguageModelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxTextEncoderTest {

    private static final List<String> TEXTS = List.of(
            "Organic green tea, 100 bags",
            "Cast iron skillet, 12 inch, pre-seasoned",
            "Tea",
            "Stainless steel electric kettle with automatic shut-off and boil-dry protection, 1.7 litre",
            "Jasmine green tea leaves");

    private static OnnxTextEncoder embedded;

    @BeforeAll
    static void load() {
        embedded = OnnxTextEncoder.embeddedDefault();
    }

    @AfterAll
    static void close() {
        embedded.close();
    }

    static double cosine(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private static double norm(float[] a) {
        return Math.sqrt(cosine(a, a));
    }

    /** Copies the embedded model and tokenizer into a directory as model.onnx and tokenizer.json. */
    static Path exportEmbedded(Path dir) throws IOException {
        ClassLoader loader = OnnxTextEncoderTest.class.getClassLoader();
        try (InputStream m = loader.getResourceAsStream(EncoderLoading.EMBEDDED_MODEL);
                InputStream t = loader.getResourceAsStream(EncoderLoading.EMBEDDED_TOKENIZER)) {
            Files.copy(m, dir.resolve("model.onnx"));
            Files.copy(t, dir.resolve("tokenizer.json"));
        }
        return dir;
    }

    @Test
    void embeddedEncoderGivesUnitVectorsInInputOrder() {
        assertEquals(384, embedded.dimension());
        assertTrue(embedded.modelId().startsWith("all-MiniLM-L6-v2@sha256:") && embedded.modelId().contains(";pooling=mean;max_length=256"),
                embedded.modelId());
        assertFalse(embedded.onGpu());
        float[][] batch = embedded.encode(TEXTS);
        assertEquals(TEXTS.size(), batch.length);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertEquals(384, batch[i].length);
            assertEquals(1.0, norm(batch[i]), 1e-5);
            float[] alone = embedded.encode(TEXTS.get(i));
            assertTrue(cosine(alone, batch[i]) > 0.99999, "padding in a batch does not change text " + i);
        }
        assertTrue(cosine(batch[0], batch[4]) > cosine(batch[0], batch[1]), "two teas are closer than tea and a skillet");
        assertEquals(0, embedded.encode(List.of()).length);
    }

    @Test
    void concurrentCallsGiveTheSameVectors() throws Exception {
        float[][] expected = embedded.encode(TEXTS);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<float[][]>> futures = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                futures.add(pool.submit(() -> embedded.encode(TEXTS)));
            }
            for (Future<float[][]> f : futures) {
                float[][] got = f.get();
                for (int i = 0; i < TEXTS.size(); i++) {
                    assertTrue(cosine(expected[i], got[i]) > 0.99999);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void blankTextsAreRefusedNamingTheirIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> embedded.encode(List.of("tea", "")));
        assertTrue(e.getMessage().contains("text 1"), e.getMessage());
    }

    @Test
    void longTextsAreCutAtMaxLength() {
        try (OnnxTextEncoder shortEncoder = OnnxTextEncoder.embedded().maxLength(8).batchSize(2).threads(1).build()) {
            String longText = "green tea ".repeat(50);
            float[] v = shortEncoder.encode(longText);
            float[] cut = shortEncoder.encode("green tea green tea green tea"); // 6 tokens + [CLS] [SEP]
            assertTrue(cosine(v, cut) > 0.99999, "the long text is its first 6 word pieces");
            assertTrue(shortEncoder.modelId().contains("max_length=8"));
        }
    }

    @Test
    void aClosedEncoderRefusesWork() {
        OnnxTextEncoder e = OnnxTextEncoder.embedded().threads(1).build();
        e.close();
        e.close();
        IllegalStateException ex = assertThrows(IllegalStateException.class, () -> e.encode("tea"));
        assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
    }

    @Test
    void requiringAGpuFailsClearlyWithoutCuda() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "this machine has CUDA");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> OnnxTextEncoder.embedded().requireGpu(true).build());
        assertTrue(e.getMessage().contains("requireGpu") && e.getMessage().contains("CUDA") && e.getMessage().contains("onnxruntime_gpu"),
                e.getMessage());
    }

    @Test
    void aDirectoryEncoderWithMeanPoolingEqualsTheEmbeddedOne(@TempDir Path dir) throws IOException {
        exportEmbedded(dir);
        float[][] expected = embedded.encode(TEXTS);
        try (OnnxTextEncoder fromDir = OnnxTextEncoder.fromDirectory(dir).maxLength(256).prefixes("query: ", "").build()) {
            float[][] got = fromDir.encode(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertTrue(cosine(expected[i], got[i]) > 0.99999, "text " + i);
            }
            float[] query = fromDir.encodeQueries(List.of(TEXTS.get(0)))[0];
            assertTrue(cosine(query, got[0]) < 0.9999, "the query prefix changes the vector");
            assertTrue(cosine(query, got[0]) > 0.5);
            assertTrue(fromDir.modelId().startsWith(dir.getFileName() + "@sha256:") && fromDir.modelId().contains("query_prefix='query: '"),
                    fromDir.modelId());
        }
    }

    @Test
    void clsAndLastTokenPoolingAreOtherVectors(@TempDir Path dir) throws IOException {
        exportEmbedded(dir);
        float[] mean = embedded.encode(TEXTS.get(1));
        try (OnnxTextEncoder cls = OnnxTextEncoder.fromDirectory(dir).pooling(OnnxTextEncoder.Pooling.CLS).modelId("mini-cls").build();
                OnnxTextEncoder last = OnnxTextEncoder.fromDirectory(dir).pooling(OnnxTextEncoder.Pooling.LAST_TOKEN).build()) {
            float[][] c = cls.encode(TEXTS);
            float[][] l = last.encode(TEXTS);
            assertEquals("mini-cls", cls.modelId());
            assertTrue(cosine(mean, c[1]) < 0.999 && cosine(mean, l[1]) < 0.999 && cosine(c[1], l[1]) < 0.999);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertEquals(1.0, norm(c[i]), 1e-5);
                assertTrue(cosine(cls.encode(TEXTS.get(i)), c[i]) > 0.99999, "CLS of text " + i + " is independent of padding");
                assertTrue(cosine(last.encode(TEXTS.get(i)), l[i]) > 0.99999, "last token of text " + i + " is its own, not padding");
            }
        }
    }

    @Test
    void aTruncatedModelFileIsAClearErrorNamingTheFile(@TempDir Path dir) throws IOException {
        exportEmbedded(dir);
        Path model = dir.resolve("model.onnx");
        byte[] head = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(model)) {
            in.readNBytes(head, 0, head.length);
        }
        Files.write(model, head);
        LanguageModelException e = assertThrows(LanguageModelException.class, () -> OnnxTextEncoder.fromDirectory(dir).build());
        assertTrue(e.getMessage().contains(model.toString()), e.getMessage());
    }

    @Test
    void missingFilesAreClearErrors(@TempDir Path dir) throws IOException {
        IllegalArgumentException noDir = assertThrows(IllegalArgumentException.class,
                () -> OnnxTextEncoder.fromDirectory(dir.resolve("nowhere")).build());
        assertTrue(noDir.getMessage().contains("nowhere"), noDir.getMessage());
        Files.writeString(dir.resolve("model.onnx"), "not a model");
        IllegalArgumentException noTokenizer = assertThrows(IllegalArgumentException.class, () -> OnnxTextEncoder.fromDirectory(dir).build());
        assertTrue(noTokenizer.getMessage().contains(dir.resolve("tokenizer.json").toString()), noTokenizer.getMessage());
        Files.writeString(dir.resolve("tokenizer.json"), "{ broken");
        LanguageModelException badTokenizer = assertThrows(LanguageModelException.class, () -> OnnxTextEncoder.fromDirectory(dir).build());
        assertTrue(badTokenizer.getMessage().contains("tokenizer.json"), badTokenizer.getMessage());
    }

    @Test
    void builderChecksItsArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxTextEncoder.embedded().batchSize(0));
        assertTrue(e.getMessage().contains("batchSize") && e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OnnxTextEncoder.embedded().maxLength(1));
        assertTrue(e.getMessage().contains("maxLength") && e.getMessage().contains("[2, 32768]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OnnxTextEncoder.embedded().threads(0));
        assertTrue(e.getMessage().contains("threads"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OnnxTextEncoder.embedded().gpuDevice(-1));
        assertTrue(e.getMessage().contains("gpuDevice"), e.getMessage());
        assertNotEquals(null, OnnxTextEncoder.embedded().pooling(OnnxTextEncoder.Pooling.CLS));
        assertArrayEquals(new Object[0], new Object[0]);
    }
}
