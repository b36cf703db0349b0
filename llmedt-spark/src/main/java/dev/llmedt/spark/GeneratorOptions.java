package dev.llmedt.spark;

import java.util.List;

/**
 * The generator options of the jobs' {@code main}s, the one-machine command line's plus the
 * per-executor rate limit: {@code --generator URL --generator-model NAME [--generator-api-key-env VAR]
 * [--generator-timeout SECONDS] [--generator-attempts N] [--generator-circuit-breaker N]
 * [--requests-per-second X] [--burst N] [--generator-concurrency N]}. The circuit breaker (default 5
 * consecutive failed requests) is per client, that is per task.
 *
 * @param factory builds the client on each executor, or null without {@code --generator}
 * @param requestsPerSecond calls per second per executor
 * @param burst calls an executor may make at once after a quiet spell
 * @param concurrency calls in flight per task
 */
record GeneratorOptions(TextGeneratorFactory factory, double requestsPerSecond, int burst, int concurrency) {

    /** The option names, for {@link JobArguments}. */
    static final List<String> NAMES = List.of("generator", "generator-model", "generator-api-key-env", "generator-timeout",
            "generator-attempts", "generator-circuit-breaker", "requests-per-second", "burst", "generator-concurrency");

    /** The usage text of the options. */
    static final String USAGE = "[--generator URL --generator-model NAME [--generator-api-key-env VAR] [--generator-timeout SECONDS]"
            + " [--generator-attempts N] [--generator-circuit-breaker N] [--requests-per-second X] [--burst N] [--generator-concurrency N]]";

    /**
     * Reads the options.
     *
     * @throws IllegalArgumentException naming the option, its value and the allowed range
     */
    static GeneratorOptions parse(JobArguments a) {
        String url = a.get("generator", null);
        String model = a.get("generator-model", null);
        if ((url == null) != (model == null)) {
            throw new IllegalArgumentException(a.job() + ": --generator URL and --generator-model NAME go together");
        }
        if (url == null) {
            for (String name : NAMES) {
                if (a.has(name)) {
                    throw new IllegalArgumentException(a.job() + ": --" + name + " applies to --generator only");
                }
            }
            return new GeneratorOptions(null, 1e6, 1, 1);
        }
        double timeout = a.getDouble("generator-timeout", 120);
        if (!(timeout >= 0.001 && timeout <= 3600)) {
            throw new IllegalArgumentException(a.job() + ": --generator-timeout must be in [0.001, 3600] seconds, got " + a.get("generator-timeout", ""));
        }
        int attempts = a.getInt("generator-attempts", 4);
        a.checkRange("generator-attempts", attempts, 1, 20);
        int breaker = a.getInt("generator-circuit-breaker", 5);
        a.checkRange("generator-circuit-breaker", breaker, 1, 1_000_000);
        double rps = a.getDouble("requests-per-second", 10);
        if (!(rps > 0 && rps <= 1e6)) {
            throw new IllegalArgumentException(a.job() + ": --requests-per-second must be in (0, 1000000], got " + a.get("requests-per-second", ""));
        }
        int burst = a.getInt("burst", defaultBurst(rps));
        a.checkRange("burst", burst, 1, 1_000_000);
        int concurrency = a.getInt("generator-concurrency", 8);
        a.checkRange("generator-concurrency", concurrency, 1, 256);
        TextGeneratorFactory factory;
        try {
            factory = new TextGeneratorFactory.OpenAiChat(url, model, a.get("generator-api-key-env", null), Math.round(timeout * 1000), attempts,
                    breaker);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(a.job() + ": --generator " + url + " --generator-model " + model + ": " + e.getMessage(), e);
        }
        return new GeneratorOptions(factory, rps, burst, concurrency);
    }

    /** The burst when none is given: a second's worth of calls, between 1 and 64. */
    static int defaultBurst(double requestsPerSecond) {
        return Math.max(1, (int) Math.min(requestsPerSecond, 64));
    }
}
