package dev.llmedt.examples;

import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.dualphase.FineTuningConfig;
import dev.llmedt.dualphase.PretrainingConfig;
import dev.llmedt.sasrec.SasRecConfig;
import picocli.CommandLine.Option;

/**
 * The training-schedule options of {@code train} and of a study row: most epochs, early-stopping
 * patience and the learning-rate halving on a validation plateau (and the epoch it may start from). Unset options leave the
 * configuration's values.
 */
public final class ScheduleOptions {

    @Option(names = "--max-epochs", paramLabel = "N[,N2]",
            description = "Most epochs (sasrec: default 40); llm-edt: of each phase, or N,N2 for phase 1 and phase 2 (default 60,30).")
    String maxEpochs;

    @Option(names = "--patience", paramLabel = "N[,N2]",
            description = "Early-stopping patience (default 10); llm-edt: of each phase, or N,N2 (default 10,6).")
    String patience;

    @Option(names = "--plateau-patience", paramLabel = "N",
            description = "Halve the learning rate after N epochs without a better validation NDCG@10 (and after N more), 0 = never "
                    + "(sasrec: default 0, a constant rate, as in the reference); llm-edt: phase 1, default 3 (phase 2 halves after 2).")
    Integer plateauPatience;

    @Option(names = "--plateau-from", paramLabel = "E",
            description = "With --plateau-patience: count a plateau only from epoch E on, so that no halving comes before the end "
                    + "of epoch E + N - 1 (sasrec: default 0, from the start); llm-edt: phase 1, default 25.")
    Integer plateauFrom;

    /** The --max-epochs values (phase 1 and, when two, phase 2), or null. */
    private int[] maxEpochs() {
        return PerPhase.parse("--max-epochs", maxEpochs);
    }

    /** The --patience values (phase 1 and, when two, phase 2), or null. */
    private int[] patience() {
        return PerPhase.parse("--patience", patience);
    }

    /** Returns {@code base} with phase 1's (the first) and phase 2's (the last) values set. */
    DualPhaseConfig applyTo(DualPhaseConfig base) {
        PretrainingConfig.Builder p = base.pretraining().toBuilder();
        applyTo(p);
        PretrainingConfig pretraining = p.build();
        checkPlateauFrom(pretraining.plateauPatience());
        FineTuningConfig.Builder f = base.fineTuning().toBuilder();
        applyTo(f);
        return base.withPretraining(pretraining).withFineTuning(f.build());
    }

    /**
     * Refuses a --plateau-from after the first epoch where no halving would come (a plateau patience of 0): it would be
     * ignored. 0 and 1 (from the start) are what every configuration without the flag has, so they pass.
     */
    private void checkPlateauFrom(int plateauPatienceInEffect) {
        if (plateauFrom != null && plateauFrom > 1 && plateauPatienceInEffect == 0) {
            throw new IllegalArgumentException("--plateau-from " + plateauFrom + " needs --plateau-patience N with N >= 1: with a "
                    + "plateau patience of 0 the learning rate is never halved");
        }
    }

    /** Sets phase 1's (the first) values. */
    private void applyTo(PretrainingConfig.Builder p) {
        int[] epochs = maxEpochs();
        int[] patiences = patience();
        if (epochs != null) {
            p.maxEpochs(epochs[0]);
        }
        if (patiences != null) {
            p.patience(patiences[0]);
        }
        if (plateauPatience != null) {
            p.plateauPatience(plateauPatience);
        }
        if (plateauFrom != null) {
            p.plateauFromEpoch(plateauFrom);
        }
    }

    /** Sets phase 2's (the last) values of --max-epochs and --patience. */
    private void applyTo(FineTuningConfig.Builder f) {
        int[] epochs = maxEpochs();
        int[] patiences = patience();
        if (epochs != null) {
            f.maxEpochs(epochs[epochs.length - 1]);
        }
        if (patiences != null) {
            f.patience(patiences[patiences.length - 1]);
        }
    }

    /**
     * Sets SASRec's values.
     *
     * @throws IllegalArgumentException when --max-epochs or --patience has a phase-2 value, or --plateau-from
     *     comes without a plateau patience
     */
    void applyTo(SasRecConfig.Builder c) {
        int[] epochs = maxEpochs();
        int[] patiences = patience();
        if ((epochs != null && epochs.length > 1) || (patiences != null && patiences.length > 1)) {
            throw new IllegalArgumentException("--max-epochs and --patience take one value for --method sasrec");
        }
        checkPlateauFrom(plateauPatience != null ? plateauPatience : SasRecConfig.defaults().plateauPatience());
        if (epochs != null) {
            c.maxEpochs(epochs[0]);
        }
        if (patiences != null) {
            c.patience(patiences[0]);
        }
        if (plateauPatience != null) {
            c.plateauPatience(plateauPatience);
        }
        if (plateauFrom != null) {
            c.plateauFromEpoch(plateauFrom);
        }
    }
}
