package dev.llmedt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.EpochSummary;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.Recommender;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.dualphase.BackboneConfig;
import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.dualphase.DualPhaseInput;
import dev.llmedt.dualphase.FineTuningConfig;
import dev.llmedt.dualphase.ItemRepresentation;
import dev.llmedt.dualphase.LlmEdtTrainer;
import dev.llmedt.dualphase.PretrainingConfig;
import dev.llmedt.dualphase.ProfileVectors;
import dev.llmedt.engine.Gradients;
import dev.llmedt.engine.ItemTower;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.Protocol;
import dev.llmedt.sasrec.SasRecConfig;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.sasrec.SasRecTrainer;
import dev.llmedt.testing.HashingEncoder;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One seed gives the same model for any thread count: SASRec and LLM-EDT (both phases, hybrid
 * items, profile alignment and profiles in the score) trained with 1, 2 and 3 threads give
 * bit-identical weights and the same validation figures and losses at every epoch. The batches are
 * large enough to be split into several chunks in both phases.
 */
class ThreadCountDeterminismTest {

    private static final int[] THREADS = {1, 2, 3};

    private static CdsrDataset data;
    private static ItemEmbeddings embeddings;
    private static ProfileVectors profiles;

    @BeforeAll
    static void data() {
        data = SyntheticDataset.generate(new SyntheticDataset.Options(11, 6, 70, 90, 90, 30));
        embeddings = ItemEmbeddings.encode(data.items(), new HashingEncoder(24), ItemTextTemplate.titles(), ProgressListener.none());
        float[][] vectors = new float[data.train().size()][10];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < vectors.length; i++) {
            if (i % 5 == 0) {
                continue; // some users have no profile
            }
            for (int j = 0; j < vectors[i].length; j++) {
                vectors[i][j] = (float) random.nextGaussian();
            }
        }
        profiles = new ProfileVectors(vectors, "test", Map.of());
    }

    /** What a run produced: every tensor, and the figures of every epoch (times left out). */
    private record Run(Map<String, float[]> tensors, List<String> epochs) {
    }

    /** Records each epoch's phase, number, loss and validation figures, exactly. */
    private static final class Epochs implements TrainingListener {
        final List<String> lines = new ArrayList<>();

        @Override
        public void epochFinished(EpochSummary s) {
            lines.add(s.phase() + " " + s.epoch() + " loss " + Double.doubleToRawLongBits(s.loss()) + " ndcg "
                    + Double.doubleToRawLongBits(s.validNdcg10()) + " hr " + Double.doubleToRawLongBits(s.validHr10()));
        }
    }

    @Test
    void sasRecIsTheSameForOneTwoAndThreeThreads() {
        assertSameForEveryThreadCount("sasrec", threads -> {
            SasRecConfig config = SasRecConfig.builder().dim(16).blocks(2).heads(2).maxLength(10).dropout(0.2).batchSize(48).maxEpochs(2)
                    .patience(2).seed(5).threads(threads).build();
            Epochs epochs = new Epochs();
            SasRecModel m = new SasRecTrainer(config, epochs).train(data);
            Map<String, float[]> tensors = new LinkedHashMap<>();
            for (String name : m.tensorNames()) {
                tensors.put(name, m.tensor(name).data());
            }
            if (threads == 1) {
                evaluationDoesNotDependOnTheThreads(m);
            }
            return new Run(tensors, epochs.lines);
        });
    }

    /** The evaluator's batches are fixed by the cases, so its ranks do not depend on its threads either. */
    private static void evaluationDoesNotDependOnTheThreads(Recommender model) {
        EvaluationReport one = Evaluator.of(Protocol.full()).withThreads(1).withBatchSize(7).evaluate(model, data.items(), data.test(),
                "test");
        for (int threads : new int[] {2, 3}) {
            EvaluationReport other = Evaluator.of(Protocol.full()).withThreads(threads).withBatchSize(7).evaluate(model, data.items(),
                    data.test(), "test");
            assertEquals(one.overall().ndcg(10), other.overall().ndcg(10), threads + " threads: NDCG@10");
            assertEquals(one.overall().hitRate(10), other.overall().hitRate(10), threads + " threads: HR@10");
            assertEquals(one.overall().mrr(), other.overall().mrr(), threads + " threads: MRR");
        }
    }

    @Test
    void llmEdtBothPhasesWithProfilesAreTheSameForOneTwoAndThreeThreads() {
        // ID dropout on: its masks are drawn per step and row, not per worker.
        BackboneConfig backbone = BackboneConfig.builder().dim(16).blocks(2).heads(2).maxLength(10).dropout(0.2)
                .itemRepresentation(ItemRepresentation.HYBRID).pcaDimension(12).idDropout(0.3).build();
        PretrainingConfig one = PretrainingConfig.builder().batchSize(48).maxEpochs(2).patience(2).build();
        FineTuningConfig two = FineTuningConfig.builder().enabled(true).batchSize(120).maxEpochs(2).patience(2).learningRate(0.01)
                .adapterSize(8).profileAdapterHidden(8).alignmentWeight(FineTuningConfig.REFERENCE_ALIGNMENT_WEIGHT).build();
        DualPhaseConfig config = new DualPhaseConfig(backbone, one, two, 9, 1, false);
        assertSameForEveryThreadCount("llm-edt", threads -> run(config.withThreads(threads),
                DualPhaseInput.of(data).withItemEmbeddings(embeddings).withProfiles(profiles)));
    }

    @Test
    void llmEdtTextItemsWithDomainAdaptersAndProfilesInTheScoreAreTheSameForOneTwoAndThreeThreads() {
        BackboneConfig backbone = BackboneConfig.builder().dim(16).blocks(1).heads(2).maxLength(10).dropout(0.2)
                .itemRepresentation(ItemRepresentation.LLM).domainAdapters(true).pcaDimension(12).build();
        PretrainingConfig one = PretrainingConfig.builder().batchSize(48).maxEpochs(2).patience(2).build();
        FineTuningConfig two = FineTuningConfig.builder().enabled(true).batchSize(120).maxEpochs(2).patience(2).learningRate(0.01)
                .adapterSize(8).profileAdapterHidden(8).alignmentWeight(FineTuningConfig.REFERENCE_ALIGNMENT_WEIGHT).profileInScore(true)
                .build();
        DualPhaseConfig config = new DualPhaseConfig(backbone, one, two, 13, 1, true);
        int width = 10;
        DualPhaseInput input = DualPhaseInput.of(data).withItemEmbeddings(embeddings).withProfiles(profiles).withProfileSource(histories -> {
            float[][] out = new float[histories.size()][width];
            for (int i = 0; i < out.length; i++) {
                SplittableRandom r = new SplittableRandom(histories.get(i).length());
                for (int j = 0; j < width; j++) {
                    out[i][j] = (float) r.nextGaussian();
                }
            }
            return out;
        });
        assertSameForEveryThreadCount("llm-edt text items", threads -> run(config.withThreads(threads), input));
    }

    private static Run run(DualPhaseConfig config, DualPhaseInput input) {
        Epochs epochs = new Epochs();
        LlmEdtModel m = new LlmEdtTrainer(config).train(input, epochs);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (String name : m.tensorNames()) {
            tensors.put(name, m.tensor(name).data());
        }
        if (config.threads() == 1 && !m.scoresWithProfiles()) {
            evaluationDoesNotDependOnTheThreads(m);
        }
        return new Run(tensors, epochs.lines);
    }

    private static void assertSameForEveryThreadCount(String what, Function<Integer, Run> train) {
        Run reference = train.apply(THREADS[0]);
        assertTrue(reference.epochs().size() >= 2, what + ": " + reference.epochs());
        for (int i = 1; i < THREADS.length; i++) {
            Run other = train.apply(THREADS[i]);
            String label = what + ", " + THREADS[i] + " threads against " + THREADS[0];
            assertEquals(reference.tensors().keySet(), other.tensors().keySet(), label);
            for (Map.Entry<String, float[]> e : reference.tensors().entrySet()) {
                assertBitIdentical(e.getValue(), other.tensors().get(e.getKey()), label + ": " + e.getKey());
            }
            assertEquals(reference.epochs(), other.epochs(), label + ": losses and validation figures of every epoch");
        }
    }

    private static void assertBitIdentical(float[] expected, float[] actual, String label) {
        assertEquals(expected.length, actual.length, label);
        int differing = 0;
        int first = -1;
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                differing++;
                first = first < 0 ? i : first;
            }
        }
        if (differing > 0) {
            throw new AssertionError(label + ": " + differing + " of " + expected.length + " values differ, first at " + first + ": "
                    + expected[first] + " vs " + actual[first]);
        }
    }

    /** The item tower's backward pass split into any number of parts gives the gradients of the unsplit pass, bit for bit. */
    @Test
    void itemTowerBackwardDoesNotDependOnTheNumberOfParts() {
        int width = 8;
        int featureWidth = 11;
        int tableRows = 40;
        SplittableRandom random = new SplittableRandom(17);
        ParameterSet set = new ParameterSet();
        set.add(Parameter.table(ItemTower.ID_TABLE, tableRows, width));
        ItemTower.addAdapter(set, "a.d0.", featureWidth, 5, width);
        ItemTower.addAdapter(set, "a.d1.", featureWidth, 5, width);
        for (Parameter p : set.list()) {
            for (float[] row : p.value()) {
                for (int c = 0; c < row.length; c++) {
                    row[c] = (float) random.nextGaussian();
                }
            }
        }
        float[][] features = new float[tableRows][featureWidth];
        boolean[] usesText = new boolean[tableRows];
        boolean[] usesId = new boolean[tableRows];
        int[] adapterOf = new int[tableRows];
        for (int r = 1; r < tableRows; r++) {
            for (int p = 0; p < featureWidth; p++) {
                features[r][p] = (float) random.nextGaussian();
            }
            usesText[r] = r % 4 != 0;
            usesId[r] = r % 3 != 0 || !usesText[r];
            adapterOf[r] = r % 2;
        }
        int[] rows = new int[tableRows - 5];
        for (int k = 0; k < rows.length; k++) {
            rows[k] = k + 3;
        }
        float[][] gradOut = new float[rows.length + 1][width];
        for (int k = 1; k <= rows.length; k++) {
            for (int f = 0; f < width; f++) {
                gradOut[k][f] = (float) random.nextGaussian();
            }
        }
        String[] prefixes = {"a.d0.", "a.d1."};
        Gradients reference = null;
        for (int parts = 1; parts <= 5; parts++) {
            ItemTower[] towers = new ItemTower[parts];
            for (int w = 0; w < parts; w++) {
                towers[w] = new ItemTower(set, ItemTower.ID_TABLE, features, usesText, usesId, adapterOf, prefixes, width, rows.length);
            }
            ItemTower.ProductGradients products = towers[0].newProductGradients();
            Gradients g = new Gradients(set);
            for (int w = parts - 1; w >= 0; w--) {
                towers[w].backwardRows(rows, rows.length, gradOut, g, products, w, parts);
            }
            for (int w = 0; w < parts; w++) {
                towers[w].backwardAdapters(products, g, w, parts);
            }
            if (reference == null) {
                reference = g;
                ItemTower whole = new ItemTower(set, ItemTower.ID_TABLE, features, usesText, usesId, adapterOf, prefixes, width, rows.length);
                whole.forward(rows, 0, rows.length, new float[rows.length + 1][width]);
                Gradients unsplit = new Gradients(set);
                whole.backward(gradOut, unsplit);
                for (int i = 0; i < set.list().size(); i++) {
                    for (int r = 0; r < set.list().get(i).rows(); r++) {
                        assertBitIdentical(unsplit.at(i)[r], g.at(i)[r], "the single-pass backward, " + set.list().get(i).name() + " row " + r);
                    }
                }
                continue;
            }
            for (int i = 0; i < set.list().size(); i++) {
                for (int r = 0; r < set.list().get(i).rows(); r++) {
                    assertBitIdentical(reference.at(i)[r], g.at(i)[r], parts + " parts, " + set.list().get(i).name() + " row " + r);
                }
            }
        }
    }
}
