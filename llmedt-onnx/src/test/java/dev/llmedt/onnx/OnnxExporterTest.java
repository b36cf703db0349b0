package dev.llmedt.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.dualphase.DualPhaseConfig;
import dev.llmedt.dualphase.DualPhaseInput;
import dev.llmedt.dualphase.LlmEdtTrainer;
import dev.llmedt.dualphase.ProfileSource;
import dev.llmedt.dualphase.ProfileVectors;
import dev.llmedt.model.ModelFileException;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.testing.SyntheticModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported file: its format, metadata and graph semantics as any ONNX Runtime client sees them. */
class OnnxExporterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static OnnxMl.ModelProto read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return OnnxMl.ModelProto.parseFrom(in);
        }
    }

    private static Map<String, String> metadata(OnnxMl.ModelProto model) {
        Map<String, String> m = new HashMap<>();
        for (OnnxMl.StringStringEntryProto e : model.getMetadataPropsList()) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    @Test
    void theFileIsOpset17WithTheModelsProvenanceAndDomains() throws IOException {
        LlmEdtModel model = SyntheticModels.llmEdt();
        OnnxMl.ModelProto proto = read(Exports.of("llm-edt", model));
        assertEquals(OnnxExporter.IR_VERSION, proto.getIrVersion());
        assertEquals(1, proto.getOpsetImportCount());
        assertEquals("", proto.getOpsetImport(0).getDomain());
        assertEquals(17, proto.getOpsetImport(0).getVersion());
        assertEquals(List.of("history", "lengths", "domain", "k"), proto.getGraph().getInputList().stream().map(OnnxMl.ValueInfoProto::getName)
                .toList());
        assertEquals(List.of("scores", "top_scores", "top_items"), proto.getGraph().getOutputList().stream()
                .map(OnnxMl.ValueInfoProto::getName).toList());
        Map<String, String> meta = metadata(proto);
        assertEquals("llm-edt", meta.get(OnnxExporter.META_KIND));
        assertEquals("17", meta.get(OnnxExporter.META_OPSET));
        assertEquals(model.provenance().json().toString(), JSON.readTree(meta.get(OnnxExporter.META_PROVENANCE)).toString());
        assertEquals(model.config().toJson().toString(), JSON.readTree(meta.get(OnnxExporter.META_CONFIG)).toString());
        assertTrue(Instant.parse(meta.get(OnnxExporter.META_EXPORTED_AT)).isAfter(Instant.now().minusSeconds(3600)));
        assertEquals("Kitchen", JSON.readTree(meta.get(OnnxExporter.META_DOMAINS)).get(1).path("name").asText());
        for (OnnxMl.NodeProto node : proto.getGraph().getNodeList()) {
            assertEquals("", node.getDomain(), node.getName() + " is a standard ONNX operator");
        }
    }

    @Test
    void aModelFileExportRecordsTheFileAndRefusesOtherFiles(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sasrec.model");
        SyntheticModels.sasrec().save(file);
        OnnxExporter.export(file, dir.resolve("sasrec.onnx"));
        Map<String, String> meta = metadata(read(dir.resolve("sasrec.onnx")));
        assertEquals(file.toAbsolutePath().normalize().toString(), meta.get(OnnxExporter.META_SOURCE_FILE));
        assertEquals(64, meta.get(OnnxExporter.META_SOURCE_SHA256).length());
        Files.writeString(dir.resolve("not-a-model"), "hello");
        ModelFileException e = assertThrows(ModelFileException.class, () -> OnnxExporter.export(dir.resolve("not-a-model"),
                dir.resolve("x.onnx")));
        assertTrue(e.getMessage().contains("not-a-model"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("x.onnx")));
    }

    @Test
    void aModelThatScoresWithProfilesIsRefused(@TempDir Path dir) {
        int width = 8;
        float[][] vectors = new float[SyntheticModels.DATA.train().size()][width];
        SplittableRandom random = new SplittableRandom(3);
        for (float[] v : vectors) {
            for (int j = 0; j < width; j++) {
                v[j] = (float) random.nextGaussian();
            }
        }
        ProfileSource source = histories -> new float[histories.size()][width];
        DualPhaseConfig c = SyntheticModels.llmEdt().config();
        c = c.withPretraining(c.pretraining().toBuilder().maxEpochs(1).build())
                .withFineTuning(c.fineTuning().toBuilder().maxEpochs(1).profileInScore(true).build());
        LlmEdtModel model = new LlmEdtTrainer(c).train(DualPhaseInput.of(SyntheticModels.DATA).withItemEmbeddings(SyntheticModels.embeddings())
                .withProfiles(new ProfileVectors(vectors, "random", Map.of())).withProfileSource(source), TrainingListener.none());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExporter.export(model, dir.resolve("p.onnx")));
        assertTrue(e.getMessage().contains("profileInScore") && e.getMessage().contains("profile input"), e.getMessage());
    }

    /** Runs an export with plain ONNX Runtime calls, as a client in another language would. */
    private static float[][] runDirectly(Path file, long[][] rows, long[] lengths, int domain) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(file.toString(), options);
                OnnxTensor history = OnnxTensor.createTensor(env, rows);
                OnnxTensor length = OnnxTensor.createTensor(env, lengths);
                OnnxTensor target = OnnxTensor.createTensor(env, OnnxTensor.createTensor(env, new long[] {domain}).getLongBuffer(),
                        new long[0]);
                OnnxTensor k = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(new long[] {3}), new long[0]);
                OrtSession.Result result = session.run(Map.of("history", history, "lengths", length, "domain", target, "k", k))) {
            return (float[][]) result.get("scores").orElseThrow().getValue();
        }
    }

    @Test
    void paddingOfAnyValueAndWidthChangesNoScore() throws OrtException {
        LlmEdtModel model = SyntheticModels.llmEdtUngated();
        Path file = Exports.of("llm-edt-ungated", model);
        List<EvaluationCase> cases = SyntheticModels.DATA.test().subList(0, 6);
        int width = 40;
        long[][] rows = new long[cases.size() + 1][width];
        long[] lengths = new long[rows.length];
        long[] padding = {0, -7, 1_000_000_000_000L, 5, Long.MAX_VALUE, 3};
        for (int b = 0; b < cases.size(); b++) {
            History h = cases.get(b).input();
            lengths[b] = h.length();
            for (int t = 0; t < width; t++) {
                rows[b][t] = t < h.length() ? h.item(t) : padding[(b + t) % padding.length];
            }
        }
        java.util.Arrays.fill(rows[cases.size()], 9); // an empty history, padded with a real item id
        for (Domain d : SyntheticModels.DATA.domains()) {
            float[][] scores = runDirectly(file, rows, lengths, d.index());
            for (int b = 0; b < rows.length; b++) {
                History h = b < cases.size() ? cases.get(b).input() : History.empty();
                float[] expected = new float[d.size()];
                model.score(h, d, expected);
                assertArrayEquals(expected, scores[b], 1e-5f, "history " + b + ", " + d);
            }
        }
    }

    @Test
    void anUnknownItemIdFailsInAnyOnnxRuntimeButUnknownPaddingDoesNot() throws Exception {
        Path file = Exports.of("llm-edt", SyntheticModels.llmEdt());
        int itemCount = SyntheticModels.DATA.items().size();
        for (long unknown : new long[] {itemCount, -1}) {
            OrtException e = assertThrows(OrtException.class, () -> runDirectly(file, new long[][] {{1, unknown}}, new long[] {2}, 1));
            assertTrue(e.getMessage().contains("out of"), e.getMessage());
        }
        float[][] padded = runDirectly(file, new long[][] {{1, 2, 99999, -5}}, new long[] {2}, 1);
        float[][] plain = runDirectly(file, new long[][] {{1, 2}}, new long[] {2}, 1);
        assertArrayEquals(plain[0], padded[0], 1e-6f);
    }

    @Test
    void aSingleDomainExportRefusesTheOtherDomain() {
        SasRecModel kitchenOnly = SyntheticModels.sasrecKitchen();
        Path file = Exports.of("sasrec-kitchen", kitchenOnly);
        Domain food = SyntheticModels.DATA.domain("Food");
        OrtException e = assertThrows(OrtException.class, () -> runDirectly(file, new long[][] {{1, 2}}, new long[] {2}, food.index()));
        assertTrue(e.getMessage().contains("out of"), e.getMessage());
        try (OnnxRecommender r = OnnxRecommender.builder(file).threads(1).build()) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> r.score(History.empty(), food,
                    new float[food.size()]));
            assertTrue(refused.getMessage().contains("cannot score Food") && refused.getMessage().contains("Kitchen"), refused.getMessage());
        }
    }

    /**
     * The ONNX checker (full check, strict shape inference) on every kind of export, when a Python
     * with the onnx package is at hand (Debian: python3-onnx, which .ci/run installs). Without one it
     * fails under CI ({@code CI=true}: a skipped check there is a check that never runs) and is
     * skipped elsewhere, ONNX Runtime's loading in the other tests being the check.
     */
    @Test
    void theOnnxCheckerAcceptsEveryKindOfExport() throws Exception {
        String python = null;
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import onnx").redirectErrorStream(true).start();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    python = candidate;
                    break;
                }
            } catch (IOException notThere) {
                // try the next one
            }
        }
        String missing = "no python3 with the onnx package (tried /usr/bin/python3 and python3 on the PATH; Debian: apt-get install "
                + "python3-onnx)";
        if (python == null && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true, but " + missing);
        }
        Assumptions.assumeTrue(python != null, "SKIPPED: " + missing);
        List<Path> files = List.of(Exports.of("sasrec", SyntheticModels.sasrec()), Exports.of("sasrec-kitchen", SyntheticModels.sasrecKitchen()),
                Exports.of("llm-edt", SyntheticModels.llmEdt()), Exports.of("llm-edt-ungated", SyntheticModels.llmEdtUngated()),
                Exports.of("llm-edt-phase-1", SyntheticModels.llmEdtPhaseOne()));
        for (Path f : files) {
            Process p = new ProcessBuilder(python, "-c", "import onnx, sys\n"
                    + "m = onnx.load(sys.argv[1])\n"
                    + "onnx.checker.check_model(m, full_check=True)\n"
                    + "onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)\n"
                    + "print('ok')", f.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the checker did not finish on " + f);
            assertEquals(0, p.exitValue(), f + ": " + out);
        }
    }
}
