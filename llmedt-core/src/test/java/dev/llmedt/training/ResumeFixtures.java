package dev.llmedt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.TrainingContext;
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
import dev.llmedt.model.ModelFile;
import dev.llmedt.sasrec.SasRecConfig;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.sasrec.SasRecTrainer;
import dev.llmedt.testing.HashingEncoder;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Small runs for the checkpoint tests (in-process and in child JVMs): synthetic data of 700
 * training sequences (11 batches of 64 per epoch), a SASRec configuration and an LLM-EDT one (hybrid
 * items, both phases, the learning rate halved on every plateau), and a listener that crashes a run.
 */
final class ResumeFixtures {

    /** The dataset (the same in every JVM: generated from a fixed seed). */
    static final CdsrDataset DATA = SyntheticDataset.generate(new SyntheticDataset.Options(3, 10, 200, 300, 200, 60));

    /** Batches per epoch (700 sequences, 64 per batch). */
    static final int BATCHES = 11;

    private static ItemEmbeddings embeddings;

    private ResumeFixtures() {
    }

    /** SASRec that stops early after 6 epochs (best epoch 4) with 2 threads. */
    static SasRecConfig sasrec(int maxEpochs) {
        return SasRecConfig.builder().dim(16).maxLength(20).batchSize(64).maxEpochs(maxEpochs).patience(2).learningRate(0.03).seed(9)
                .threads(2).build();
    }

    /** LLM-EDT whose phase 1 stops early after 8 epochs and whose phase 2 halves its learning rate 5 times before stopping after 8. */
    static DualPhaseConfig llmEdt(int phaseOneEpochs, int phaseTwoEpochs) {
        return llmEdt(phaseOneEpochs, phaseTwoEpochs, 0);
    }

    /**
     * The small LLM-EDT fixture. The resume and listener tests were written around its run without ID dropout
     * (phase 2 does not improve in epochs 1 and 2, so the learning rate halves twice before epoch 4); the
     * default's dropout gets its own resume test.
     */
    static DualPhaseConfig llmEdt(int phaseOneEpochs, int phaseTwoEpochs, double idDropout) {
        BackboneConfig backbone = BackboneConfig.builder().dim(16).blocks(1).heads(2).maxLength(12).dropout(0.1)
                .itemRepresentation(ItemRepresentation.HYBRID).pcaDimension(16).idDropout(idDropout).build();
        PretrainingConfig one = PretrainingConfig.builder().batchSize(64).maxEpochs(phaseOneEpochs).patience(2).learningRate(0.02).build();
        FineTuningConfig two = FineTuningConfig.builder().batchSize(64).maxEpochs(phaseTwoEpochs).patience(3).plateauPatience(1)
                .learningRate(0.02).adapterSize(8).build();
        return new DualPhaseConfig(backbone, one, two, 7, 2, true);
    }

    static synchronized ItemEmbeddings embeddings() {
        if (embeddings == null) {
            embeddings = ItemEmbeddings.encode(DATA.items(), new HashingEncoder(48), ItemTextTemplate.titles(), ProgressListener.none());
        }
        return embeddings;
    }

    static SasRecModel trainSasRec(SasRecConfig config, TrainingListener listener) {
        return new SasRecTrainer(config, listener).train(DATA);
    }

    static LlmEdtModel trainLlmEdt(DualPhaseConfig config, TrainingListener listener) {
        return new LlmEdtTrainer(config).train(DualPhaseInput.of(DATA).withItemEmbeddings(embeddings()), listener);
    }

    /** Thrown by {@link #crashAt} in place of a process dying. */
    static final class SimulatedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String where) {
            super("simulated crash at " + where);
        }
    }

    /** A listener that throws {@link SimulatedCrash} after the given batch of the given epoch of a phase. */
    static TrainingListener crashAt(String phase, int epoch, int batch) {
        return new TrainingListener() {
            @Override
            public void batchFinished(TrainingContext context, int b, int batches, double loss) {
                if (context.phase().equals(phase) && context.epoch() == epoch && b == batch) {
                    throw new SimulatedCrash(phase + " epoch " + epoch + " batch " + batch);
                }
            }
        };
    }

    /** A model's tensors by name, in file order. */
    static Map<String, ModelFile.Tensor> tensors(List<String> names, Function<String, ModelFile.Tensor> tensor) {
        Map<String, ModelFile.Tensor> map = new java.util.LinkedHashMap<>();
        for (String n : names) {
            map.put(n, tensor.apply(n));
        }
        return map;
    }

    /** Asserts two models' tensors equal bit for bit, name by name. */
    static void assertSameTensors(List<String> names, Function<String, ModelFile.Tensor> expected, Map<String, ModelFile.Tensor> actual) {
        assertEquals(names, List.copyOf(actual.keySet()), "tensor names");
        for (String name : names) {
            assertArrayEquals(expected.apply(name).data(), actual.get(name).data(), name + " bit for bit");
        }
    }

    /** The epoch summaries of a provenance's training node: phase, epoch, loss and NDCG@10 (exact) and the best flag. */
    static String trace(JsonNode training) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode e : training.path("epoch_summaries")) {
            sb.append(e.path("phase").asText()).append(' ').append(e.path("epoch").asInt()).append(' ')
                    .append(Double.toHexString(e.path("loss").asDouble())).append(' ')
                    .append(Double.toHexString(e.path("valid_ndcg10").asDouble())).append(e.path("best").asBoolean() ? " best" : "")
                    .append('\n');
        }
        return sb.append(training.path("best_epoch").asInt()).append(' ').append(training.path("stop_reason").asText()).toString();
    }
}
