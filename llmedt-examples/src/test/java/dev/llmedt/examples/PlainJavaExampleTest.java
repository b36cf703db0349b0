package dev.llmedt.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.LlmEdtModel;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.eval.ScoredItem;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain Java example runs end to end: the builder trains, the model evaluates, recommends, saves and loads. */
class PlainJavaExampleTest {

    @Test
    void theExampleRunsAndItsModelLoadsBack(@TempDir Path dir) throws Exception {
        CdsrDataset data = SyntheticDataset.generate(42);
        PlainJavaExample.Outcome outcome = PlainJavaExample.run(data, 3, dir.resolve("example.llmedt"));
        double hr = outcome.test().overall().hitRate(10);
        assertTrue(hr >= 0 && hr <= 1 && Double.isFinite(outcome.test().overall().ndcg(10)), "HR@10 " + hr);
        assertEquals(data.test().size(), outcome.test().ranks().length);
        assertEquals(5, outcome.recommended().size());
        EvaluationCase user = data.test().get(0);
        for (ScoredItem s : outcome.recommended()) {
            assertEquals(data.items().domainOf(user.target()), data.items().domainOf(s.item()), "recommended in the target's domain");
        }
        LlmEdtModel loaded = LlmEdtModel.load(outcome.model());
        assertEquals(outcome.recommended(), loaded.recommend(user.input(), data.items().domainOf(user.target()), 5));
    }
}
