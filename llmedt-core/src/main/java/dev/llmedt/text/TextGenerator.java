package dev.llmedt.text;

import java.util.ArrayList;
import java.util.List;

/**
 * A text generator: prompt in, text out (the "LLM as generator" of LLM-EDT: augmentation
 * candidates and profile summaries).
 *
 * <p>Implementations must be thread-safe. {@link OpenAiCompatible#chat} talks to any
 * OpenAI-compatible chat-completions server (vLLM, llama.cpp server, Ollama, OpenAI).
 */
public interface TextGenerator extends AutoCloseable {

    /**
     * Returns a stable identifier of the model and every setting that changes its output
     * (temperature, maximum tokens, system prompt). Used as the cache key and for provenance.
     */
    String modelId();

    /**
     * Generates the answer to one prompt.
     *
     * @param prompt the user message, non-blank
     * @return the generated text (may be empty when the model says nothing)
     * @throws LanguageModelException when the model fails or its answer is malformed
     */
    String generate(String prompt);

    /**
     * Generates answers to several prompts, in input order. The default calls {@link #generate}
     * one prompt at a time; clients that can run requests concurrently override it.
     *
     * @param prompts non-blank prompts
     * @return one answer per prompt, in input order
     */
    default List<String> generateAll(List<String> prompts) {
        List<String> out = new ArrayList<>(prompts.size());
        for (String p : prompts) {
            out.add(generate(p));
        }
        return out;
    }

    /** Releases resources; the default does nothing. Idempotent. */
    @Override
    default void close() {
    }
}
