package dev.llmedt.dualphase;

import dev.llmedt.CheckpointConfig;
import dev.llmedt.EpochSummary;
import dev.llmedt.Recommender;
import dev.llmedt.ScoredItem;
import dev.llmedt.TrainingListener;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.profile.DomainAwareProfiler;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.testing.HashingEncoder;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.TextGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** The front door: option checks at once, conflicts, cross-field rules at fit, and that it trains what the pipeline trains. */
class LlmEdtBuilderTest {

    private static final CdsrDataset DATA = SyntheticDataset.generate(new SyntheticDataset.Options(11, 5, 12, 12, 8, 10));

    /** A small, fast run: width 16, one block, two epochs per phase. */
    private static LlmEdt.Builder small() {
        return small(ItemRepresentation.HYBRID, true);
    }

    private static LlmEdt.Builder small(ItemRepresentation representation, boolean phaseTwo) {
        return LlmEdt.builder()
                .backbone(b -> b.dim(16).blocks(1).heads(2).maxLength(12).dropout(0.1).pcaDimension(16).itemRepresentation(representation))
                .pretraining(p -> p.batchSize(64).maxEpochs(2).patience(2))
                .fineTuning(f -> f.enabled(phaseTwo).batchSize(64).maxEpochs(2).patience(2).adapterSize(8).profileAdapterHidden(16))
                .seed(7).threads(2);
    }

