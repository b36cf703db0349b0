package dev.llmedt.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.ScoredItem;
import dev.llmedt.onnx.OnnxTextEncoder;
import dev.llmedt.testing.SharedData;
import dev.llmedt.text.TextCache;
import dev.llmedt.text.TextEncoder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plain Java example (the DESIGN.md sketch) runs end to end on synthetic data and on food-kitchen:
 * the builder trains, the model evaluates, recommends, saves and loads.
 */
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

    @Test
    void theExampleRunsOnFoodKitchen(@TempDir Path dir) throws Exception {
        CdsrDataset data = CdsrDataset.read(SharedData.foodKitchen());
        // The same cache as AugmentCommandTest's food-kitchen encoding: whichever runs first encodes the titles.
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "llmedt-test-cache", "food-kitchen");
        PlainJavaExample.Outcome outcome;
        try (TextEncoder encoder = OnnxTextEncoder.embeddedDefault()) {
            outcome = PlainJavaExample.run(data, TextCache.open(cache).cached(encoder), 1, dir.resolve("fk.llmedt"));
        }
        assertEquals(937, outcome.test().ranks().length, "every food-kitchen test user is ranked");
        double hr = outcome.test().overall().hitRate(10);
        double chance = 0; // HR@10 of a random order: 10 / (the target domain's items less the user's own)
        for (EvaluationCase c : data.test()) {
            Domain d = data.items().domainOf(c.target());
            chance += 10.0 / (d.size() - c.input().countIn(d)) / data.test().size();
        }
        // One epoch per phase is far from trained (about a tenth of the default run's HR@10), but well above chance.
        assertTrue(hr > 4 * chance, "HR@10 " + hr + " after one epoch per phase; chance " + chance);
        LlmEdtModel loaded = LlmEdtModel.load(outcome.model());
        assertEquals("food-kitchen", loaded.provenance().at("/dataset").asText());
        EvaluationCase user = data.test().get(0);
        assertEquals(outcome.recommended(), loaded.recommend(user.input(), data.items().domainOf(user.target()), 5));
    }
}
