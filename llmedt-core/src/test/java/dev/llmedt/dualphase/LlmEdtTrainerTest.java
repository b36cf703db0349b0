package dev.llmedt.dualphase;

import dev.llmedt.engine.TensorLayout;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.TrainingListener;
import dev.llmedt.augment.AugmentedData;
import dev.llmedt.augment.TransferableItemAugmenter;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.engine.ItemTower;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.Protocol;
import dev.llmedt.model.ModelFileException;
import dev.llmedt.sasrec.SasRecConfig;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.sasrec.SasRecTrainer;
import dev.llmedt.testing.HashingEncoder;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.training.RunFingerprint;
import dev.llmedt.training.TrainingSequences;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dual-phase trainer and its model on synthetic data. */
class LlmEdtTrainerTest {

    private static CdsrDataset data;
    private static ItemEmbeddings embeddings;

    @BeforeAll
    static void data() {
        data = SyntheticDataset.generate(new SyntheticDataset.Options(5, 8, 150, 250, 150, 60));
        embeddings = ItemEmbeddings.encode(data.items(), new HashingEncoder(48), ItemTextTemplate.titles(),
                dev.llmedt.progress.ProgressListener.none());
    }

    static DualPhaseConfig small(ItemRepresentation representation, int phaseOneEpochs, int phaseTwoEpochs) {
        BackboneConfig backbone = BackboneConfig.builder().dim(16).blocks(1).heads(2).maxLength(12).dropout(0.1)
                .itemRepresentation(representation).pcaDimension(16).build();
        PretrainingConfig one = PretrainingConfig.builder().batchSize(64).maxEpochs(phaseOneEpochs).patience(phaseOneEpochs).build();
        FineTuningConfig two = FineTuningConfig.builder().enabled(phaseTwoEpochs > 0).batchSize(64).maxEpochs(Math.max(1, phaseTwoEpochs))
                .patience(Math.max(1, phaseTwoEpochs)).adapterSize(8).profileAdapterHidden(16)
                .alignmentWeight(FineTuningConfig.REFERENCE_ALIGNMENT_WEIGHT).build();
        return new DualPhaseConfig(backbone, one, two, 7, 2, true);
    }

    private static LlmEdtModel train(DualPhaseConfig config, CdsrDataset d, ProfileVectors profiles) {
        DualPhaseInput input = DualPhaseInput.of(d).withItemEmbeddings(embeddings);
        if (profiles != null) {
            input = input.withProfiles(profiles);
        }
        return new LlmEdtTrainer(config).train(input, TrainingListener.none());
    }

    private static float[] tensor(LlmEdtModel m, String name) {
        return m.tensor(name).data();
    }

    @Test
    void idRepresentationPhaseOneIsExactlyTheSasRecTrainer(@TempDir Path dir) throws IOException {
        SasRecConfig sasrec = SasRecConfig.builder().dim(16).blocks(1).heads(2).maxLength(12).dropout(0.1).batchSize(64).maxEpochs(3)
                .patience(3).seed(7).threads(2).build();
        SasRecModel reference = new SasRecTrainer(sasrec, TrainingListener.none()).train(data);
        reference.save(dir.resolve("sasrec.model"));
        dev.llmedt.model.ModelFile.Contents saved = dev.llmedt.model.ModelFile.read(dir.resolve("sasrec.model"));
        LlmEdtModel model = new LlmEdtTrainer(small(ItemRepresentation.ID, 3, 0)).train(DualPhaseInput.of(data), TrainingListener.none());
        for (String name : model.tensorNames()) {
            String referenceName = name.equals(ItemTower.ID_TABLE) ? SasRecNetwork.ITEMS : name;
            if (name.equals(SasRecNetwork.ITEMS) || !name.startsWith("item_")) {
                assertArrayEquals(saved.tensor(referenceName).data(), tensor(model, name), name + " bit for bit");
            }
        }
        float[][] a = new float[1][data.domains().get(1).size()];
        float[][] b = new float[1][data.domains().get(1).size()];
        History h = data.test().get(0).input();
        reference.scoreBatch(List.of(h), data.domains().get(1), a);
        model.scoreBatch(List.of(h), data.domains().get(1), b);
        assertArrayEquals(a[0], b[0], "same scores");

        DualPhaseConfig withPhaseTwo = small(ItemRepresentation.ID, 3, 2);
        LlmEdtModel fromScratch = new LlmEdtTrainer(withPhaseTwo).train(DualPhaseInput.of(data), TrainingListener.none());
        LlmEdtModel onSasRec = new LlmEdtTrainer(withPhaseTwo).train(DualPhaseInput.of(data)
                .withPhaseOne(LlmEdtModel.loadPhaseOne(dir.resolve("sasrec.model"), withPhaseTwo)), TrainingListener.none());
        for (String name : fromScratch.tensorNames()) {
            assertArrayEquals(tensor(fromScratch, name), tensor(onSasRec, name), "phase 2 on the SASRec model: " + name);
        }
        ModelFileException e = assertThrows(ModelFileException.class, () -> LlmEdtModel.loadPhaseOne(dir.resolve("sasrec.model"),
                small(ItemRepresentation.HYBRID, 1, 1)));
        assertTrue(e.getMessage().contains("id representation"), e.getMessage());
    }

