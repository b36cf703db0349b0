package dev.llmedt.sasrec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.engine.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model scores one user with weight snapshots; after its parameters change (a training-time view)
 * and {@link SasRecModel#parametersChanged} is called, it scores with the new weights.
 */
class SasRecModelSnapshotTest {

    @Test
    void scoresFollowParameterChangesAnnouncedByParametersChanged(@TempDir Path dir) throws IOException {
        CdsrDataset data = SyntheticDataset.generate(new SyntheticDataset.Options(2, 8, 100, 100, 100, 30));
        SasRecModel trained = new SasRecTrainer(SasRecConfig.builder().dim(16).maxLength(10).maxEpochs(1).threads(1).build(),
                TrainingListener.none()).train(data);
        Path file = dir.resolve("m.llmedt");
        trained.save(file);
        SasRecModel view = SasRecModel.load(file);
        Domain d = data.domains().get(1);
        History h = History.of(3, 100, 17, 5, 42);
        float[] before = scores(view, h, d);

        for (String name : new String[] {"attn.0.in_proj_weight", "ff.1.w1.weight", "attn.1.out_proj.weight"}) {
            Parameter p = view.parameters().get(name);
            for (float[] row : p.value()) {
                for (int c = 0; c < row.length; c++) {
                    row[c] = row[c] * 1.5f + 0.01f;
                }
            }
        }
        view.parametersChanged();
        float[] after = scores(view, h, d);
        SasRecModel fresh = new SasRecModel(view.config(), view.domains(), view.parameters(), view.provenance());
        assertArrayEquals(scores(fresh, h, d), after, "scores after parametersChanged must be those of a new model over the parameters");
        assertFalse(Arrays.equals(before, after), "the changed weights must change the scores");
    }

    private static float[] scores(SasRecModel m, History h, Domain d) {
        float[] s = new float[d.size()];
        m.score(h, d, s);
        return s;
    }
}
