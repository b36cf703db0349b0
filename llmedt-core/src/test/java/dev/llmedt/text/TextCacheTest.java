package dev.llmedt.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.testing.HashingEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCacheTest {

    private static final List<String> TEXTS = List.of("green tea", "cast iron pan", "green tea", "rice cooker");

    @Test
    void secondEncodingIsServedFromTheCache(@TempDir Path dir) throws IOException {
        HashingEncoder model = new HashingEncoder(16);
        TextCache cache = TextCache.open(dir);
        TextEncoder cached = cache.cached(model);
        assertEquals(model.modelId(), cached.modelId());
        float[][] first = cached.encode(TEXTS);
        assertEquals(3, model.encodedTexts(), "each distinct text once");
        assertArrayEquals(first[0], first[2]);

        TextCache reopened = TextCache.open(dir);
        float[][] second = reopened.cached(model).encode(TEXTS);
        assertEquals(3, model.encodedTexts(), "nothing recomputed");
        for (int i = 0; i < TEXTS.size(); i++) {
            assertArrayEquals(first[i], second[i]);
        }
        assertEquals(4, reopened.statistics().hits());
        assertEquals(0, reopened.statistics().misses());
        assertEquals(4, cache.statistics().misses());
        assertEquals(3, cache.statistics().writes());
    }

    @Test
    void queriesAndDocumentsAreSeparateEntries(@TempDir Path dir) throws IOException {
        HashingEncoder model = new HashingEncoder(8);
        TextEncoder cached = TextCache.open(dir).cached(model);
        cached.encode(List.of("tea"));
        cached.encodeQueries(List.of("tea"));
        assertEquals(2, model.encodedTexts());
    }

    @Test
    void aFlippedByteIsDetectedLoggedAndRecomputed(@TempDir Path dir) throws IOException {
        HashingEncoder model = new HashingEncoder(16);
        TextCache cache = TextCache.open(dir);
        float[] good = cache.cached(model).encode("green tea");
        Path entry = cache.path(TextCache.Kind.EMBEDDING, model.modelId(), "green tea");
        byte[] bytes = Files.readAllBytes(entry);
        bytes[bytes.length - 10] ^= 0x01; // inside the vector payload
        Files.write(entry, bytes);

        TextCache reopened = TextCache.open(dir);
        float[] again = reopened.cached(model).encode("green tea");
        assertArrayEquals(good, again, "the corrupt entry was recomputed, not returned");
        assertEquals(1, reopened.statistics().corrupt());
        assertEquals(1, reopened.statistics().misses());
        assertEquals(2, model.encodedTexts());
        assertTrue(Files.readAllBytes(entry).length == bytes.length, "the entry was rewritten");
        TextCache third = TextCache.open(dir);
        third.cached(model).encode("green tea");
        assertEquals(1, third.statistics().hits(), "the rewritten entry is good again");
    }

    @Test
    void aTruncatedOrEmptyEntryIsDetectedAndRecomputed(@TempDir Path dir) throws IOException {
        HashingEncoder model = new HashingEncoder(16);
        TextCache cache = TextCache.open(dir);
        float[] good = cache.cached(model).encode("rice cooker");
        Path entry = cache.path(TextCache.Kind.EMBEDDING, model.modelId(), "rice cooker");
        byte[] bytes = Files.readAllBytes(entry);
        for (int keep : new int[] {bytes.length - 1, bytes.length / 2, 7, 0}) {
            Files.write(entry, java.util.Arrays.copyOf(bytes, keep));
            TextCache reopened = TextCache.open(dir);
            assertArrayEquals(good, reopened.cached(model).encode("rice cooker"), "truncated to " + keep);
            assertEquals(1, reopened.statistics().corrupt(), "truncated to " + keep);
        }
    }

    @Test
    void anEntryOfAnotherDimensionIsNotTrusted(@TempDir Path dir) throws IOException {
        TextCache cache = TextCache.open(dir);
        cache.cached(new HashingEncoder(8, "same-id")).encode("tea");
        HashingEncoder wider = new HashingEncoder(16, "same-id");
        float[] v = cache.cached(wider).encode("tea");
        assertEquals(16, v.length);
        assertEquals(1, cache.statistics().corrupt());
    }

    @Test
    void concurrentUseInOneJvmIsSafe(@TempDir Path dir) throws Exception {
        HashingEncoder model = new HashingEncoder(32);
        TextCache cache = TextCache.open(dir);
        TextEncoder cached = cache.cached(model);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            texts.add("item number " + i);
        }
        float[][] expected = model.encode(texts);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[][]>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> cached.encode(texts)));
            }
            for (Future<float[][]> f : futures) {
                float[][] got = f.get();
                for (int i = 0; i < texts.size(); i++) {
                    assertArrayEquals(expected[i], got[i]);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, cache.statistics().corrupt());
        try (Stream<Path> files = Files.walk(dir)) {
            assertEquals(0, files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count(), "no temporary files left");
        }
        TextCache reopened = TextCache.open(dir);
        reopened.cached(model).encode(texts);
        assertEquals(texts.size(), reopened.statistics().hits());
    }

    @Test
    void generatedTextsAreCachedByModelAndPrompt(@TempDir Path dir) throws IOException {
        AtomicInteger calls = new AtomicInteger();
        TextGenerator model = new TextGenerator() {
            @Override
            public String modelId() {
                return "echo";
            }

            @Override
            public String generate(String prompt) {
                calls.incrementAndGet();
                return "answer to " + prompt + " ✓";
            }
        };
        TextCache cache = TextCache.open(dir);
        TextGenerator cached = cache.cached(model);
        assertEquals(List.of("answer to a ✓", "answer to b ✓", "answer to a ✓"), cached.generateAll(List.of("a", "b", "a")));
        assertEquals(2, calls.get());
        assertEquals("answer to b ✓", TextCache.open(dir).cached(model).generate("b"));
        assertEquals(2, calls.get());
    }

    @Test
    void aDirectoryOfAnotherFormatIsRefused(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("llmedt-cache.json"), "{\"format\": \"llmedt-text-cache\", \"version\": 99}");
        IOException e = assertThrows(IOException.class, () -> TextCache.open(dir));
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
    }
}
