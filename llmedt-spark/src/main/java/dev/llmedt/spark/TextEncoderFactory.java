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
     * Another encoder for {@code main}'s {@code --encoder-factory CLASS}: an instance of the named
     * class (a {@code TextEncoderFactory} with a public no-argument constructor, on the job's class
     * path), made on the driver so that a wrong name fails at once.
     *
     * @throws IllegalArgumentException naming the class when it cannot be loaded, is not a
     *     {@code TextEncoderFactory} or cannot be made
     */
    static TextEncoderFactory ofClass(String className) {
        try {
            Class<?> c = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
            if (!TextEncoderFactory.class.isAssignableFrom(c)) {
                throw new IllegalArgumentException("--encoder-factory " + className + " is not a " + TextEncoderFactory.class.getName());
            }
            return (TextEncoderFactory) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("--encoder-factory " + className + ": cannot make an instance (" + e + "); it needs a public"
                    + " no-argument constructor and must be on the class path", e);
        }
    }

    /**
     * An exported encoder ({@code model.onnx} + {@code tokenizer.json}) in a directory every
     * executor can read.
     */
    static TextEncoderFactory onnxDirectory(String directory, int threads) {
        return () -> OnnxTextEncoder.fromDirectory(Path.of(directory)).threads(threads).build();
    }
}
