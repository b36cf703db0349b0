package dev.llmedt;

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
import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.dualphase.FineTuningConfig;
import dev.llmedt.dualphase.ItemRepresentation;
import dev.llmedt.dualphase.LlmEdtPipeline;
import dev.llmedt.eval.ScoredItem;
import dev.llmedt.profile.DomainAwareProfiler;
import dev.llmedt.testing.HashingEncoder;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.TextGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
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
        LlmEdtPipeline.Result direct = LlmEdtPipeline.builder().config(config).encoder(encoder)
                .augmenter(dev.llmedt.augment.TransferableItemAugmenter.builder().seed(7).threads(2).similarityThreshold(0.1).build())
                .profiler(DomainAwareProfiler.builder().seed(7).threads(2).clusters(2).build()).build().fit(DATA);
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
