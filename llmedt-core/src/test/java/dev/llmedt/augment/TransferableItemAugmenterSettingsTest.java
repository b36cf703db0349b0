package dev.llmedt.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.augment.TransferableItemAugmenter.Builder;
import dev.llmedt.augment.TransferableItemAugmenter.Settings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/**
 * The settings and their builder over a matrix of options: every option accepts both ends of its
 * range and rejects the values just outside it, at once, naming the option, the value and the
 * range, and leaves the builder as it was.
 */
class TransferableItemAugmenterSettingsTest {

    /** An int option: its name in messages, its range, its setter and where it shows (null: not a setting). */
    private record IntOption(String name, int min, int max, BiConsumer<Builder, Integer> set, ToIntFunction<Settings> get) {
    }

    private static final List<IntOption> INT_OPTIONS = List.of(
            new IntOption("clusters", 1, 100_000, Builder::clusters, Settings::clusters),
            new IntOption("maxUsers", 0, Integer.MAX_VALUE, Builder::maxUsers, Settings::maxUsers),
            new IntOption("maxInsertionsPerUser", 1, 1000, Builder::maxInsertionsPerUser, Settings::maxInsertionsPerUser),
            new IntOption("kMeansIterations", 1, 1000, Builder::kMeansIterations, Settings::kMeansIterations),
            new IntOption("promptItems", 1, 1000, Builder::promptItems, Settings::promptItems),
            new IntOption("maxInsertionsPerBridgeItem", 1, Integer.MAX_VALUE, Builder::maxInsertionsPerBridgeItem,
                    Settings::maxInsertionsPerBridgeItem),
            new IntOption("threads", 1, 256, Builder::threads, null),
            new IntOption("generatorConcurrency", 1, 256, Builder::generatorConcurrency, null));

