package dev.llmedt.dualphase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.engine.ItemTower;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.ScoredItem;
import dev.llmedt.testing.HashingEncoder;
import dev.llmedt.testing.SyntheticModels;
import dev.llmedt.text.ItemTextTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Items added to a trained model from their text, without retraining. */
class NewItemsTest {

    private static final HashingEncoder ENCODER = new HashingEncoder(48); // the encoder of SyntheticModels.embeddings()

    private static String text(int item) {
        return ItemTextTemplate.titles().render(SyntheticModels.DATA.items(), item);
    }

    /** A history and the best item of the domain for it (the item whose copy is added). */
    private record Case(History history, int best) {
    }

    private static Case caseFor(LlmEdtModel model, Domain domain) {
        EvaluationCase c = SyntheticModels.DATA.test().stream().filter(e -> domain.contains(e.target())).findFirst().orElseThrow();
        return new Case(c.input(), model.recommend(c.input(), domain, 1).get(0).item());
    }

    @Test
    void aCopyOfAnItemsTextScoresAsTheItemAndIsRecommendedNextToIt() {
        LlmEdtModel model = SyntheticModels.llmEdtTextItems();
        Domain kitchen = SyntheticModels.DATA.domain("Kitchen");
        Case c = caseFor(model, kitchen);
        LlmEdtModel grown = model.withNewItems(kitchen, List.of(text(c.best())), ENCODER);
        Domain grownKitchen = grown.domains().get(kitchen.index());
        assertEquals(kitchen.size() + 1, grownKitchen.size());
        assertEquals(model.domains().get(0), grown.domains().get(0));
        int copy = kitchen.endItem();

        float[] before = new float[kitchen.size()];
        float[] after = new float[grownKitchen.size()];
        model.score(c.history(), kitchen, before);
        grown.score(c.history(), grownKitchen, after);
        assertEquals(after[c.best() - kitchen.firstItem()], after[copy - kitchen.firstItem()], 0f, "the copy scores as the original");
        for (int i = 0; i < before.length; i++) {
            assertEquals(before[i], after[i], 0f, "old item " + (kitchen.firstItem() + i));
        }
        List<ScoredItem> top = grown.recommend(c.history(), grownKitchen, 10);
        assertEquals(List.of(c.best(), copy), List.of(top.get(0).item(), top.get(1).item()), "equal scores: the smaller id first");
    }

    @Test
    void itemsAddedToTheFirstDomainMoveTheLaterDomainsIds() {
        LlmEdtModel model = SyntheticModels.llmEdtTextItems();
        Domain food = SyntheticModels.DATA.domain("Food");
        Domain kitchen = SyntheticModels.DATA.domain("Kitchen");
        Case c = caseFor(model, food);
        LlmEdtModel grown = model.withNewItems(food, List.of(text(c.best()), text(c.best() + 1 == food.endItem() ? 0 : c.best() + 1)),
                ENCODER);
        Domain grownKitchen = grown.domains().get(kitchen.index());
        assertEquals(kitchen.firstItem() + 2, grownKitchen.firstItem());
        int[] shifted = c.history().toArray();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += kitchen.contains(shifted[i]) ? 2 : 0;
        }
        float[] before = new float[kitchen.size()];
        float[] after = new float[grownKitchen.size()];
        model.score(c.history(), kitchen, before);
        grown.score(History.of(shifted), grownKitchen, after);
        assertArrayEquals(before, after, 0f);
        float[] foodScores = new float[food.size() + 2];
        grown.score(History.of(shifted), grown.domains().get(food.index()), foodScores);
        assertEquals(foodScores[c.best() - food.firstItem()], foodScores[food.size()], 0f);
    }

    @Test
    void aHybridModelsNewItemIsTheTextPartOfItsOriginal() {
        LlmEdtModel model = SyntheticModels.llmEdt();
        Domain kitchen = SyntheticModels.DATA.domain("Kitchen");
        int original = kitchen.firstItem() + 5;
        LlmEdtModel grown = model.withNewItems(kitchen, List.of(text(original)), ENCODER);
        float[] items = grown.tensor(SasRecNetwork.ITEMS).data();
        float[] ids = model.tensor(ItemTower.ID_TABLE).data();
        int d = model.config().backbone().dim();
        int newRow = kitchen.endItem() + 1;
        for (int f = 0; f < d; f++) {
            assertEquals(items[(original + 1) * d + f], items[newRow * d + f] + ids[(original + 1) * d + f], 1e-5, "feature " + f);
        }
        assertEquals(kitchen.size() + 2, grown.tensor(ItemTower.ID_TABLE).shape()[0] - SyntheticModels.DATA.domain("Food").size(),
                "the ID table grows with the items (a zero row)");
    }

    @Test
    void theGrownModelSavesAndLoads(@TempDir Path dir) throws IOException {
        LlmEdtModel model = SyntheticModels.llmEdtTextItems();
        Domain kitchen = SyntheticModels.DATA.domain("Kitchen");
        LlmEdtModel grown = model.withNewItems(kitchen, List.of(text(kitchen.firstItem())), ENCODER);
        grown.save(dir.resolve("grown.model"));
        LlmEdtModel loaded = LlmEdtModel.load(dir.resolve("grown.model"));
        assertEquals(grown.domains(), loaded.domains());
        assertEquals(1, loaded.provenance().at("/added_items").size());
        History h = SyntheticModels.DATA.test().get(0).input();
        float[] a = new float[kitchen.size() + 1];
        float[] b = new float[kitchen.size() + 1];
        grown.score(h, grown.domains().get(1), a);
        loaded.score(h, loaded.domains().get(1), b);
        assertArrayEquals(a, b, 0f);
    }

    @Test
    void badNewItemsAreRejectedNamingTheProblem() {
        LlmEdtModel model = SyntheticModels.llmEdtTextItems();
        Domain kitchen = SyntheticModels.DATA.domain("Kitchen");
        String wrongEncoder = assertThrows(IllegalArgumentException.class,
                () -> model.withNewItems(kitchen, List.of("a pan"), new HashingEncoder(48, "other-model"))).getMessage();
        assertTrue(wrongEncoder.contains("other-model") && wrongEncoder.contains("hashing-48"), wrongEncoder);
        String blank = assertThrows(IllegalArgumentException.class, () -> model.withNewItems(kitchen, List.of("a pan", " "), ENCODER))
                .getMessage();
        assertTrue(blank.contains("text 1"), blank);
        String width = assertThrows(IllegalArgumentException.class, () -> model.withNewItems(kitchen, new float[][] {new float[47]}))
                .getMessage();
        assertTrue(width.contains("47") && width.contains("48"), width);
        String zero = assertThrows(IllegalArgumentException.class, () -> model.withNewItems(kitchen, new float[][] {new float[48]}))
                .getMessage();
        assertTrue(zero.contains("zero"), zero);
        String none = assertThrows(IllegalArgumentException.class, () -> model.withNewItems(kitchen, new float[0][])).getMessage();
        assertTrue(none.contains("at least one"), none);
        Domain foreign = new Domain(1, "Books", kitchen.firstItem(), kitchen.size());
        String domain = assertThrows(IllegalArgumentException.class, () -> model.withNewItems(foreign, List.of("a book"), ENCODER))
                .getMessage();
        assertTrue(domain.contains("Books"), domain);
    }
}
