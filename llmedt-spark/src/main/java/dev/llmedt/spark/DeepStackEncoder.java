package dev.llmedt.spark;

import dev.llmedt.text.LanguageModelException;
import dev.llmedt.text.TextEncoder;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Builds an encoder and runs each of its calls on a thread of its own with a 64 MB stack. Spark's
 * task threads have the JVM's default stack (1 MB), and the embedded MiniLM (its native tokenizer
 * and ONNX Runtime work on the calling thread) overflowed it in a Spark job writing Parquet: the JVM
 * died with SIGSEGV and no error file ({@code -Xss16m} avoided it). A thread per batch costs
 * nothing next to encoding the batch.
 */
final class DeepStackEncoder implements TextEncoder {

    private static final long STACK_BYTES = 64L << 20;

    private final TextEncoder encoder;

    private DeepStackEncoder(TextEncoder encoder) {
        this.encoder = encoder;
    }

    /** Builds the encoder on a deep stack too (loading the native tokenizer parses its JSON recursively) and wraps it. */
    static TextEncoder create(TextEncoderFactory factory) {
        return new DeepStackEncoder(onDeepStack(factory::create));
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
    public float[][] encode(List<String> texts) {
        return onDeepStack(() -> encoder.encode(texts));
    }

    @Override
    public float[][] encodeQueries(List<String> texts) {
        return onDeepStack(() -> encoder.encodeQueries(texts));
    }

    @Override
    public void close() {
        encoder.close();
    }

    private static <T> T onDeepStack(Supplier<T> call) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(call.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "llmedt-encode", STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LanguageModelException("interrupted while encoding", e);
        }
        Throwable e = failure.get();
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return result.get();
    }
}
