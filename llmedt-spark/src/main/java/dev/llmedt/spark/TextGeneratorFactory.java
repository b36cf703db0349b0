package dev.llmedt.spark;

import dev.llmedt.text.OpenAiCompatible;
import dev.llmedt.text.TextGenerator;
import java.io.Serializable;

/** Builds a text generator on an executor; its calls are rate-limited per executor by the jobs. */
@FunctionalInterface
public interface TextGeneratorFactory extends Serializable {

    /** Builds the generator. */
    TextGenerator create();

    /** An OpenAI-compatible chat endpoint ({@code /v1/chat/completions} under {@code baseUrl}). */
    static TextGeneratorFactory openAiChat(String baseUrl, String model) {
        return () -> OpenAiCompatible.chat(java.net.URI.create(baseUrl), model).build();
    }
}