    @Test
    void phaseTwoChangesOnlyItsOwnParameters() {
        DualPhaseConfig onlyOne = small(ItemRepresentation.HYBRID, 2, 0).withSelectOnValidation(false);
        LlmEdtModel first = train(onlyOne, data, null);
        for (boolean gate : new boolean[] {false, true}) {
            for (boolean trainedPositions : new boolean[] {false, true}) {
                DualPhaseConfig both = small(ItemRepresentation.HYBRID, 2, 2).withSelectOnValidation(false);
                both = both.withFineTuning(both.fineTuning().toBuilder().domainGate(gate).build());
                checkPhaseTwoChangesOnlyItsOwnParameters(first, train(trainedPositions ? trainedThreads(both) : both, data, null),
                        trainedPositions);
            }
        }
    }

    /** The phase-2 threads as they were before frozen threads became the default: position tables trained, blocks with dropout. */
    static DualPhaseConfig trainedThreads(DualPhaseConfig c) {
        return c.withFineTuning(c.fineTuning().toBuilder().freezeDomainPositions(false).evalModeBackbone(false).build());
    }

    private static void checkPhaseTwoChangesOnlyItsOwnParameters(LlmEdtModel first, LlmEdtModel full, boolean trainedPositions) {
        assertFalse(first.fineTuned());
        assertTrue(full.fineTuned());
        for (String name : first.tensorNames()) {
            assertArrayEquals(tensor(first, name), tensor(full, name), name + " is frozen in phase 2: bit-identical");
        }
        for (int d = 0; d < 2; d++) {
            assertEquals(trainedPositions, !java.util.Arrays.equals(tensor(full, SasRecNetwork.POSITIONS),
                    tensor(full, TensorLayout.domainPositions(d))), "domain " + d + " positions moved away from the global ones they "
                    + "started from if and only if they train");
            float[] w2 = tensor(full, TensorLayout.domainAdapter(d) + "w2.weight");
            float norm = 0;
            for (float v : w2) {
                norm += v * v;
            }
            assertTrue(norm > 0, "domain " + d + " adapter left the identity");
        }
    }

