package dev.llmedt.sasrec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.model.ModelFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving, loading, corrupt files, bad input and concurrent scoring. */
class SasRecModelFileTest {

    private static CdsrDataset data;
    private static SasRecModel model;

    @BeforeAll
    static void train() {
        data = SyntheticDataset.generate(new SyntheticDataset.Options(2, 8, 100, 100, 100, 30));
        model = new SasRecTrainer(SasRecConfig.builder().dim(16).maxLength(10).maxEpochs(1).threads(1).build(),
                TrainingListener.none()).train(data);
    }

    private static float[] scores(SasRecModel m, History h, Domain d) {
        float[] s = new float[d.size()];
        m.score(h, d, s);
        return s;
    }

    @Test
    void roundTripGivesIdenticalScoresAndProvenance(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.llmedt");
        model.save(file);
        SasRecModel back = SasRecModel.load(file);
        assertEquals(model.config(), back.config());
        assertEquals(model.domains(), back.domains());
        assertEquals(data.fingerprint(), back.provenance().at("/dataset_fingerprint").asText());
        assertTrue(back.provenance().at("/training/epochs").asInt() == 1);
        for (Domain d : data.domains()) {
            History h = History.of(3, 100, 17, 5);
            assertArrayEquals(scores(model, h, d), scores(back, h, d));
        }
    }

    @Test
    void corruptTruncatedNewerAndForeignFilesFailClearly(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.llmedt");
        model.save(file);
        byte[] bytes = Files.readAllBytes(file);

        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x10;
        Path corrupt = dir.resolve("corrupt.llmedt");
        Files.write(corrupt, flipped);
        ModelFileException e1 = assertThrows(ModelFileException.class, () -> SasRecModel.load(corrupt));
        assertTrue(e1.getMessage().contains("corrupt.llmedt") && e1.getMessage().contains("checksum"), e1.getMessage());

        Path truncated = dir.resolve("truncated.llmedt");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 1000));
        assertThrows(ModelFileException.class, () -> SasRecModel.load(truncated));

        byte[] newer = bytes.clone();
        ByteBuffer.wrap(newer).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 99);
        Path future = dir.resolve("future.llmedt");
        Files.write(future, newer);
        ModelFileException e3 = assertThrows(ModelFileException.class, () -> SasRecModel.load(future));
        assertTrue(e3.getMessage().contains("newer"), e3.getMessage());

        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello, not a model at all, but long enough to have a header and a checksum....");
        ModelFileException e4 = assertThrows(ModelFileException.class, () -> SasRecModel.load(text));
        assertTrue(e4.getMessage().contains("not an llmedt model file"), e4.getMessage());

        assertThrows(ModelFileException.class, () -> SasRecModel.load(dir.resolve("missing.llmedt")));
    }

    @Test
    void unknownItemsAndForeignDomainsAreRejected() {
        Domain food = data.domain("Food");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.score(History.of(1, 99999), food, new float[food.size()]));
        assertTrue(e.getMessage().contains("99999"), e.getMessage());
        Domain foreign = new Domain(0, "Food", 0, 5);
        assertThrows(IllegalArgumentException.class, () -> model.score(History.of(1), foreign, new float[5]));
    }

    @Test
    void emptyHistoryScoresWithoutError() {
        float[] s = scores(model, History.empty(), data.domain("Kitchen"));
        for (float v : s) {
            assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void concurrentScoringEqualsSequentialScoring() throws Exception {
        Domain kitchen = data.domain("Kitchen");
        List<History> histories = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            histories.add(History.of(i % 60, 64 + (i * 7) % 60, (i * 13) % 60));
        }
        float[][] sequential = new float[histories.size()][kitchen.size()];
        model.scoreBatch(histories, kitchen, sequential);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (History h : histories) {
                futures.add(pool.submit(() -> scores(model, h, kitchen)));
            }
            for (int i = 0; i < histories.size(); i++) {
                assertArrayEquals(sequential[i], futures.get(i).get(), "history " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
