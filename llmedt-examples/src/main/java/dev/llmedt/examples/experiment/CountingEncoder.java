package dev.llmedt.examples.experiment;

import dev.llmedt.text.TextEncoder;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Passes calls on to an encoder and counts them and their texts (what reached the model). */
final class CountingEncoder implements TextEncoder {

    private final TextEncoder encoder;
    final AtomicLong calls = new AtomicLong();
    final AtomicLong texts = new AtomicLong();

    CountingEncoder(TextEncoder encoder) {
        this.encoder = encoder;
    }

    @Override
    public String modelId() {
        return encoder.modelId();
    }

    @Override
    public int dimension() {
        return encoder.dimension();
    }

    @Override
    public float[][] encode(List<String> input) {
        calls.incrementAndGet();
        texts.addAndGet(input.size());
        return encoder.encode(input);
    }

    @Override
    public float[][] encodeQueries(List<String> input) {
        calls.incrementAndGet();
        texts.addAndGet(input.size());
        return encoder.encodeQueries(input);
    }

    @Override
    public void close() {
        // the wrapped encoder belongs to the caller
    }
}