    private static final Settings DEFAULTS = TransferableItemAugmenter.builder().build().settings();

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        assertEquals(new Settings(64, 0.5, 0.2, InsertionStrategy.AFTER_SOURCE, Integer.MAX_VALUE, 5, false, 42, 20, 30,
                TransferableItemAugmenter.DEFAULT_PROMPT, BridgeScoring.TEXT, Integer.MAX_VALUE, 1.0), DEFAULTS);
        assertTrue(!TransferableItemAugmenter.builder().build().usesGenerator());
    }

    @Test
    void everyIntOptionAcceptsItsRangeAndRejectsJustOutsideIt() {
        for (IntOption o : INT_OPTIONS) {
            for (int ok : new int[] {o.min(), o.max()}) {
                Builder b = TransferableItemAugmenter.builder();
                o.set().accept(b, ok);
                if (o.get() != null) {
                    assertEquals(ok, o.get().applyAsInt(b.build().settings()), o.name());
                }
            }
            List<Long> outside = o.max() == Integer.MAX_VALUE ? List.of((long) o.min() - 1, (long) Integer.MIN_VALUE)
                    : List.of((long) o.min() - 1, (long) o.max() + 1);
            for (long bad : outside) {
                Builder b = TransferableItemAugmenter.builder();
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.set().accept(b, (int) bad), o.name());
                assertEquals(o.name() + " must be in [" + o.min() + ", " + o.max() + "], got " + bad, e.getMessage());
                assertEquals(DEFAULTS, b.build().settings(), "a rejected " + o.name() + " leaves the builder as it was");
            }
        }
    }

    @Test
    void theSimilarityThresholdIsACosine() {
        for (double tau : new double[] {-1, 0, 1}) {
            assertEquals(tau, TransferableItemAugmenter.builder().similarityThreshold(tau).build().settings().similarityThreshold());
        }
        for (double bad : new double[] {-1.0001, 1.0001, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TransferableItemAugmenter.builder().similarityThreshold(bad));
            assertEquals("similarityThreshold (tau) must be in [-1.0, 1.0], got " + bad, e.getMessage());
        }
    }

    @Test
    void theMinorShareIsAPositiveShare() {
        for (double share : new double[] {1e-9, 0.5, 1}) {
            assertEquals(share, TransferableItemAugmenter.builder().minorShareThreshold(share).build().settings().minorShareThreshold());
        }
        for (double bad : new double[] {0, -0.1, 1.0001, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TransferableItemAugmenter.builder().minorShareThreshold(bad));
            assertEquals("minorShareThreshold must be in (0.0, 1.0], got " + bad, e.getMessage());
        }
    }

    @Test
    void missingObjectsAreNamed() {
        Builder b = TransferableItemAugmenter.builder();
        assertEquals("insertion", assertThrows(NullPointerException.class, () -> b.insertion(null)).getMessage());
        assertEquals("settings", assertThrows(NullPointerException.class, () -> b.settings(null)).getMessage());
        assertEquals("generator", assertThrows(NullPointerException.class, () -> b.generator(null, null)).getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.promptTemplate("{count} only"));
        assertTrue(e.getMessage().contains("promptTemplate") && e.getMessage().contains("{items}"), e.getMessage());
    }

    @Test
    void theSettingsRecordChecksWhatTheBuilderChecks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Settings(0, 0.5, 0.2,
                InsertionStrategy.APPEND, 1, 1, false, 1, 1, 1, "{items}"));
        assertEquals("clusters must be in [1, 100000], got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Settings(1, 2, 0.2, InsertionStrategy.APPEND, 1, 1, false, 1, 1, 1,
                "{items}"));
        assertEquals("similarityThreshold (tau) must be in [-1.0, 1.0], got 2.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Settings(1, 0.5, 0.2, InsertionStrategy.APPEND, 1, 1001, false, 1, 1,
                1, "{items}"));
        assertEquals("maxInsertionsPerUser must be in [1, 1000], got 1001", e.getMessage());
        assertThrows(NullPointerException.class, () -> new Settings(1, 0.5, 0.2, null, 1, 1, false, 1, 1, 1, "{items}"));
        assertThrows(IllegalArgumentException.class, () -> new Settings(1, 0.5, 0.2, InsertionStrategy.APPEND, 1, 1, false, 1, 1, 1, "x"));
    }

    @Test
    void bridgesCapAndInsertedTargetWeightRoundTripAndOldFilesReadAsBefore() throws Exception {
        Settings settings = TransferableItemAugmenter.builder().bridges(BridgeScoring.BEHAVIOUR).maxInsertionsPerBridgeItem(50)
                .insertedItemsAreTargets(true).insertedTargetWeight(0.25).build().settings();
        assertEquals("behaviour", settings.toMap().get("bridges"));
        assertEquals(50, settings.toMap().get("max_insertions_per_bridge_item"));
        assertEquals(0.25, settings.toMap().get("inserted_target_weight"));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<String, Object> parsed = json.readValue(json.writeValueAsString(settings.toMap()),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
        assertEquals(settings, Settings.fromMap(parsed));
        assertEquals(settings, TransferableItemAugmenter.builder().settings(settings).build().settings());

        // A file written before these settings existed: text bridges, no cap, weight 1.
        Map<String, Object> old = new HashMap<>(DEFAULTS.toMap());
        old.remove("bridges");
        old.remove("max_insertions_per_bridge_item");
        old.remove("inserted_target_weight");
        Settings read = Settings.fromMap(old);
        assertEquals(DEFAULTS, read);
        assertEquals(BridgeScoring.TEXT, read.bridges());
        assertEquals(Integer.MAX_VALUE, read.maxInsertionsPerBridgeItem());
        assertEquals(1.0, read.insertedTargetWeight());

        Map<String, Object> bad = new HashMap<>(parsed);
        bad.put("bridges", "graph");
        assertEquals("bridges must be text, csls or behaviour, got 'graph'",
                assertThrows(IllegalArgumentException.class, () -> Settings.fromMap(bad)).getMessage());
    }

    @Test
    void theInsertedTargetWeightIsAWeightOfTargets() {
        for (double w : new double[] {0, 0.5, 1}) {
            assertEquals(w, TransferableItemAugmenter.builder().insertedItemsAreTargets(true).insertedTargetWeight(w).build().settings()
                    .insertedTargetWeight());
        }
        for (double bad : new double[] {-0.01, 1.01, Double.NaN}) {
            Builder b = TransferableItemAugmenter.builder();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.insertedTargetWeight(bad));
            assertEquals("insertedTargetWeight must be in [0.0, 1.0], got " + bad, e.getMessage());
            assertEquals(DEFAULTS, b.build().settings());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TransferableItemAugmenter.builder().insertedTargetWeight(0.5).build());
        assertTrue(e.getMessage().contains("insertedTargetWeight 0.5") && e.getMessage().contains("insertedItemsAreTargets(true)"),
                e.getMessage());
    }

    @Test
    void theSettingsMapHasTheKeysThatFilesOnDiskRecord() {
        // Model files (provenance "augmentation.settings") and the augment command's JSON record these keys: never rename them.
        assertEquals(List.of("clusters", "tau", "minor_share_threshold", "insertion", "max_users", "max_insertions_per_user",
                "inserted_items_are_targets", "seed", "kmeans_iterations", "prompt_items", "prompt_template", "bridges",
                "max_insertions_per_bridge_item", "inserted_target_weight"), List.copyOf(DEFAULTS.toMap().keySet()));
        assertEquals("after-source", DEFAULTS.toMap().get("insertion"));
        Map<String, Object> map = new HashMap<>(DEFAULTS.toMap());
        map.put("max_insertions_per_user", 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Settings.fromMap(map));
        assertTrue(e.getMessage().contains("maxInsertionsPerUser") && e.getMessage().contains("0"), e.getMessage());
        map.put("max_insertions_per_user", 2.5);
        e = assertThrows(IllegalArgumentException.class, () -> Settings.fromMap(map));
        assertTrue(e.getMessage().contains("max_insertions_per_user"), e.getMessage());
    }
}
