package dev.llmedt.dualphase;

import dev.llmedt.engine.TensorLayout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.EpochSummary;
import dev.llmedt.Recommender;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.ProfileAlignment;
import dev.llmedt.engine.Rng;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.engine.SasRecShape;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.Protocol;
import dev.llmedt.training.RunFingerprint;
import dev.llmedt.training.TrainingRun;
import dev.llmedt.training.TrainingSequences;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LLM-EDT phase 2, domain fine-tuning. Every phase-1 parameter (and the item table computed from
 * them) is frozen. For each user and domain {@code d}, the user's items of {@code d} (the last
 * window of them) run through the frozen blocks with domain {@code d}'s own position table, then
 * domain {@code d}'s residual adapter, giving {@code h_d}; each next item of {@code d} is predicted
 * with the score {@code <h_global + h_d, e>}, where {@code h_global} is the frozen phase-1 model's
 * hidden state just before that item in the mixed sequence (computed once, without dropout).
 *
 * <p>Loss = sum over domains of the mean BCE (one negative per target, from the target's domain,
 * not in the sequence) of the domain's targets in the batch + beta x the sum over domains of the
 * in-batch InfoNCE between each user's last {@code h_d} and the user's projected profile
 * embedding. Gradients flow through the frozen blocks into the position tables when they train
 * ({@link FineTuningConfig#freezeDomainPositions} false; by default they stay phase 1's and the block
 * outputs are computed once, {@link FrozenThreadStates}). AdamW with a
 * global gradient-norm clip; the learning rate is halved after {@code plateauPatience} epochs
 * without a better validation NDCG@10, and training stops after {@code patience}; the best
 * weights are kept (the listeners {@link TrainingListener#learningRateHalving},
 * {@link TrainingListener#earlyStopping} and {@link TrainingListener#bestWeights}, installed when
 * the configuration selects on validation). Its epoch loop runs through a {@link TrainingRun},
 * so it checkpoints and resumes like phase 1.
 *
 * <p>This class holds the parameters, the run and the per-domain selection; the steps run in
 * {@link FineTuningSteps} (with {@link GlobalHiddenStates}, {@link FineTuningAlignment} and
 * {@link FineTuningProfileInScore}).
 */
final class FineTuning {

    private static final Logger LOG = LoggerFactory.getLogger(FineTuning.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PHASE = "phase-2";

    /** What phase 2 produced and its figures. */
    record Result(List<EpochSummary> epochs, int bestEpoch, double bestValidNdcg10, double initialValidNdcg10, String stopReason,
            int halvings, DomainSelection selection) {
    }

    /**
     * The per-domain choice made at the end of phase 2: per domain, the validation NDCG@10 of that
     * domain's users with and without its thread, and whether the thread is kept; null flags when
     * every thread is kept without comparison.
     *
     * @param used per domain, whether its thread is in the score, or null when no selection was made
     * @param withThread per domain, validation NDCG@10 of the phase-2 model
     * @param phaseOne per domain, validation NDCG@10 of the phase-1 model alone
     * @param validNdcg10 the overall validation NDCG@10 of the model as kept
     */
    record DomainSelection(boolean[] used, double[] withThread, double[] phaseOne, double validNdcg10) {
    }

    private final DualPhaseConfig config;
    private final TrainingListener listener;

    FineTuning(DualPhaseConfig config, TrainingListener listener) {
        this.config = config;
        this.listener = listener;
    }

    /**
     * Adds the trainable phase-2 parameters to a set holding the frozen phase-1 model and
     * initializes them: each domain's positions start as the global ones (and stay them, frozen, with
     * {@link FineTuningConfig#freezeDomainPositions}), each adapter as the
     * identity ({@code W1} Xavier-normal, {@code W2} and the biases zero), each gate at 0 (phase 2
     * starts from exactly the phase-1 scores), the profile adapters Xavier-normal.
     *
     * @param profileWidth the profile embedding width, 0 without profiles
     */
    static void addParameters(ParameterSet set, DualPhaseConfig config, int domains, int profileWidth) {
        DualPhaseModel.addDomainThreads(set, config, domains);
        int dim = config.backbone().dim();
        SplittableRandom random = new SplittableRandom(Rng.seed(config.seed(), 3, 0));
        Parameter global = set.get(SasRecNetwork.POSITIONS);
        for (int d = 0; d < domains; d++) {
            Parameter positions = set.get(TensorLayout.domainPositions(d));
            positions.copyFrom(global);
            positions.setFrozen(config.fineTuning().freezeDomainPositions());
            xavier(set.get(TensorLayout.domainAdapter(d) + "w1.weight"), random);
            if (profileWidth > 0) {
                String prefix = TensorLayout.profileAdapter(d);
                ProfileAlignment.addParameters(set, prefix, profileWidth, config.fineTuning().profileAdapterHidden(), dim,
                        config.fineTuning().alignmentHead());
                xavier(set.get(prefix + "0.weight"), random);
                xavier(set.get(prefix + "1.weight"), random);
                if (config.fineTuning().alignmentHead()) {
                    xavier(set.get(prefix + "user.weight"), random);
                }
            }
        }
    }

    private static void xavier(Parameter p, SplittableRandom random) {
        double std = Math.sqrt(2.0 / (p.rows() + p.cols()));
        for (float[] row : p.value()) {
            for (int c = 0; c < row.length; c++) {
                double u1 = random.nextDouble();
                double u2 = random.nextDouble();
                row[c] = (float) (Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2) * std);
            }
        }
    }

    /**
     * Trains the phase-2 parameters of {@code set} (everything else in it must be frozen).
     *
     * @param profiles per training sequence, its profile embedding (a zero row: no profile), or null
     */
    Result train(CdsrDataset data, TrainingSequences sequences, ParameterSet set, SasRecShape shape, float[][] profiles,
            List<EvaluationCase> valid, DualPhaseModel view, ProfileSource validationProfiles) {
        Recommender scored = scoredBy(view, validationProfiles);
        FineTuningConfig f = config.fineTuning();
        int threads = config.resolvedThreads();
        Evaluator validation = Evaluator.of(Protocol.full()).withThreads(threads);
        ObjectNode parts = JSON.createObjectNode();
        parts.set("config", RunFingerprint.configuration(config.toJson()));
        parts.put("data", data.fingerprint());
        parts.put("seed", config.seed());
        parts.put("training_sequences", RunFingerprint.of(sequences));
        parts.put("profiles", RunFingerprint.of(profiles));
        parts.put("validation_cases", RunFingerprint.ofCases(valid));
        TrainingListener selection = config.selectOnValidation() ? TrainingListener.bestWeights()
                .andThen(TrainingListener.earlyStopping(f.patience())).andThen(TrainingListener.learningRateHalving(f.plateauPatience()))
                : TrainingListener.none();
        TrainingRun run = new TrainingRun(PHASE, set, selection.andThen(listener), parts);
        run.start();
        if (!run.resumed()) {
            view.parametersChanged();
            double initial = validation.evaluate(scored, data.items(), valid, "valid").overall().ndcg(10);
            LOG.info("phase 2 starts from valid NDCG@10 {} (phase 1 + identity adapters)", String.format("%.4f", initial));
            run.startFrom(initial);
        }
        if (!run.alreadyFinished()) {
            try (FineTuningSteps steps = new FineTuningSteps(config, shape, set, sequences, profiles, threads, data.domains().size())) {
                run.attach(steps.adam());
                steps.clippedSteps = run.extra().path("clipped_steps").asLong(0);
                steps.totalSteps = run.extra().path("total_steps").asLong(0);
                run.beforeSave(extra -> extra.put("clipped_steps", steps.clippedSteps).put("total_steps", steps.totalSteps));
                for (int epoch = run.nextEpoch(); epoch <= f.maxEpochs() && !run.stopRequested(); epoch++) {
                    run.beginEpoch(epoch);
                    double loss = steps.epoch(epoch, run);
                    double trainSeconds = run.epochSeconds();
                    long evalStart = System.nanoTime();
                    view.parametersChanged();
                    EvaluationReport report = validation.evaluate(scored, data.items(), valid, "valid");
                    run.epochFinished(loss, report.overall().ndcg(10), report.overall().hitRate(10), trainSeconds,
                            (System.nanoTime() - evalStart) / 1e9, steps.userCount() / trainSeconds);
                }
                LOG.info("phase 2 global-norm clipping scaled {} of {} steps", steps.clippedSteps, steps.totalSteps);
            }
        }
        String stopReason = run.finish(config.selectOnValidation() ? "max epochs"
                : "max epochs, last weights kept (no selection on validation)");
        view.parametersChanged();
        DomainSelection perDomain = config.selectOnValidation() && f.selectPerDomain()
                ? selectPerDomain(data, valid, view, validationProfiles, validation) : null;
        return new Result(run.epochs(), run.bestEpoch(), run.bestValidNdcg10(), run.initialValidNdcg10(), stopReason,
                run.learningRateChanges(), perDomain);
    }

    /**
     * Keeps each domain's thread only where the phase-2 model beats the phase-1 model alone on the
     * validation users whose target is in that domain. A domain's score reads only its own thread,
     * so the choices are independent and the kept model's figures are the chosen ones per domain.
     */
    private static DomainSelection selectPerDomain(CdsrDataset data, List<EvaluationCase> valid, DualPhaseModel view,
            ProfileSource profiles, Evaluator validation) {
        int domains = data.domains().size();
        boolean[] none = new boolean[domains];
        EvaluationReport with = validation.evaluate(scoredBy(view, profiles), data.items(), valid, "valid");
        EvaluationReport without = validation.evaluate(scoredBy(view.withDomainThreads(none), profiles), data.items(), valid, "valid");
        boolean[] used = new boolean[domains];
        double[] a = new double[domains];
        double[] b = new double[domains];
        double sum = 0;
        int n = 0;
        for (dev.llmedt.data.Domain d : data.domains()) {
            int i = d.index();
            a[i] = with.domain(d).ndcg(10);
            b[i] = without.domain(d).ndcg(10);
            used[i] = a[i] > b[i];
            int cases = with.domain(d).n();
            sum += cases * (used[i] ? a[i] : b[i]);
            n += cases;
            LOG.info("phase 2, domain {}: valid NDCG@10 {} with its thread, {} with phase 1 alone ({} users): thread {}", d.name(),
                    String.format("%.4f", a[i]), String.format("%.4f", b[i]), cases, used[i] ? "kept" : "dropped");
        }
        return new DomainSelection(used, a, b, n == 0 ? 0 : sum / n);
    }

    private static Recommender scoredBy(DualPhaseModel view, ProfileSource profiles) {
        return view.scoresWithProfiles() ? view.withProfiles(profiles) : view;
    }
}