    @Test
    void aBadValueIsRefusedAtOnceNamingOptionValueAndRange() {
        IllegalArgumentException threads = assertThrows(IllegalArgumentException.class, () -> LlmEdt.builder().threads(0));
        assertEquals("threads must be in [1, 256], got 0", threads.getMessage());
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class, () -> LlmEdt.builder().backbone(b -> b.dim(-3)));
        assertTrue(dim.getMessage().contains("dim") && dim.getMessage().contains("-3"), dim.getMessage());
        IllegalArgumentException lr = assertThrows(IllegalArgumentException.class,
                () -> LlmEdt.builder().pretraining(p -> p.learningRate(Double.NaN)));
        assertTrue(lr.getMessage().contains("learningRate") && lr.getMessage().contains("NaN"), lr.getMessage());
        IllegalArgumentException beta = assertThrows(IllegalArgumentException.class,
                () -> LlmEdt.builder().fineTuning(f -> f.alignmentWeight(-1)));
        assertTrue(beta.getMessage().contains("alignmentWeight") && beta.getMessage().contains("-1"), beta.getMessage());
        IllegalArgumentException tau = assertThrows(IllegalArgumentException.class,
                () -> LlmEdt.builder().augmenter(a -> a.similarityThreshold(2)));
        assertTrue(tau.getMessage().contains("2"), tau.getMessage());
        IllegalArgumentException clusters = assertThrows(IllegalArgumentException.class, () -> LlmEdt.builder().profiler(p -> p.clusters(0)));
        assertTrue(clusters.getMessage().contains("0"), clusters.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LlmEdt.builder().encoder(null));
        assertThrows(IllegalArgumentException.class, () -> LlmEdt.builder().listener(null));
    }

    /** Every range-checked setting of the builder, with a value outside its range: the whole message is checked. */
    @TestFactory
    List<DynamicTest> everySettingRefusesAValueOutsideItsRangeNamingItValueAndRange() {
        List<DynamicTest> tests = new ArrayList<>(List.of(
                bad("threads(0)", () -> LlmEdt.builder().threads(0), "threads must be in [1, 256], got 0"),
                bad("threads(257)", () -> LlmEdt.builder().threads(257), "threads must be in [1, 256], got 257"),
                bad("backbone(dim(0))", () -> LlmEdt.builder().backbone(x -> x.dim(0)), "dim must be in [1, 4096], got 0"),
                bad("backbone(dim(4097))", () -> LlmEdt.builder().backbone(x -> x.dim(4097)), "dim must be in [1, 4096], got 4097"),
                bad("backbone(blocks(0))", () -> LlmEdt.builder().backbone(x -> x.blocks(0)), "blocks must be in [1, 64], got 0"),
                bad("backbone(heads(257))", () -> LlmEdt.builder().backbone(x -> x.heads(257)), "heads must be in [1, 256], got 257"),
                bad("backbone(maxLength(0))", () -> LlmEdt.builder().backbone(x -> x.maxLength(0)), "maxLength must be in [1, 4096], got 0"),
                bad("backbone(dropout(1.0))", () -> LlmEdt.builder().backbone(x -> x.dropout(1.0)), "dropout must be in [0.0, 1.0), got 1.0"),
                bad("backbone(dropout(-0.1))", () -> LlmEdt.builder().backbone(x -> x.dropout(-0.1)), "dropout must be in [0.0, 1.0), got -0.1"),
                bad("backbone(layerNormEps(0.0))", () -> LlmEdt.builder().backbone(x -> x.layerNormEps(0.0)), "layerNormEps must be in (0.0, 1.0), got 0.0"),
                bad("backbone(pcaDimension(-1))", () -> LlmEdt.builder().backbone(x -> x.pcaDimension(-1)), "pcaDimension must be in [0, 65536], got -1"),
                bad("backbone(adapterHidden(-1))", () -> LlmEdt.builder().backbone(x -> x.adapterHidden(-1)), "adapterHidden must be in [0, 65536], got -1"),
                bad("pretraining(learningRate(0.0))", () -> LlmEdt.builder().pretraining(x -> x.learningRate(0.0)), "learningRate must be in (0.0, 10.0), got 0.0"),
                bad("pretraining(learningRate(Double.NaN))", () -> LlmEdt.builder().pretraining(x -> x.learningRate(Double.NaN)), "learningRate must be in (0.0, 10.0), got NaN"),
                bad("pretraining(adamEps(0.0))", () -> LlmEdt.builder().pretraining(x -> x.adamEps(0.0)), "adamEps must be in (0.0, 1.0), got 0.0"),
                bad("pretraining(plateauPatience(-1))", () -> LlmEdt.builder().pretraining(x -> x.plateauPatience(-1)), "plateauPatience must be in [0, 100000], got -1"),
                bad("pretraining(weightDecay(1.0))", () -> LlmEdt.builder().pretraining(x -> x.weightDecay(1.0)), "weightDecay must be in [0.0, 1.0), got 1.0"),
                bad("pretraining(batchSize(0))", () -> LlmEdt.builder().pretraining(x -> x.batchSize(0)), "batchSize must be in [1, 65536], got 0"),
                bad("pretraining(maxEpochs(0))", () -> LlmEdt.builder().pretraining(x -> x.maxEpochs(0)), "maxEpochs must be in [1, 100000], got 0"),
                bad("pretraining(patience(0))", () -> LlmEdt.builder().pretraining(x -> x.patience(0)), "patience must be in [1, 100000], got 0"),
                bad("fineTuning(learningRate(10.0))", () -> LlmEdt.builder().fineTuning(x -> x.learningRate(10.0)), "learningRate must be in (0.0, 10.0), got 10.0"),
                bad("fineTuning(weightDecay(-1.0))", () -> LlmEdt.builder().fineTuning(x -> x.weightDecay(-1.0)), "weightDecay must be in [0.0, 1.0), got -1.0"),
                bad("fineTuning(gradientClipNorm(-1.0))", () -> LlmEdt.builder().fineTuning(x -> x.gradientClipNorm(-1.0)), "gradientClipNorm must be in [0.0, 1000000.0), got -1.0"),
                bad("fineTuning(batchSize(1))", () -> LlmEdt.builder().fineTuning(x -> x.batchSize(1)), "batchSize must be in [2, 65536], got 1"),
                bad("fineTuning(maxEpochs(0))", () -> LlmEdt.builder().fineTuning(x -> x.maxEpochs(0)), "maxEpochs must be in [1, 100000], got 0"),
                bad("fineTuning(patience(0))", () -> LlmEdt.builder().fineTuning(x -> x.patience(0)), "patience must be in [1, 100000], got 0"),
                bad("fineTuning(plateauPatience(0))", () -> LlmEdt.builder().fineTuning(x -> x.plateauPatience(0)), "plateauPatience must be in [1, 100000], got 0"),
                bad("fineTuning(adapterSize(0))", () -> LlmEdt.builder().fineTuning(x -> x.adapterSize(0)), "adapterSize must be in [1, 4096], got 0"),
                bad("fineTuning(adapterDropout(1.0))", () -> LlmEdt.builder().fineTuning(x -> x.adapterDropout(1.0)), "adapterDropout must be in [0.0, 1.0), got 1.0"),
                bad("fineTuning(alignmentWeight(-1.0))", () -> LlmEdt.builder().fineTuning(x -> x.alignmentWeight(-1.0)), "alignmentWeight must be in [0.0, 1000.0), got -1.0"),
                bad("fineTuning(temperature(0.0))", () -> LlmEdt.builder().fineTuning(x -> x.temperature(0.0)), "temperature must be in (0.0, 100.0), got 0.0"),
                bad("fineTuning(profileAdapterHidden(0))", () -> LlmEdt.builder().fineTuning(x -> x.profileAdapterHidden(0)), "profileAdapterHidden must be in [1, 65536], got 0"),
                bad("augmenter(clusters(0))", () -> LlmEdt.builder().augmenter(x -> x.clusters(0)), "clusters must be in [1, 100000], got 0"),
                bad("augmenter(similarityThreshold(1.5))", () -> LlmEdt.builder().augmenter(x -> x.similarityThreshold(1.5)), "similarityThreshold (tau) must be in [-1.0, 1.0], got 1.5"),
                bad("augmenter(minorShareThreshold(0.0))", () -> LlmEdt.builder().augmenter(x -> x.minorShareThreshold(0.0)), "minorShareThreshold must be in (0.0, 1.0], got 0.0"),
                bad("augmenter(maxUsers(-1))", () -> LlmEdt.builder().augmenter(x -> x.maxUsers(-1)), "maxUsers must be in [0, 2147483647], got -1"),
                bad("augmenter(maxInsertionsPerUser(0))", () -> LlmEdt.builder().augmenter(x -> x.maxInsertionsPerUser(0)), "maxInsertionsPerUser must be in [1, 1000], got 0"),
                bad("augmenter(threads(0))", () -> LlmEdt.builder().augmenter(x -> x.threads(0)), "threads must be in [1, 256], got 0"),
                bad("augmenter(kMeansIterations(0))", () -> LlmEdt.builder().augmenter(x -> x.kMeansIterations(0)), "kMeansIterations must be in [1, 1000], got 0"),
                bad("augmenter(generatorConcurrency(0))", () -> LlmEdt.builder().augmenter(x -> x.generatorConcurrency(0)), "generatorConcurrency must be in [1, 256], got 0"),
                bad("augmenter(promptItems(1001))", () -> LlmEdt.builder().augmenter(x -> x.promptItems(1001)), "promptItems must be in [1, 1000], got 1001"),
                bad("profiler(clusters(1001))", () -> LlmEdt.builder().profiler(x -> x.clusters(1001)), "clusters must be in [1, 1000], got 1001"),
                bad("profiler(itemsPerCluster(0))", () -> LlmEdt.builder().profiler(x -> x.itemsPerCluster(0)), "itemsPerCluster must be in [1, 100000], got 0"),
                bad("profiler(termsPerCluster(101))", () -> LlmEdt.builder().profiler(x -> x.termsPerCluster(101)), "termsPerCluster must be in [1, 100], got 101"),
                bad("profiler(maxProfileChars(19))", () -> LlmEdt.builder().profiler(x -> x.maxProfileChars(19)), "maxProfileChars must be in [20, 1000000], got 19"),
                bad("profiler(kMeansIterations(0))", () -> LlmEdt.builder().profiler(x -> x.kMeansIterations(0)), "kMeansIterations must be in [1, 1000], got 0"),
                bad("profiler(threads(257))", () -> LlmEdt.builder().profiler(x -> x.threads(257)), "threads must be in [1, 256], got 257"),
                bad("profiler(generatorConcurrency(0))", () -> LlmEdt.builder().profiler(x -> x.generatorConcurrency(0)), "generatorConcurrency must be in [1, 256], got 0")));
        for (String option : List.of("encoder", "itemEmbeddings", "itemTemplate", "generator", "listener", "progress", "config", "phaseOne",
                "checkpoints")) {
            tests.add(DynamicTest.dynamicTest(option + "(null)", () -> {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> nullFor(option));
                assertEquals(option + " must not be null", e.getMessage());
            }));
        }
        return tests;
    }

    private static DynamicTest bad(String call, org.junit.jupiter.api.function.Executable setter, String message) {
        return DynamicTest.dynamicTest(call, () -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, setter, call);
            assertEquals(message, e.getMessage(), call);
        });
    }

    private static void nullFor(String option) {
        LlmEdt.Builder b = LlmEdt.builder();
        switch (option) {
            case "encoder" -> b.encoder(null);
            case "itemEmbeddings" -> b.itemEmbeddings(null);
            case "itemTemplate" -> b.itemTemplate(null);
            case "generator" -> b.generator(null);
            case "listener" -> b.listener(null);
            case "progress" -> b.progress(null);
            case "config" -> b.config(null);
            case "phaseOne" -> b.phaseOne(null);
            case "checkpoints" -> b.checkpoints(null);
            default -> throw new AssertionError(option);
        }
    }

    @Test
    void settingAnOptionTwiceOrTogetherWithOneThatFixesItIsAStateError() {
        assertThrows(IllegalStateException.class, () -> LlmEdt.builder().seed(1).seed(2));
        assertThrows(IllegalStateException.class, () -> LlmEdt.builder().encoder(new HashingEncoder(8)).encoder(new HashingEncoder(8)));
        assertThrows(IllegalStateException.class, () -> LlmEdt.builder().augmenter(a -> { }).augmenter((d, e, p) -> null));
        assertThrows(IllegalStateException.class, () -> LlmEdt.builder().profiler(p -> { }).profiler(p -> { }));
        IllegalStateException config = assertThrows(IllegalStateException.class,
                () -> LlmEdt.builder().backbone(b -> b.dim(32)).config(DualPhaseConfig.defaults()));
        assertTrue(config.getMessage().contains("backbone"), config.getMessage());
        IllegalStateException seed = assertThrows(IllegalStateException.class, () -> LlmEdt.builder().config(DualPhaseConfig.defaults()).seed(3));
        assertTrue(seed.getMessage().contains("seed"), seed.getMessage());
    }

    @Test
    void crossFieldRulesAreCheckedAtFit() {
        HashingEncoder encoder = new HashingEncoder(32);
        IllegalStateException profilerWithoutPhaseTwo = assertThrows(IllegalStateException.class,
                () -> small(ItemRepresentation.HYBRID, false).encoder(encoder).profiler(p -> { }).fit(DATA));
        assertTrue(profilerWithoutPhaseTwo.getMessage().contains("fine-tuning is off"), profilerWithoutPhaseTwo.getMessage());
        IllegalStateException unusedProfiles = assertThrows(IllegalStateException.class,
                () -> LlmEdt.builder().encoder(encoder).profiler(p -> { }).fineTuning(f -> f.alignmentWeight(0)).fit(DATA));
        assertTrue(unusedProfiles.getMessage().contains("alignmentWeight 0"), unusedProfiles.getMessage());
        IllegalStateException noVectors = assertThrows(IllegalStateException.class, () -> small().fit(DATA));
        assertTrue(noVectors.getMessage().contains("hybrid") && noVectors.getMessage().contains("itemEmbeddings"), noVectors.getMessage());
        TextGenerator generator = new TextGenerator() {
            @Override
            public String modelId() {
                return "scripted";
            }

            @Override
            public String generate(String prompt) {
                return "1. nothing";
            }
        };
        IllegalStateException idleGenerator = assertThrows(IllegalStateException.class,
                () -> small().encoder(encoder).generator(generator).fit(DATA));
        assertTrue(idleGenerator.getMessage().contains("generator"), idleGenerator.getMessage());
        IllegalStateException profilerWithoutEncoder = assertThrows(IllegalStateException.class, () -> small()
                .itemEmbeddings(ItemEmbeddings.encode(DATA.items(), encoder, ItemTextTemplate.titles(), ProgressListener.none()))
                .profiler(p -> { }).fit(DATA));
        assertTrue(profilerWithoutEncoder.getMessage().contains("encoder"), profilerWithoutEncoder.getMessage());
    }

    @Test
    void aProfilerBringsTheReferenceAlignmentWeightUnlessFineTuningSetsOne() {
        assertEquals(0, LlmEdt.builder().config().fineTuning().alignmentWeight());
        assertEquals(FineTuningConfig.REFERENCE_ALIGNMENT_WEIGHT, LlmEdt.builder().profiler(p -> { }).config().fineTuning().alignmentWeight());
        assertEquals(0.25, LlmEdt.builder().fineTuning(f -> f.alignmentWeight(0.25)).profiler(p -> { }).config().fineTuning()
                .alignmentWeight());
        DualPhaseConfig c = small().config();
        assertEquals(c, DualPhaseConfig.fromJson(c.toJson()), "the configuration round-trips through JSON");
        assertEquals(ItemRepresentation.HYBRID, c.backbone().itemRepresentation());
        assertEquals(7, c.seed());
        assertEquals(2, c.threads());
    }

    @Test
    void fitTrainsWhatThePipelineTrainsAndTheModelRecommendsSavesAndLoads(@TempDir Path dir) throws Exception {
        HashingEncoder encoder = new HashingEncoder(32);
        List<String> events = new ArrayList<>();
        Consumer<String> record = events::add;
        TrainingListener first = new TrainingListener() {
            @Override
            public void epochFinished(EpochSummary s) {
                record.accept("first " + s.phase() + " " + s.epoch());
            }
        };
        TrainingListener second = new TrainingListener() {
            @Override
            public void epochFinished(EpochSummary s) {
                record.accept("second " + s.phase() + " " + s.epoch());
            }
        };
        LlmEdt.Result fitted = small().encoder(encoder).augmenter(a -> a.similarityThreshold(0.1)).profiler(p -> p.clusters(2))
                .listener(first).listener(second).fitWithDetails(DATA);
        LlmEdtModel model = fitted.model();
        assertNotNull(fitted.augmented());
        assertNotNull(fitted.profiles());
        assertEquals("first " + events.get(0).substring(6), events.get(0));
        assertEquals("second " + events.get(0).substring(6), events.get(1), "listeners run in the order added");

        DualPhaseConfig config = small().profiler(p -> { }).config();
        LlmEdt.Result direct = new LlmEdtPipeline(config, encoder, ItemTextTemplate.titles(), null,
                dev.llmedt.augment.TransferableItemAugmenter.builder().seed(7).threads(2).similarityThreshold(0.1).build(),
                DomainAwareProfiler.builder().seed(7).threads(2).clusters(2).build(), null, TrainingListener.none(),
                ProgressListener.none(), null).fit(DATA);
        Recommender expected = direct.model();
        Domain kitchen = DATA.domains().get(1);
        History history = DATA.test().get(0).input();
        float[] a = new float[DATA.items().size()];
        float[] b = new float[DATA.items().size()];
        model.score(history, kitchen, a);
        expected.score(history, kitchen, b);
        assertArrayEquals(b, a, "the builder trains exactly what the pipeline trains with the same settings");

        List<ScoredItem> top = model.recommend(history, kitchen, 5);
        assertEquals(5, top.size());
        Path file = dir.resolve("m.llmedt");
        model.save(file);
        LlmEdtModel loaded = LlmEdtModel.load(file);
        float[] c = new float[DATA.items().size()];
        loaded.score(history, kitchen, c);
        assertArrayEquals(a, c);
        assertEquals(top, loaded.recommend(history, kitchen, 5));

        // With checkpoints: a second fit with the same options restores the finished phases and gives the same model.
        Path checkpoints = dir.resolve("checkpoints");
        LlmEdtModel checkpointed = small().encoder(encoder).checkpoints(CheckpointConfig.in(checkpoints)).fit(DATA);
        assertTrue(java.nio.file.Files.isRegularFile(checkpoints.resolve("phase-1.ckpt")), "phase 1 checkpoint written");
        LlmEdtModel again = small().encoder(encoder).checkpoints(CheckpointConfig.in(checkpoints)).fit(DATA);
        float[] x = new float[kitchen.size()];
        float[] y = new float[kitchen.size()];
        checkpointed.score(history, kitchen, x);
        again.score(history, kitchen, y);
        assertArrayEquals(x, y, "resumed from finished checkpoints");
        assertThrows(IllegalStateException.class, () -> LlmEdt.builder().checkpoints(CheckpointConfig.in(checkpoints))
                .checkpoints(CheckpointConfig.in(checkpoints)));

        LlmEdt.Result idOnly = small(ItemRepresentation.ID, false).fitWithDetails(DATA);
        assertNull(idOnly.embeddings(), "the id representation needs no encoder");
        assertNull(idOnly.augmented());
    }
}
