package dev.llmedt.examples.experiment;

import dev.llmedt.augment.InsertionStrategy;
import dev.llmedt.examples.LlmEdtFlags;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The named settings of one run: a method (LLM-EDT or SASRec) and what differs from its defaults.
 * The name is the run's folder ({@code <name>-s<seed>}); two specs of the same name must have the
 * same settings (a cached run is checked against them).
 *
 * @param name the run's name (letters, digits, '-', '.', '_')
 * @param sasrec true for SASRec (reference settings), false for LLM-EDT
 * @param augmenter the augmenter's settings, or null when it is off
 * @param fineTuning phase-2 settings that differ from the defaults (adapter_size, alignment_weight)
 * @param phaseOne the run whose phase 1 this run reuses (phase-2-only settings), or null
 * @param flags {@code train --method llm-edt} settings flags applied over the defaults (see {@link LlmEdtFlags}), empty for
 *     none; SASRec takes the schedule flags only
 * @param embeddings item embeddings of this run instead of the study's (an {@code encode} file), or null for the study's
 */
record RunSpec(String name, boolean sasrec, AugmenterSettings augmenter, Map<String, Object> fineTuning, RunSpec phaseOne,
        List<String> flags, Path embeddings) {

    /** The augmenter's settings a study varies (the others are the defaults). */
    record AugmenterSettings(InsertionStrategy insertion, Double tau, Integer clusters) {

        static AugmenterSettings defaults() {
            return new AugmenterSettings(null, null, null);
        }

        AugmenterSettings withInsertion(InsertionStrategy s) {
            return new AugmenterSettings(s, tau, clusters);
        }

        AugmenterSettings withTau(double t) {
            return new AugmenterSettings(insertion, t, clusters);
        }

        AugmenterSettings withClusters(int k) {
            return new AugmenterSettings(insertion, tau, k);
        }

        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("insertion", insertion == null ? "default (after-source)" : insertion.label());
            m.put("tau", tau == null ? "default (0.5)" : tau);
            m.put("clusters", clusters == null ? "default (64)" : clusters);
            return m;
        }
    }

    RunSpec {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("run name '" + name + "' must use letters, digits, '.', '_' and '-' only");
        }
        fineTuning = Map.copyOf(fineTuning);
        flags = List.copyOf(flags);
        // Parsed now, so that a bad flag fails naming itself rather than hours into a study.
        boolean scheduleOnly = flags.isEmpty() || LlmEdtFlags.parse(flags).scheduleOnly();
        if (sasrec && (augmenter != null || !fineTuning.isEmpty() || phaseOne != null || embeddings != null || !scheduleOnly)) {
            throw new IllegalArgumentException("run " + name + ": SASRec takes no augmenter, fine-tuning, phase-1 or embeddings settings, "
                    + "and of the flags only the schedule's (--max-epochs, --patience, --plateau-patience, --plateau-from)");
        }
        if (embeddings != null && phaseOne != null && !embeddings.equals(phaseOne.embeddings())) {
            throw new IllegalArgumentException("run " + name + ": its embeddings " + embeddings + " differ from those of its phase 1 ("
                    + phaseOne.name() + ")");
        }
    }

    /** LLM-EDT with the library's defaults (hybrid items, no augmenter, no profiles, phase 2 on). */
    static RunSpec llmEdt(String name) {
        return new RunSpec(name, false, null, Map.of(), null, List.of(), null);
    }

    /** SASRec with the reference settings. */
    static RunSpec sasrec(String name) {
        return new RunSpec(name, true, null, Map.of(), null, List.of(), null);
    }

    /** SASRec with these schedule flags ({@code --max-epochs N}, {@code --patience N}, {@code --plateau-patience N}, {@code --plateau-from E}). */
    RunSpec withSchedule(List<String> scheduleFlags) {
        if (!sasrec) {
            throw new IllegalStateException("run " + name + ": withSchedule is for SASRec runs; LLM-EDT takes them as flags");
        }
        return new RunSpec(name, true, null, Map.of(), null, scheduleFlags, null);
    }

    RunSpec withAugmenter(AugmenterSettings settings) {
        return new RunSpec(name, false, settings, fineTuning, phaseOne, flags, embeddings);
    }

    /** Phase 2 only, on the phase 1 of the run {@code from}, with beta (profile alignment; 0 = no profiles). */
    RunSpec withAlignmentWeight(double beta, RunSpec from) {
        Map<String, Object> f = new LinkedHashMap<>(fineTuning);
        f.put("alignment_weight", beta);
        return new RunSpec(name, false, augmenter, f, from, flags, embeddings);
    }

    /** Phase 2 only, on the phase 1 of the run {@code from}, with this domain-adapter bottleneck. */
    RunSpec withAdapterSize(int size, RunSpec from) {
        Map<String, Object> f = new LinkedHashMap<>(fineTuning);
        f.put("adapter_size", size);
        return new RunSpec(name, false, augmenter, f, from, flags, embeddings);
    }

    /**
     * LLM-EDT with these {@code train} settings flags over the defaults, on the phase 1 of the run
     * {@code phaseOneFrom} when not null (for flags that change phase 2 only).
     */
    RunSpec withFlags(List<String> trainFlags, RunSpec phaseOneFrom) {
        return new RunSpec(name, false, augmenter, fineTuning, phaseOneFrom, trainFlags, embeddings);
    }

    /**
     * LLM-EDT trained on these item embeddings (an {@code encode} file of the same catalogue, from
     * another encoder, say) instead of the study's.
     */
    RunSpec withEmbeddings(Path file) {
        return new RunSpec(name, false, augmenter, fineTuning, phaseOne, flags, file);
    }

    /** The flags, parsed. */
    LlmEdtFlags parsedFlags() {
        return LlmEdtFlags.parse(flags);
    }

    /** The settings as written into the run's result and the study's JSON. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", sasrec ? "sasrec" : "llm-edt");
        if (sasrec && !flags.isEmpty()) {
            m.put("flags", String.join(" ", flags));
        }
        if (!sasrec) {
            m.put("augmenter", augmenter == null ? null : augmenter.describe());
            m.put("fine_tuning", new java.util.TreeMap<>(fineTuning));
            m.put("phase_one_from", phaseOne == null ? null : phaseOne.name());
            if (!flags.isEmpty()) {
                m.put("flags", String.join(" ", flags));
            }
            if (embeddings != null) {
                m.put("embeddings", embeddings.getFileName().toString());
            }
        }
        return m;
    }
}
