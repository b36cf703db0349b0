package dev.llmedt.spark;

import dev.llmedt.onnx.OnnxTextEncoder;
import dev.llmedt.text.TextEncoder;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * Builds a text encoder on an executor (encoders hold native sessions and cannot be shipped). Each
 * executor JVM builds one per job and shares it among its tasks.
 */
@FunctionalInterface
public interface TextEncoderFactory extends Serializable {

    /** Builds the encoder. */
    TextEncoder create();

    /**
     * The embedded all-MiniLM-L6-v2 (384 dimensions), ONNX Runtime on {@code threads} threads per
     * executor (1 when each core runs its own task).
     */
    static TextEncoderFactory embeddedMiniLm(int threads) {
        return () -> OnnxTextEncoder.embedded().threads(threads).build();
    }

    /**
     * An exported encoder ({@code model.onnx} + {@code tokenizer.json}) in a directory every
     * executor can read.
     */
    static TextEncoderFactory onnxDirectory(String directory, int threads) {
        return () -> OnnxTextEncoder.fromDirectory(Path.of(directory)).threads(threads).build();
    }
}
