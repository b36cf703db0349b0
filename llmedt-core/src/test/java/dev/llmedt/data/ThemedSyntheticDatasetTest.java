package dev.llmedt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The themed synthetic dataset: deterministic for a seed, readable titles grouped in themes shared
 * by both domains, imbalanced users, a sparse Kitchen domain, and Kitchen choices that follow the
 * user's Food themes (the signal the encoder and the augmenter can use).
 */
class ThemedSyntheticDatasetTest {

    private static final CdsrDataset DATA = SyntheticDataset.themed(42);

    @Test
    void sameSeedSameDataDifferentSeedDifferentData() {
        CdsrDataset again = SyntheticDataset.themed(42);
        assertEquals(DATA.fingerprint(), again.fingerprint());
        for (int i = 0; i < DATA.items().size(); i++) {
            assertEquals(DATA.items().item(i), again.items().item(i));
        }
        assertEquals(DATA.test(), again.test());
        assertNotEquals(DATA.fingerprint(), SyntheticDataset.themed(43).fingerprint());
    }

    @Test
    void itemsHaveDistinctTitlesAndThemesSharedByBothDomains() {
        SyntheticDataset.ThemedOptions o = SyntheticDataset.ThemedOptions.defaults(42);
        assertEquals(SyntheticDataset.themes().size() * (o.foodPerTheme() + o.kitchenPerTheme()), DATA.items().size());
        Set<String> titles = new HashSet<>();
        Map<String, Set<String>> domainsByTheme = new HashMap<>();
        for (int i = 0; i < DATA.items().size(); i++) {
            Item item = DATA.items().item(i);
            assertTrue(titles.add(item.title()), () -> "title used twice: " + item.title());
            String theme = item.text().get(SyntheticDataset.THEME);
            assertTrue(SyntheticDataset.themes().contains(theme), () -> "unknown theme " + theme);
            domainsByTheme.computeIfAbsent(theme, t -> new HashSet<>()).add(DATA.items().domainOf(i).name());
        }
        for (String theme : SyntheticDataset.themes()) {
            assertEquals(Set.of("Food", "Kitchen"), domainsByTheme.get(theme), theme);
        }
    }

    @Test
    void mostUsersAreImbalancedAndKitchenIsSparse() {
        long[] histogram = DatasetStatistics.majorityShareHistogram(DATA.items(), DATA.train().stream().map(UserSequence::items).toList());
        long users = Arrays.stream(histogram).sum();
        // Bins 8 and 9: a majority share of at least 0.8, i.e. a minor domain below 20% (the augmenter's default threshold).
        double imbalanced = (histogram[8] + histogram[9]) / (double) users;
        assertTrue(imbalanced > 0.8 && imbalanced < 0.99, "share of imbalanced training users " + imbalanced);
        long[] interactions = new long[2];
        Map<Integer, Integer> perItem = new HashMap<>();
        for (UserSequence s : DATA.train()) {
            for (int item : s.items().toArray()) {
                interactions[DATA.items().domainOf(item).index()]++;
                perItem.merge(item, 1, Integer::sum);
            }
        }
        double kitchenShare = interactions[1] / (double) (interactions[0] + interactions[1]);
        assertTrue(kitchenShare > 0.05 && kitchenShare < 0.2, "Kitchen share of training interactions " + kitchenShare);
        double foodPerItem = interactions[0] / (double) DATA.domains().get(0).size();
        double kitchenPerItem = interactions[1] / (double) DATA.domains().get(1).size();
        assertTrue(kitchenPerItem * 3 < foodPerItem, "interactions per item: Food " + foodPerItem + ", Kitchen " + kitchenPerItem);
        // Sparse but learnable: every item is seen in training.
        assertEquals(DATA.items().size(), perItem.size());
    }

    @Test
    void heldOutTargetsAlternateDomainsAreNewAndKitchenTargetsFollowTheUsersFoodThemes() {
        for (List<EvaluationCase> cases : List.of(DATA.valid(), DATA.test())) {
            int kitchenTargets = 0;
            int sameTheme = 0;
            int withFood = 0;
            for (int u = 0; u < cases.size(); u++) {
                EvaluationCase c = cases.get(u);
                assertEquals(u % 2, DATA.items().domainOf(c.target()).index(), "target domain of case " + u);
                assertFalse(c.input().contains(c.target()), "target in the input of case " + u);
                if (u % 2 == 1) {
                    kitchenTargets++;
                    List<String> foodThemes = new ArrayList<>();
                    for (int item : c.input().toArray()) {
                        if (DATA.items().domainOf(item).index() == 0) {
                            foodThemes.add(DATA.items().item(item).text().get(SyntheticDataset.THEME));
                        }
                    }
                    if (!foodThemes.isEmpty()) {
                        withFood++;
                        if (foodThemes.contains(DATA.items().item(c.target()).text().get(SyntheticDataset.THEME))) {
                            sameTheme++;
                        }
                    }
                }
            }
            assertEquals(cases.size() / 2, kitchenTargets);
            // With eight themes a random Kitchen target would share a theme with a user's Food items far less often.
            double share = sameTheme / (double) withFood;
            assertTrue(share > 0.8, "Kitchen targets in one of the user's Food themes: " + share);
        }
    }

    @Test
    void optionsAreValidatedWithTheParameterName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SyntheticDataset.ThemedOptions(1, 5, 30, 10, 10, 10, 10, 10));
        assertEquals("foodPerTheme must be in [6, 600], got 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SyntheticDataset.ThemedOptions(1, 6, 6, 10, 10, 0, 0, 10));
        assertTrue(e.getMessage().startsWith("foodHeavyUsers + balancedUsers must be at least 1"), e.getMessage());
    }

    @Test
    void generateIsUnchanged() {
        // The plain generator keeps its own items (golden files depend on it): the themed one is beside it.
        assertEquals("synthetic-food-kitchen", SyntheticDataset.generate(42).name());
        assertEquals(384, SyntheticDataset.generate(42).items().size());
    }
}
