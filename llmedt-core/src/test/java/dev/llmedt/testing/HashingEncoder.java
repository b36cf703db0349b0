package dev.llmedt.testing;

import dev.llmedt.text.TextEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deterministic stand-in language model for tests: hashes character trigrams of the lower-cased
 * text into a vector and normalises it, so texts sharing words are similar. Counts the texts it
 * was asked to encode.
 */
public final class HashingEncoder implements TextEncoder {

    private final int dimension;
    private final String id;
    private final AtomicLong encoded = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();

    /** Creates an encoder of the given dimension. */
    public HashingEncoder(int dimension) {
        this(dimension, "hashing-" + dimension);
    }

    /** Creates an encoder of the given dimension and model id. */
    public HashingEncoder(int dimension, String id) {
        this.dimension = dimension;
        this.id = id;
    }

    @Override
    public String modelId() {
        return id;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public float[][] encode(List<String> texts) {
        TextEncoder.checkTexts(texts);
        calls.incrementAndGet();
        encoded.addAndGet(texts.size());
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = TextEncoder.normalize(vector(texts.get(i)), i, id);
        }
        return out;
    }

    private float[] vector(String text) {
        float[] v = new float[dimension];
        byte[] b = (" " + text.toLowerCase() + " ").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 2 < b.length; i++) {
            int h = (b[i] * 31 + b[i + 1]) * 31 + b[i + 2];
            h ^= h >>> 7;
            v[Math.floorMod(h, dimension)] += (h & 0x100) == 0 ? 1 : -1;
        }
        v[0] += 0.01f;
        return v;
    }

    /** Returns how many texts were encoded so far. */
    public long encodedTexts() {
        return encoded.get();
    }

    /** Returns how many encode calls were made so far. */
    public long calls() {
        return calls.get();
    }
}
