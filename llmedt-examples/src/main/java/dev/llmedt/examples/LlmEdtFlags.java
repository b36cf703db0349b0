package dev.llmedt.examples;

import dev.llmedt.augment.TransferableItemAugmenter;
import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.sasrec.SasRecConfig;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The settings flags of {@code train --method llm-edt} (such as {@code --augmenter --bridges csls},
 * {@code --no-fine-tuning}, {@code --item-representation id}, and the schedule's {@code --max-epochs},
 * {@code --patience}, {@code --plateau-patience}, {@code --plateau-from}), parsed exactly as {@code train} parses them, so
 * that a study row is described by the flags a user would type. Flags that name files or servers
 * ({@code --embeddings}, {@code --generator}, {@code --phase-one}, the encoder options) are refused:
 * a study supplies those itself.
 */
public final class LlmEdtFlags {

    /** Flags that point outside the settings (files, servers, encoders): the study owns these. */
    private static final Set<String> REFUSED = Set.of("--embeddings", "--generator", "--model", "--generator-api-key-env", "--phase-one",
            "--encoder", "--encoder-model", "--api-key-env", "--pooling", "--query-prefix", "--document-prefix", "--require-gpu",
            "--template", "--domain-template", "--max-chars", "--cache", "--max-length", "--batch-size");

    /** The schedule flags, the only ones a SASRec row takes. */
    private static final Set<String> SCHEDULE = Set.of("--max-epochs", "--patience", "--plateau-patience", "--plateau-from");

    @Command(name = "llm-edt-flags")
    static final class Holder {
        @Mixin
        LlmEdtOptions options;

        @Mixin
        ScheduleOptions schedule;
    }

    private final List<String> flags;
    private final LlmEdtOptions options;
    private final ScheduleOptions schedule;
    private final boolean scheduleOnly;

    private LlmEdtFlags(List<String> flags, LlmEdtOptions options, ScheduleOptions schedule, boolean scheduleOnly) {
        this.flags = flags;
        this.options = options;
        this.schedule = schedule;
        this.scheduleOnly = scheduleOnly;
    }

    /**
     * Parses train flags.
     *
     * @throws IllegalArgumentException naming the flag that is unknown, malformed or refused
     */
    public static LlmEdtFlags parse(List<String> flags) {
        for (String f : flags) {
            String name = f.contains("=") ? f.substring(0, f.indexOf('=')) : f;
            if (REFUSED.contains(name)) {
                throw new IllegalArgumentException("flag " + name + " names a file, server or encoder; a study row takes settings flags only, "
                        + "got " + flags);
            }
        }
        Holder holder = new Holder();
        CommandLine line = new CommandLine(holder);
        try {
            line.parseArgs(flags.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException("llm-edt flags " + flags + ": " + e.getMessage(), e);
        }
        boolean scheduleOnly = line.getParseResult().matchedOptions().stream()
                .allMatch(o -> SCHEDULE.contains(o.longestName()));
        LlmEdtFlags parsed = new LlmEdtFlags(List.copyOf(flags), holder.options, holder.schedule, scheduleOnly);
        parsed.augmenter(); // checks the augmenter flags' consistency now
        parsed.config(DualPhaseConfig.defaults());
        return parsed;
    }

    /** The flags as given. */
    public List<String> flags() {
        return flags;
    }

    /** The configuration the flags make of {@code base}. */
    public DualPhaseConfig config(DualPhaseConfig base) {
        return options.config(schedule.applyTo(base));
    }

    /** Whether the flags are schedule flags only ({@code --max-epochs}, {@code --patience}, {@code --plateau-patience}, {@code --plateau-from}). */
    public boolean scheduleOnly() {
        return scheduleOnly;
    }

    /**
     * Applies the schedule flags to a SASRec configuration.
     *
     * @throws IllegalArgumentException when the flags hold others than the schedule's, or phase-2 values
     */
    public void applyTo(SasRecConfig.Builder c) {
        if (!scheduleOnly) {
            throw new IllegalArgumentException("SASRec takes the schedule flags " + SCHEDULE + " only, got " + flags);
        }
        schedule.applyTo(c);
    }

    /** The augmenter's settings, or null when the flags leave it off. */
    public Consumer<TransferableItemAugmenter.Builder> augmenter() {
        return options.augmenter();
    }

    @Override
    public String toString() {
        return String.join(" ", flags);
    }
}
