package dev.llmedt.text;

import java.util.List;

/**
 * A text encoder: texts in, L2-normalised float vectors out (the "LLM as encoder" of LLM-EDT).
 *
 * <p>Implementations must be thread-safe: several threads may call {@link #encode} at once.
 * Encoders that hold native memory (ONNX Runtime sessions) release it in {@link #close()}; use
 * them in try-with-resources.
 *
 * <p>Contract of every implementation:
 * <ul>
 *   <li>{@link #encode} returns one vector per text, in input order, each of length
 *       {@link #dimension()} and unit L2 norm;</li>
 *   <li>a null or blank text is rejected with an {@link IllegalArgumentException} naming its
 *       index: a blank text has no meaning, and the caller decides what it stands for
 *       ({@link ItemEmbeddings} gives items without text a zero vector and counts them);</li>
 *   <li>a model output that cannot be normalised (NaN, infinite or zero norm) is a
 *       {@link LanguageModelException} naming the input index, never a silent zero vector.</li>
 * </ul>
 */
public interface TextEncoder extends AutoCloseable {

    /**
     * Returns a stable identifier of the model and every setting that changes its vectors
     * (pooling, maximum length, prefixes). Used as the cache key and recorded for provenance: two
     * encoders with the same id must produce the same vectors.
     */
    String modelId();

    /** Returns the length of every vector this encoder produces. */
    int dimension();

    /**
     * Encodes texts as documents (item texts, passages).
     *
     * @param texts non-null, non-blank texts; may be empty
     * @return one unit vector per text, in input order
     * @throws IllegalArgumentException when a text is null or blank (names its index)
     * @throws LanguageModelException when the model fails or returns an invalid vector
     */
    float[][] encode(List<String> texts);

    /**
     * Encodes texts as queries (generated candidate texts, user profiles matched against items).
     * The default is {@link #encode}; encoders trained with query/passage prefixes (e5, bge)
     * override it to apply the query prefix.
     *
     * @param texts non-null, non-blank texts; may be empty
     * @return one unit vector per text, in input order
     */
    default float[][] encodeQueries(List<String> texts) {
        return encode(texts);
    }

    /**
     * Encodes one document text.
     *
     * @see #encode(List)
     */
    default float[] encode(String text) {
        return encode(List.of(text))[0];
    }

    /** Releases native resources; the default does nothing. Idempotent. */
    @Override
    default void close() {
    }

    /**
     * Checks that the texts are non-null and non-blank, for implementations.
     *
     * @throws IllegalArgumentException naming the first bad index
     */
    static void checkTexts(List<String> texts) {
        if (texts == null) {
            throw new IllegalArgumentException("texts must not be null");
        }
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("text " + i + " of " + texts.size() + " is "
                        + (t == null ? "null" : "blank") + "; an encoder needs non-blank texts");
            }
        }
    }

    /**
     * Scales a model's raw vector to unit L2 norm in place, for implementations.
     *
     * @param vector the raw vector
     * @param index the input index it belongs to, for the error message
     * @param modelId the model, for the error message
     * @return {@code vector}, normalised
     * @throws LanguageModelException when the vector holds NaN or infinity or has zero norm
     */
    static float[] normalize(float[] vector, int index, String modelId) {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        if (!Double.isFinite(sum) || sum == 0) {
            throw new LanguageModelException("model " + modelId + " returned a vector that cannot be normalised for input "
                    + index + " (" + (sum == 0 ? "zero norm" : "NaN or infinite values") + ")");
        }
        float scale = (float) (1.0 / Math.sqrt(sum));
        for (int j = 0; j < vector.length; j++) {
            vector[j] *= scale;
        }
        return vector;
    }
}