    @Test
    void frozenDomainPositionsStayPhaseOnesAndFrozenStatesAreThePassesTheyReplace() {
        assertTrue(FineTuningConfig.defaults().freezeDomainPositions(), "positions are frozen by default");
        assertTrue(FineTuningConfig.defaults().evalModeBackbone(), "blocks run without dropout by default");
        DualPhaseConfig plain = trainedThreads(small(ItemRepresentation.HYBRID, 2, 3).withSelectOnValidation(false));
        LlmEdtModel first = train(plain.withFineTuning(plain.fineTuning().toBuilder().enabled(false).build()), data, null);
        for (boolean evalMode : new boolean[] {false, true}) {
            DualPhaseConfig frozen = plain.withFineTuning(plain.fineTuning().toBuilder().freezeDomainPositions(true)
                    .evalModeBackbone(evalMode).build());
            LlmEdtModel model = new LlmEdtTrainer(frozen).train(DualPhaseInput.of(data).withItemEmbeddings(embeddings).withPhaseOne(first),
                    TrainingListener.none());
            for (int d = 0; d < 2; d++) {
                assertArrayEquals(tensor(model, SasRecNetwork.POSITIONS), tensor(model, TensorLayout.domainPositions(d)),
                        "domain " + d + " positions stay the global ones");
                float norm = 0;
                for (float v : tensor(model, TensorLayout.domainAdapter(d) + "w2.weight")) {
                    norm += v * v;
                }
                assertTrue(norm > 0, "domain " + d + " adapter trains");
            }
            assertEquals(frozen, DualPhaseConfig.fromJson(model.config().toJson()), "the options are in the model's configuration");
            if (evalMode) {
                // the run above used the block outputs computed once; the same run on the passes they replace (what
                // phase 2 falls back to when the states do not fit in its budget, here 0 bytes)
                FineTuningSteps.frozenStatesBudgetBytes = 0;
                LlmEdtModel passes;
                try {
                    passes = new LlmEdtTrainer(frozen).train(DualPhaseInput.of(data).withItemEmbeddings(embeddings).withPhaseOne(first),
                            TrainingListener.none());
                } finally {
                    FineTuningSteps.frozenStatesBudgetBytes = -1;
                }
                for (String name : model.tensorNames()) {
                    assertArrayEquals(tensor(passes, name), tensor(model, name), "frozen states and passes: " + name + " bit for bit");
                }
            }
        }
        // trained tables with dropout in the blocks (the former default) differ from both: the options are not ignored
        LlmEdtModel trained = new LlmEdtTrainer(plain).train(DualPhaseInput.of(data).withItemEmbeddings(embeddings).withPhaseOne(first),
                TrainingListener.none());
        assertFalse(java.util.Arrays.equals(tensor(trained, SasRecNetwork.POSITIONS), tensor(trained, TensorLayout.domainPositions(0))));
        // a configuration written before the options existed reads as the behaviour it had: tables trained, blocks with dropout
        DualPhaseConfig current = small(ItemRepresentation.HYBRID, 2, 3).withSelectOnValidation(false);
        com.fasterxml.jackson.databind.node.ObjectNode old = (com.fasterxml.jackson.databind.node.ObjectNode) current.toJson().deepCopy();
        com.fasterxml.jackson.databind.node.ObjectNode fineTuning = (com.fasterxml.jackson.databind.node.ObjectNode) old.get("fine_tuning");
        fineTuning.remove("freeze_domain_positions");
        fineTuning.remove("eval_mode_backbone");
        assertEquals(plain, DualPhaseConfig.fromJson(old));
        FineTuningConfig f = plain.fineTuning().toBuilder().freezeDomainPositions(true).evalModeBackbone(true).build();
        FineTuningConfig legacy = new FineTuningConfig(f.enabled(), f.learningRate(), f.weightDecay(), f.gradientClipNorm(), f.batchSize(),
                f.maxEpochs(), f.patience(), f.plateauPatience(), f.adapterSize(), f.adapterDropout(), f.alignmentWeight(), f.temperature(),
                f.profileAdapterHidden(), f.domainGate(), f.alignmentHead(), f.augmentedSequences(), f.profileInScore(), f.selectPerDomain());
        assertEquals(plain.fineTuning(), legacy, "the constructor of before the options: tables trained, blocks with dropout");
    }

    @Test
    void phaseTwoOnAReusedPhaseOneIsTheSameAsTrainingBoth() {
        DualPhaseConfig both = small(ItemRepresentation.HYBRID, 2, 2);
        LlmEdtModel full = train(both, data, null);
        LlmEdtModel first = train(both.withFineTuning(both.fineTuning().toBuilder().enabled(false).build()), data, null);
        LlmEdtModel second = new LlmEdtTrainer(both).train(DualPhaseInput.of(data).withItemEmbeddings(embeddings).withPhaseOne(first),
                TrainingListener.none());
        assertEquals(full.tensorNames(), second.tensorNames());
        for (String name : full.tensorNames()) {
            assertArrayEquals(tensor(full, name), tensor(second, name), name);
        }
        assertTrue(second.provenance().at("/training/phase_1/reused").asBoolean());
        ItemEmbeddings otherEncoder = ItemEmbeddings.encode(data.items(), new HashingEncoder(48, "another-encoder"),
                ItemTextTemplate.titles(), dev.llmedt.progress.ProgressListener.none());
        IllegalArgumentException wrongEncoder = assertThrows(IllegalArgumentException.class, () -> new LlmEdtTrainer(both).train(
                DualPhaseInput.of(data).withItemEmbeddings(otherEncoder).withPhaseOne(first), TrainingListener.none()));
        assertTrue(wrongEncoder.getMessage().contains("another-encoder") && wrongEncoder.getMessage().contains("hashing-48"),
                wrongEncoder.getMessage());
        ItemEmbeddings otherDimension = ItemEmbeddings.encode(data.items(), new HashingEncoder(24, "hashing-48"),
                ItemTextTemplate.titles(), dev.llmedt.progress.ProgressListener.none());
        DualPhaseConfig wholeVectors = both.withBackbone(both.backbone().toBuilder().pcaDimension(0).build());
        LlmEdtModel firstWhole = train(wholeVectors.withFineTuning(both.fineTuning().toBuilder().enabled(false).build()), data, null);
        IllegalArgumentException wrongDimension = assertThrows(IllegalArgumentException.class, () -> new LlmEdtTrainer(wholeVectors)
                .train(DualPhaseInput.of(data).withItemEmbeddings(otherDimension).withPhaseOne(firstWhole), TrainingListener.none()));
        assertTrue(wrongDimension.getMessage().contains("width 24") && wrongDimension.getMessage().contains("takes 48"),
                wrongDimension.getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LlmEdtTrainer(
                both.withBackbone(both.backbone().toBuilder().dim(8).build())).train(
                DualPhaseInput.of(data).withItemEmbeddings(embeddings).withPhaseOne(first), TrainingListener.none()));
        assertTrue(e.getMessage().contains("backbone"), e.getMessage());
    }

