package dev.llmedt.sasrec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.EpochSummary;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.Item;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.ReadReport;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.data.UserSequence;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SASRec training end to end on synthetic data. */
class SasRecTrainingTest {

    /**
     * Items 0..n-1 of one domain follow a fixed random permutation: after item i always comes
     * next[i]. Users start anywhere and follow the rule.
     */
    static CdsrDataset deterministicRule(int n, int users, long seed) {
        Random r = new Random(seed);
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            perm.add(i);
        }
        java.util.Collections.shuffle(perm, r);
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            next[perm.get(i)] = perm.get((i + 1) % n);
        }
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(new Item(i, 0, "i" + i, Map.of(Item.TITLE, "item " + i)));
        }
        ItemCatalog catalog = new ItemCatalog(List.of(new Domain(0, "Rule", 0, n)), items);
        List<UserSequence> train = new ArrayList<>();
        List<EvaluationCase> valid = new ArrayList<>();
        List<EvaluationCase> test = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            int length = 4 + r.nextInt(8);
            int[] s = new int[length];
            s[0] = r.nextInt(n);
            for (int t = 1; t < length; t++) {
                s[t] = next[s[t - 1]];
            }
            if (u % 10 == 0) {
                valid.add(new EvaluationCase("valid", "u" + u, History.of(java.util.Arrays.copyOf(s, length - 1)), s[length - 1]));
            } else if (u % 10 == 1) {
                test.add(new EvaluationCase("test", "u" + u, History.of(java.util.Arrays.copyOf(s, length - 1)), s[length - 1]));
            } else {
                train.add(new UserSequence("train", "u" + u, History.of(s)));
            }
        }
        return new CdsrDataset("rule", catalog, train, valid, test, ReadReport.empty());
    }

    @Test
    void learnsADeterministicNextItemRule() {
        CdsrDataset data = deterministicRule(40, 1500, 5);
        SasRecConfig config = SasRecConfig.builder().dim(32).blocks(1).maxLength(12).dropout(0.1).learningRate(5e-3)
                .batchSize(64).maxEpochs(30).patience(5).seed(1).threads(2).build();
        SasRecModel model = new SasRecTrainer(config, TrainingListener.none()).train(data);
        EvaluationReport report = Evaluator.of(Protocol.full()).evaluate(model, data.items(), data.test(), "test");
        assertTrue(report.overall().hitRate(1) > 0.95, "HR@1 on the deterministic rule: " + report.overall());
    }

    private static List<EpochSummary> trace(CdsrDataset data, long seed, int threads) {
        List<EpochSummary> epochs = new ArrayList<>();
        SasRecConfig config = SasRecConfig.builder().dim(16).maxLength(20).batchSize(64).maxEpochs(2).seed(seed).threads(threads)
                .build();
        new SasRecTrainer(config, new TrainingListener() {
            @Override
            public void epochFinished(EpochSummary s) {
                epochs.add(s);
            }
        }).train(data);
        return epochs;
    }

    private static double[] losses(List<EpochSummary> epochs) {
        return epochs.stream().mapToDouble(e -> e.loss() * 1e6 + e.validNdcg10()).toArray();
    }

    @Test
    void theSameSeedGivesTheSameLossTrace() {
        CdsrDataset data = SyntheticDataset.generate(new SyntheticDataset.Options(3, 10, 200, 300, 200, 60));
        double[] first = losses(trace(data, 9, 2));
        double[] second = losses(trace(data, 9, 2));
        assertArrayEquals(first, second, "same seed and threads, same trace");
        assertNotEquals(first[0], losses(trace(data, 10, 2))[0], "another seed, another trace");
    }

    @Test
    void singleDomainModeTrainsAndScoresOnlyItsDomain() {
        CdsrDataset data = SyntheticDataset.generate(new SyntheticDataset.Options(4, 8, 150, 150, 150, 40));
        Domain food = data.domain("Food");
        SasRecConfig config = SasRecConfig.builder().dim(16).maxLength(10).maxEpochs(1).threads(1).domain("Food").build();
        SasRecModel model = new SasRecTrainer(config, TrainingListener.none()).train(data);
        assertEquals(food, model.trainedDomain().orElseThrow());
        assertTrue(model.scores(food) && !model.scores(data.domain("Kitchen")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.score(History.of(1, 2), data.domain("Kitchen"), new float[data.domain("Kitchen").size()]));
        assertTrue(e.getMessage().contains("Food"), e.getMessage());
        // Kitchen items in the history are ignored: the scores equal those of the Food-only history.
        float[] mixed = new float[food.size()];
        float[] foodOnly = new float[food.size()];
        int kitchenItem = data.domain("Kitchen").firstItem() + 3;
        model.score(History.of(1, kitchenItem, 2), food, mixed);
        model.score(History.of(1, 2), food, foodOnly);
        assertArrayEquals(foodOnly, mixed);
    }

    @Test
    void configurationErrorsNameTheParameterAndRange() {
        String[][] cases = {
            {"dim", "[1, 4096]"}, {"blocks", "[1, 64]"}, {"dropout", "[0.0, 1.0)"}, {"learningRate", "(0.0, 10.0)"},
            {"batchSize", "[1, 65536]"}, {"patience", "[1, 100000]"}, {"threads", "[1, 256]"},
        };
        List<Runnable> bad = List.of(() -> SasRecConfig.builder().dim(0), () -> SasRecConfig.builder().blocks(65),
                () -> SasRecConfig.builder().dropout(1.0), () -> SasRecConfig.builder().learningRate(0),
                () -> SasRecConfig.builder().batchSize(0), () -> SasRecConfig.builder().patience(0),
                () -> SasRecConfig.builder().threads(-1));
        for (int i = 0; i < cases.length; i++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad.get(i)::run);
            assertTrue(e.getMessage().startsWith(cases[i][0]) && e.getMessage().contains(cases[i][1]), e.getMessage());
        }
        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class,
                () -> SasRecConfig.builder().dim(10).heads(3).build());
        assertTrue(heads.getMessage().contains("multiple of heads"), heads.getMessage());
    }
}
