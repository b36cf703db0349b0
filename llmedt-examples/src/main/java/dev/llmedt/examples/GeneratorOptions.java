package dev.llmedt.examples;

import dev.llmedt.text.TextCache;
import java.net.URI;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The chat server that writes the augmenter's suggestions (and the profiles' summaries): its URL,
 * model and API key variable, and the bounds of its calls ({@link GeneratorLimits}); one set of
 * options for {@code augment} and {@code train --method llm-edt}. Without {@code --generator} the
 * commands run offline.
 */
final class GeneratorOptions {

    @Option(names = "--generator", paramLabel = "URL",
            description = "An OpenAI-compatible chat server for the augmenter (and profiles), e.g. http://localhost:8000/v1 (with "
                    + "--model). Default: offline.")
    URI url;

    @Option(names = "--model", paramLabel = "NAME", description = "With --generator: the chat model's name on the server.")
    String model;

    @Option(names = "--generator-api-key-env", paramLabel = "VAR", description = "With --generator: the environment variable holding its API key.")
    String apiKeyEnv;

    @Mixin
    GeneratorLimits limits;

    /** Whether a server was given. */
    boolean given() {
        return url != null;
    }

    /** Checks that the options that go together were given together. */
    void check() {
        if ((url == null) != (model == null)) {
            throw new IllegalArgumentException("--generator URL and --model NAME go together");
        }
        if (url == null && apiKeyEnv != null) {
            throw new IllegalArgumentException("--generator-api-key-env applies to --generator only");
        }
        limits.checkApplies(url != null);
    }

    /** The generator of the run (answers cached in {@code cache}), or null offline. */
    GeneratorLimits.Run open(TextCache cache) {
        return url == null ? null : GeneratorLimits.Run.of(limits.open(url, model, apiKeyEnv), model, cache);
    }
}