    @Test
    void theSameSeedGivesTheSameModelAndScoresAreFinite() {
        DualPhaseConfig c = small(ItemRepresentation.HYBRID, 2, 1);
        LlmEdtModel a = train(c, data, null);
        LlmEdtModel b = train(c, data, null);
        for (String name : a.tensorNames()) {
            assertArrayEquals(tensor(a, name), tensor(b, name), name);
        }
        for (Domain d : data.domains()) {
            float[] scores = new float[d.size()];
            a.score(History.empty(), d, scores);
            for (float s : scores) {
                assertTrue(Float.isFinite(s));
            }
        }
    }

    @Test
    void eachDomainKeepsItsThreadOnlyWhereItBeatsPhaseOneOnValidation(@TempDir Path dir) throws IOException {
        DualPhaseConfig plain = small(ItemRepresentation.HYBRID, 2, 2);
        assertFalse(plain.fineTuning().selectPerDomain(), "off by default");
        DualPhaseConfig both = plain.withFineTuning(plain.fineTuning().toBuilder().selectPerDomain(true).build());
        LlmEdtModel model = train(both, data, null);
        LlmEdtModel phaseOne = train(small(ItemRepresentation.HYBRID, 2, 0), data, null);
        dev.llmedt.eval.Evaluator evaluator = dev.llmedt.eval.Evaluator.of(dev.llmedt.eval.Protocol.full());
        dev.llmedt.eval.EvaluationReport one = evaluator.evaluate(phaseOne, data.items(), data.valid(), "valid");
        com.fasterxml.jackson.databind.JsonNode selection = model.provenance().at("/training/phase_2/domain_selection");
        double sum = 0;
        for (Domain d : data.domains()) {
            com.fasterxml.jackson.databind.JsonNode s = selection.path(d.name());
            assertEquals(one.domain(d).ndcg(10), s.path("valid_ndcg10_phase_1_alone").asDouble(), 1e-12,
                    "the phase-1 figure is the phase-1 model's (phase 2 never changes phase 1)");
            boolean used = s.path("valid_ndcg10_with_thread").asDouble() > s.path("valid_ndcg10_phase_1_alone").asDouble();
            assertEquals(used, s.path("thread_used").asBoolean());
            assertEquals(used, model.usesDomainThread(d));
            sum += one.domain(d).n() * Math.max(s.path("valid_ndcg10_with_thread").asDouble(), s.path("valid_ndcg10_phase_1_alone").asDouble());
        }
        dev.llmedt.eval.EvaluationReport kept = evaluator.evaluate(model, data.items(), data.valid(), "valid");
        assertEquals(sum / data.valid().size(), kept.overall().ndcg(10), 1e-12, "the kept model scores the better of the two per domain");
        assertEquals(kept.overall().ndcg(10), model.provenance().at("/training/best_valid_ndcg10").asDouble(), 1e-12);
        assertTrue(kept.overall().ndcg(10) >= one.overall().ndcg(10), "never below phase 1 on validation");

        // A domain without its thread is scored exactly as by phase 1; the choice survives a save and load.
        DualPhaseModel dropped = ((DualPhaseModel) model).withDomainThreads(new boolean[] {true, false});
        Domain b = data.domains().get(1);
        List<History> histories = new ArrayList<>();
        for (EvaluationCase c : data.test()) {
            histories.add(c.input());
        }
        float[][] x = new float[histories.size()][b.size()];
        float[][] y = new float[histories.size()][b.size()];
        dropped.scoreBatch(histories, b, x);
        phaseOne.scoreBatch(histories, b, y);
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(y[i], x[i], "domain B without its thread = phase 1");
        }
        Path file = dir.resolve("dropped.llmedt");
        dropped.save(file);
        LlmEdtModel loaded = LlmEdtModel.load(file);
        assertTrue(loaded.usesDomainThread(data.domains().get(0)));
        assertFalse(loaded.usesDomainThread(b));
        float[][] z = new float[histories.size()][b.size()];
        loaded.scoreBatch(histories, b, z);
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(x[i], z[i]);
        }

        LlmEdtModel all = train(plain, data, null);
        assertTrue(all.usesDomainThread(data.domains().get(0)) && all.usesDomainThread(b));
        assertTrue(all.provenance().at("/training/phase_2/domain_selection").isMissingNode());
    }

    @Test
    void idDropoutTrainsAnotherPhaseOneOnlyForHybridItemsAndIsSaved(@TempDir Path dir) throws IOException {
        DualPhaseConfig dropping = small(ItemRepresentation.HYBRID, 2, 0);
        assertEquals(0.4, dropping.backbone().idDropout(), "on by default");
        DualPhaseConfig c = dropping.withBackbone(dropping.backbone().toBuilder().idDropout(0).build());
        LlmEdtModel plain = train(c, data, null);
        LlmEdtModel dropped = train(dropping, data, null);
        assertFalse(java.util.Arrays.equals(tensor(plain, ItemTower.ID_TABLE), tensor(dropped, ItemTower.ID_TABLE)),
                "ID dropout changes what the ID table learns");
        assertFalse(java.util.Arrays.equals(tensor(plain, ItemTower.ADAPTER + "0.weight"), tensor(dropped, ItemTower.ADAPTER + "0.weight")),
                "and what the text adapter learns");
        LlmEdtModel again = train(dropping, data, null);
        assertArrayEquals(tensor(dropped, ItemTower.ID_TABLE), tensor(again, ItemTower.ID_TABLE), "one seed, one model");
        Path file = dir.resolve("m.llmedt");
        dropped.save(file);
        assertEquals(0.4, LlmEdtModel.load(file).config().backbone().idDropout());
        // ID items have no text vector to fall back on: nothing drops, phase 1 is SASRec's.
        DualPhaseConfig ids = small(ItemRepresentation.ID, 2, 0);
        assertArrayEquals(tensor(train(ids, data, null), ItemTower.ID_TABLE),
                tensor(train(ids.withBackbone(ids.backbone().toBuilder().idDropout(0.4).build()), data, null), ItemTower.ID_TABLE));
    }

    @Test
    void savedModelLoadsAndScoresBitForBit(@TempDir Path dir) throws IOException {
        DualPhaseConfig gated = small(ItemRepresentation.HYBRID, 2, 1);
        LlmEdtModel model = train(gated.withFineTuning(gated.fineTuning().toBuilder().domainGate(true).build()), data, null);
        assertTrue(model.tensorNames().contains(TensorLayout.domainGate(0)), "the gated variant saves its gates");
        Path file = dir.resolve("m.llmedt");
        model.save(file);
        LlmEdtModel loaded = LlmEdtModel.load(file);
        assertEquals(model.config(), loaded.config());
        assertEquals(model.tensorNames(), loaded.tensorNames());
        assertEquals(model.provenance().json().toString(), loaded.provenance().json().toString());
        for (Domain d : data.domains()) {
            List<History> histories = new ArrayList<>();
            for (EvaluationCase c : data.test()) {
                histories.add(c.input());
            }
            float[][] a = new float[histories.size()][d.size()];
            float[][] b = new float[histories.size()][d.size()];
            model.scoreBatch(histories, d, a);
            loaded.scoreBatch(histories, d, b);
            for (int i = 0; i < a.length; i++) {
                assertArrayEquals(a[i], b[i]);
            }
        }
        assertEquals("synthetic-food-kitchen", loaded.provenance().at("/dataset").asText());
        assertEquals(data.fingerprint(), loaded.provenance().at("/dataset_fingerprint").asText());
        assertEquals("hashing-48", loaded.itemText().path("model_id").asText());
        SasRecModel sasrec = new SasRecTrainer(SasRecConfig.builder().dim(8).blocks(1).maxLength(8).maxEpochs(1).patience(1).build(),
                TrainingListener.none()).train(data);
        Path other = dir.resolve("s.model");
        sasrec.save(other);
        ModelFileException e = assertThrows(ModelFileException.class, () -> LlmEdtModel.load(other));
        assertTrue(e.getMessage().contains("not an LLM-EDT model"), e.getMessage());
    }

    @Test
    void itemsWithoutTextGetLearnedVectors() {
        int dim = embeddings.dimension();
        float[] matrix = embeddings.toArray();
        Domain kitchen = data.domains().get(1);
        for (int i = kitchen.firstItem(); i < kitchen.endItem(); i++) {
            java.util.Arrays.fill(matrix, i * dim, (i + 1) * dim, 0);
        }
        ItemEmbeddings partial = ItemEmbeddings.of(matrix, embeddings.rows(), dim, embeddings.modelId(), embeddings.template());
        for (ItemRepresentation r : new ItemRepresentation[] {ItemRepresentation.LLM, ItemRepresentation.HYBRID}) {
            LlmEdtModel m = new LlmEdtTrainer(small(r, 2, 1)).train(DualPhaseInput.of(data).withItemEmbeddings(partial),
                    TrainingListener.none());
            assertEquals(kitchen.size(), m.itemText().path("items_without_text").asInt());
            float[][] table = ((DualPhaseModel) m).parameters().get(SasRecNetwork.ITEMS).value();
            java.util.Set<String> distinct = new java.util.HashSet<>();
            for (int i = kitchen.firstItem(); i < kitchen.endItem(); i++) {
                for (float v : table[i + 1]) {
                    assertTrue(Float.isFinite(v), r + ": finite vectors");
                }
                distinct.add(java.util.Arrays.toString(table[i + 1]));
            }
            assertEquals(kitchen.size(), distinct.size(), r + ": every item without text has its own learned vector");
            EvaluationReportCheck.finite(Evaluator.of(Protocol.full()).evaluate(m, data.items(), data.test(), "test"));
        }
    }

    @Test
    void profilesAlignAndChangeTheModel() {
        float[][] vectors = new float[data.train().size()][12];
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int i = 0; i < vectors.length; i++) {
            if (i % 7 == 0) {
                continue; // some users have no profile
            }
            for (int j = 0; j < 12; j++) {
                vectors[i][j] = (float) random.nextGaussian();
            }
        }
        ProfileVectors profiles = new ProfileVectors(vectors, "hashing-48", Map.of("mode", "test"));
        DualPhaseConfig frozen = small(ItemRepresentation.HYBRID, 1, 1).withSelectOnValidation(false);
        for (DualPhaseConfig c : List.of(frozen, trainedThreads(frozen))) {
            LlmEdtModel with = train(c, data, profiles);
            LlmEdtModel without = train(c.withFineTuning(c.fineTuning().toBuilder().alignmentWeight(0).build()), data, profiles);
            assertTrue(with.tensorNames().contains(TensorLayout.profileAdapter(0) + "0.weight"));
            assertFalse(without.tensorNames().contains(TensorLayout.profileAdapter(0) + "0.weight"), "beta 0: no profile adapter");
            String adapter = TensorLayout.domainAdapter(1) + "w1.weight";
            assertFalse(java.util.Arrays.equals(tensor(with, adapter), tensor(without, adapter)),
                    "the alignment gradient reaches the domain adapter");
            assertEquals(c.fineTuning().freezeDomainPositions(), java.util.Arrays.equals(tensor(with, TensorLayout.domainPositions(1)),
                    tensor(without, TensorLayout.domainPositions(1))), "the alignment gradient reaches the domain positions when they train");
            assertTrue(with.provenance().at("/profiles/used").asBoolean());
        }
    }

    @Test
    void profilesInTheScoreNeedAProfileSource(@TempDir Path dir) throws IOException {
        int width = 12;
        float[][] vectors = new float[data.train().size()][width];
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (float[] v : vectors) {
            for (int j = 0; j < width; j++) {
                v[j] = (float) random.nextGaussian();
            }
        }
        ProfileSource source = histories -> {
            float[][] out = new float[histories.size()][width];
            for (int i = 0; i < out.length; i++) {
                java.util.SplittableRandom r = new java.util.SplittableRandom(histories.get(i).hashCode());
                for (int j = 0; j < width; j++) {
                    out[i][j] = (float) r.nextGaussian();
                }
            }
            return out;
        };
        DualPhaseConfig c = small(ItemRepresentation.HYBRID, 1, 2);
        c = c.withFineTuning(c.fineTuning().toBuilder().profileInScore(true).build());
        DualPhaseInput input = DualPhaseInput.of(data).withItemEmbeddings(embeddings)
                .withProfiles(new ProfileVectors(vectors, "hashing-48", Map.of()));
        DualPhaseConfig inScore = c;
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new LlmEdtTrainer(inScore).train(input, TrainingListener.none()));
        assertTrue(missing.getMessage().contains("profile source"), missing.getMessage());
        LlmEdtModel m = new LlmEdtTrainer(c).train(input.withProfileSource(source), TrainingListener.none());
        assertTrue(m.scoresWithProfiles());
        Domain food = data.domains().get(0);
        History h = data.test().get(0).input();
        // Without a source the model honours the Recommender contract: it scores the user as one without a profile.
        float[] bare = new float[food.size()];
        m.score(h, food, bare);
        float[] with = new float[food.size()];
        m.withProfiles(source).score(h, food, with);
        float[][] none = new float[1][food.size()];
        m.scoreBatch(List.of(h), food, none, new float[1][width]);
        assertFalse(java.util.Arrays.equals(with, none[0]), "the profile changes the scores");
        assertArrayEquals(none[0], bare, "no source: the scores of a zero profile");
        float[][] nullProfiles = new float[1][food.size()];
        m.scoreBatch(List.of(h), food, nullProfiles, null);
        assertArrayEquals(bare, nullProfiles[0], "null profiles: no profile term");
        assertThrows(IllegalArgumentException.class, () -> m.scoreBatch(List.of(h, h), food, new float[2][food.size()], new float[1][width]),
                "one profile vector short");
        m.save(dir.resolve("p.model"));
        LlmEdtModel loaded = LlmEdtModel.load(dir.resolve("p.model"));
        float[] again = new float[food.size()];
        loaded.withProfiles(source).score(h, food, again);
        assertArrayEquals(with, again);

        // Evaluation asks the source for each case's input, never anything holding its target: other targets, same requests.
        List<History> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProfileSource spy = histories -> {
            asked.addAll(histories);
            return source.vectors(histories);
        };
        dev.llmedt.eval.EvaluationReport report = dev.llmedt.eval.Evaluator.of(dev.llmedt.eval.Protocol.full()).withThreads(1)
                .evaluate(m.withProfiles(spy), data.items(), data.test(), "test");
        List<History> inputs = data.test().stream().map(EvaluationCase::input).toList();
        assertEquals(new java.util.HashSet<>(inputs), new java.util.HashSet<>(asked), "profiles come from the inputs only");
        List<History> firstRequests = new ArrayList<>(asked);
        asked.clear();
        List<EvaluationCase> otherTargets = new ArrayList<>();
        for (EvaluationCase ec : data.test()) {
            Domain d = data.items().domainOf(ec.target());
            otherTargets.add(new EvaluationCase(ec.source(), ec.user(), ec.input(), d.firstItem() + (ec.target() - d.firstItem() + 1) % d.size()));
        }
        dev.llmedt.eval.Evaluator.of(dev.llmedt.eval.Protocol.full()).withThreads(1).evaluate(m.withProfiles(spy), data.items(),
                otherTargets, "test");
        assertEquals(new java.util.HashSet<>(firstRequests), new java.util.HashSet<>(asked), "changing the targets changes no profile request");
        assertTrue(report.overall().n() == data.test().size());
    }

    @Test
    void evaluationUsersCannotChangeTheWeights() {
        DualPhaseConfig c = small(ItemRepresentation.HYBRID, 2, 1);
        List<EvaluationCase> otherTest = new ArrayList<>();
        for (int i = 0; i < data.test().size(); i++) {
            History h = data.train().get(i).items();
            otherTest.add(new EvaluationCase("test.txt", "x" + i, h.prefix(h.length() - 1), h.last()));
        }
        CdsrDataset swappedTest = new CdsrDataset(data.name(), data.items(), data.train(), data.valid(), otherTest, data.readReport());
        LlmEdtModel a = train(c, data, null);
        LlmEdtModel b = train(c, swappedTest, null);
        for (String name : a.tensorNames()) {
            assertArrayEquals(tensor(a, name), tensor(b, name), "test users never reach " + name);
        }
        DualPhaseConfig fixed = c.withSelectOnValidation(false);
        List<EvaluationCase> otherValid = new ArrayList<>();
        for (int i = 0; i < data.valid().size(); i++) {
            History h = data.train().get(data.train().size() - 1 - i).items();
            otherValid.add(new EvaluationCase("valid.txt", "y" + i, h.prefix(h.length() - 1), h.last()));
        }
        CdsrDataset swappedValid = new CdsrDataset(data.name(), data.items(), data.train(), otherValid, data.test(), data.readReport());
        LlmEdtModel fa = train(fixed, data, null);
        LlmEdtModel fb = train(fixed, swappedValid, null);
        for (String name : fa.tensorNames()) {
            assertArrayEquals(tensor(fa, name), tensor(fb, name), "without selection, validation users never reach " + name);
        }
    }

    @Test
    void augmentedSequencesTrainWithInsertedItemsAsContext() {
        AugmentedData augmented = TransferableItemAugmenter.builder().similarityThreshold(0.1).seed(7).build().augment(data, embeddings);
        assertTrue(augmented.insertions().size() > 0, "the synthetic titles share themes: bridges exist");
        TrainingSequences sequences = new TrainingSequences(data, augmented);
        long context = 0;
        for (int s = 0; s < sequences.size(); s++) {
            for (int p = 0; p < sequences.items[s].length; p++) {
                if (augmented.sequences().get(s).isInserted(p)) {
                    assertFalse(sequences.target[s][p], "an inserted item is never a target by default");
                    context++;
                }
            }
        }
        assertEquals(augmented.insertions().size(), context);
        assertEquals(context, sequences.insertedItems);
        LlmEdtModel m = new LlmEdtTrainer(small(ItemRepresentation.HYBRID, 2, 1)).train(
                DualPhaseInput.of(data).withItemEmbeddings(embeddings).withAugmentation(augmented), TrainingListener.none());
        assertEquals(context, m.provenance().at("/augmentation/inserted_items").asLong());
        assertEquals(0.1, m.provenance().at("/augmentation/settings/tau").asDouble());
    }

    @Test
    void insertedTargetsCarryTheirWeightIntoTrainingAndTheFingerprint() {
        TransferableItemAugmenter.Builder b = TransferableItemAugmenter.builder().similarityThreshold(0.1).seed(7).insertedItemsAreTargets(true);
        AugmentedData full = b.build().augment(data, embeddings);
        AugmentedData weighted = b.insertedTargetWeight(0.3).build().augment(data, embeddings);
        TrainingSequences one = new TrainingSequences(data, full);
        TrainingSequences w = new TrainingSequences(data, weighted);
        long inserted = 0;
        for (int s = 0; s < w.size(); s++) {
            for (int p = 0; p < w.items[s].length; p++) {
                boolean in = weighted.sequences().get(s).isInserted(p);
                assertTrue(w.target[s][p]);
                assertEquals(in ? 0.3f : 1f, w.weight[s][p]);
                assertEquals(1f, one.weight[s][p]);
                inserted += in ? 1 : 0;
            }
        }
        assertTrue(inserted > 0);
        assertFalse(one.weighted());
        assertTrue(w.weighted());
        assertEquals(RunFingerprint.of(new TrainingSequences(data, null)), RunFingerprint.of(new TrainingSequences(data, null)));
        assertTrue(!RunFingerprint.of(one).equals(RunFingerprint.of(w)), "weights tell runs apart");
        assertEquals(0.3, weighted.insertedTargetWeight());
    }

    @Test
    void badInputGetsClearErrors() {
        ItemEmbeddings wrongRows = ItemEmbeddings.of(new float[10 * 4], 10, 4, "x", "{title}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DualPhaseInput.of(data).withItemEmbeddings(wrongRows));
        assertTrue(e.getMessage().contains("10 rows") && e.getMessage().contains(data.items().size() + " items"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LlmEdtTrainer(small(ItemRepresentation.LLM, 1, 0))
                .train(DualPhaseInput.of(data), TrainingListener.none()));
        assertTrue(e.getMessage().contains("needs item text embeddings"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DualPhaseInput.of(data)
                .withProfiles(new ProfileVectors(new float[3][4], "x", Map.of())));
        assertTrue(e.getMessage().contains("3 profile vectors"), e.getMessage());
        float[][] nan = new float[2][3];
        nan[1][2] = Float.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> new ProfileVectors(nan, "x", Map.of()));
        assertTrue(e.getMessage().contains("profile vector 1"), e.getMessage());
        LlmEdtModel m = new LlmEdtTrainer(small(ItemRepresentation.ID, 1, 0)).train(DualPhaseInput.of(data), TrainingListener.none());
        Domain alien = new Domain(1, "Garden", 0, 5);
        e = assertThrows(IllegalArgumentException.class, () -> m.score(History.empty(), alien, new float[5]));
        assertTrue(e.getMessage().contains("Garden"), e.getMessage());
        int items = data.items().size();
        e = assertThrows(IllegalArgumentException.class,
                () -> m.score(History.of(1, items + 3), data.domains().get(0), new float[data.domains().get(0).size()]));
        assertTrue(e.getMessage().contains("unknown item id " + (items + 3)), e.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> FineTuningConfig.builder().adapterDropout(1.5));
        assertEquals("adapterDropout must be in [0.0, 1.0), got 1.5", range.getMessage());
    }

    /** Checks a report holds only finite metrics. */
    static final class EvaluationReportCheck {
        static void finite(dev.llmedt.eval.EvaluationReport r) {
            assertTrue(Double.isFinite(r.overall().ndcg(10)) && r.overall().n() > 0);
        }
    }
}
