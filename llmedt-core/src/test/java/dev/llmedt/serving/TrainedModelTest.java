package dev.llmedt.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.Recommender;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.engine.BlockScorer;
import dev.llmedt.model.ModelFile;
import dev.llmedt.model.ModelFileException;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.testing.SyntheticModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainedModelTest {

    private static final List<History> HISTORIES = SyntheticModels.DATA.test().stream().map(EvaluationCase::input).toList();

    @TempDir
    Path dir;

    @Test
    void aSasRecFileOpensAndScoresAsTheModelItHolds() throws IOException {
        SasRecModel trained = SyntheticModels.sasrec();
        Path file = dir.resolve("sasrec.model");
        trained.save(file);
        try (TrainedModel m = TrainedModel.open(file)) {
            assertEquals("sasrec", m.kind());
            assertEquals(trained.domains(), m.domains());
            assertTrue(m.domains().stream().allMatch(m::scores));
            assertEquals(ModelFile.read(file).provenance(), m.provenance());
            assertInstanceOf(BlockScorer.class, m, "the evaluator's block-streamed path stays open");
            for (Domain d : m.domains()) {
                assertSameScores(trained, m, d);
            }
        }
    }

    @Test
    void aSingleDomainSasRecScoresItsOwnDomainOnly() throws IOException {
        Path file = dir.resolve("kitchen.model");
        SyntheticModels.sasrecKitchen().save(file);
        try (TrainedModel m = TrainedModel.open(file, 2)) {
            assertEquals(List.of(true, false), List.of(m.scores(SyntheticModels.DATA.domain("Kitchen")),
                    m.scores(SyntheticModels.DATA.domain("Food"))));
            assertSameScores(SyntheticModels.sasrecKitchen(), m, SyntheticModels.DATA.domain("Kitchen"));
        }
    }

    @Test
    void anLlmEdtFileOpensAndScoresAsTheModelItHolds() throws IOException {
        LlmEdtModel trained = SyntheticModels.llmEdt();
        Path file = dir.resolve("llm-edt.model");
        trained.save(file);
        try (TrainedModel m = TrainedModel.open(file)) {
            assertEquals("llm-edt", m.kind());
            assertEquals(trained.domains(), m.domains());
            assertEquals(ModelFile.read(file).provenance(), m.provenance());
            for (Domain d : m.domains()) {
                assertTrue(m.scores(d));
                assertSameScores(trained, m, d);
                assertEquals(trained.recommendBatch(HISTORIES, d, 5), m.recommendBatch(HISTORIES, d, 5));
            }
        }
    }

    @Test
    void aProfileInScoreModelIsRefusedNamingTheFileAndWhy() throws IOException {
        Path file = dir.resolve("profiles.model");
        SyntheticModels.llmEdtProfileInScoreModel().save(file);
        ModelFileException e = assertThrows(ModelFileException.class, () -> TrainedModel.open(file));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": holds an LLM-EDT model that adds the user's profile to its score"), e.getMessage());
    }

    @Test
    void aModelOfAnotherKindIsRefusedNamingTheFileAndTheKind() throws IOException {
        Path file = dir.resolve("knn.model");
        ModelFile.write(file, "knn", new ObjectMapper().createObjectNode(), dev.llmedt.model.Provenance.fromJson(null),
                List.of(new ModelFile.Tensor("w", new int[] {2}, new float[] {1, 2})));
        ModelFileException e = assertThrows(ModelFileException.class, () -> TrainedModel.open(file));
        assertEquals(file + ": holds a 'knn' model; SASRec and LLM-EDT models (or their .onnx exports) can serve", e.getMessage());
    }

    @Test
    void aTruncatedFileIsRefusedNamingTheFile() throws IOException {
        Path file = dir.resolve("truncated.model");
        SyntheticModels.sasrec().save(file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));
        ModelFileException e = assertThrows(ModelFileException.class, () -> TrainedModel.open(file));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void anOnnxExportWithoutLlmedtOnnxIsRefusedNamingTheArtifact() throws IOException {
        Path file = dir.resolve("model.ONNX");
        Files.write(file, new byte[] {8, 7});
        ModelFileException e = assertThrows(ModelFileException.class, () -> TrainedModel.open(file, 1));
        assertEquals(file + ": is an ONNX export, and opening one needs llmedt-onnx: add the artifact dev.llmedt:llmedt-onnx to the "
                + "class or module path", e.getMessage());
    }

    @Test
    void aThreadCountOutsideItsRangeIsRefused() {
        Path file = dir.resolve("any.model");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainedModel.open(file, 0));
        assertEquals("threads must be in [1, 1024], got 0", e.getMessage());
        assertFalse(Files.exists(file));
    }

    private static void assertSameScores(Recommender expected, Recommender actual, Domain d) {
        float[][] want = new float[HISTORIES.size()][d.size()];
        float[][] got = new float[HISTORIES.size()][d.size()];
        expected.scoreBatch(HISTORIES, d, want);
        actual.scoreBatch(HISTORIES, d, got);
        for (int i = 0; i < want.length; i++) {
            assertArrayEquals(want[i], got[i], 0f, "history " + i + " in " + d.name());
        }
        float[] one = new float[d.size()];
        actual.score(HISTORIES.get(0), d, one);
        assertArrayEquals(want[0], one, 0f);
    }
}
