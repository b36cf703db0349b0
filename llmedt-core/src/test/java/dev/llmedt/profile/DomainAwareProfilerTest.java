package dev.llmedt.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.engine.WorkerPool;
import dev.llmedt.testing.HashingEncoder;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.TextCache;
import dev.llmedt.text.TextEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline (extractive) profiler on a hand-made catalog whose profiles can be worked out by hand. */
class DomainAwareProfilerTest {

    private static final ItemCatalog CATALOG = ProfileFixtures.catalog();
    private static final ItemEmbeddings EMBEDDINGS = ProfileFixtures.embeddings();

    private static UserProfiles profile(DomainAwareProfiler profiler, History... histories) {
        return profiler.profile(CATALOG, EMBEDDINGS, List.of(histories));
    }

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "'" + e.getMessage() + "' should name " + p);
        }
    }

    /*
     * idf over the 9 titles: ln(10 / (1 + df)) + 1, so 2.609 for a term in one title, 2.204 in two,
     * 1.916 in three ("coffee"). The user below has 6 Food items (one without title) and 2 Kitchen
     * items: 75% and 25%. Three clusters: coffee {0, 1, 2} (latest position 4), tea {3, 4} (5),
     * grinders {6, 7} (6). Top 3 terms: coffee beans 4.41, espresso 4.41, roast 4.41; tea: green
     * 4.41, tea 4.41, then jasmine 2.61 (ties by term, before matcha and powder); grinders: burr
     * 4.41, grinder 4.41, manual 2.61. T = 6 + 3 = 9 terms: Food gets round(9 x 0.75) = 7, capped
     * at its 6; Kitchen round(9 x 0.25) = 2 of its 3. Food's clusters, most recent first: tea, coffee.
     */
    @Test
    void extractiveProfileOfAHandMadeUser() {
        DomainAwareProfiler profiler = DomainAwareProfiler.builder().clusters(3).termsPerCluster(3).build();
        UserProfiles p = profile(profiler, History.of(0, 3, 1, 6, 2, 4, 7, 5));
        assertEquals("Food (75% of items): green, tea, jasmine; beans, espresso, roast. Kitchen (25% of items): burr, grinder.",
                p.text(0));
        assertEquals(3, p.report().clusters());
    }

    @Test
    void defaultsOnTheSameUserKeepFiveTermsPerCluster() {
        UserProfiles p = profile(DomainAwareProfiler.builder().build(), History.of(0, 3, 1, 6, 2, 4, 7, 5));
        // T = 10 Food + 4 Kitchen; Food round(10.5) = 11 capped at 10, Kitchen round(3.5) = 4.
        assertEquals("Food (75% of items): green, tea, jasmine, matcha, powder; beans, espresso, roast, coffee, arabica. "
                + "Kitchen (25% of items): burr, grinder, manual, coffee.", p.text(0));
    }

    @Test
    void domainsWithoutTitlesStillShowTheirShare() {
        DomainAwareProfiler profiler = DomainAwareProfiler.builder().build();
        UserProfiles p = profile(profiler, History.of(5), History.of(5, 9), History.of(9, 5, 5, 5));
        assertEquals("Food (100% of items).", p.text(0));
        assertEquals("Food (50% of items). Kitchen (50% of items): chef, knife.", p.text(1), "equal shares: the lower domain first");
        assertEquals("Food (75% of items). Kitchen (25% of items): chef, knife.", p.text(2),
                "a domain without titles offers no terms, so the other gets all of its own");
        assertEquals(2, p.report().clusters(), "items without text are not clustered");
    }

    @Test
    void emptyHistoriesGetEmptyProfilesAndAreCounted() {
        UserProfiles p = profile(DomainAwareProfiler.builder().build(), History.empty(), History.of(9), History.empty());
        assertEquals(List.of("", "Kitchen (100% of items): chef, knife.", ""), p.texts());
        assertFalse(p.hasProfile(0));
        assertTrue(p.hasProfile(1));
        ProfileReport r = p.report();
        assertEquals(3, r.users());
        assertEquals(1, r.usersProfiled());
        assertEquals(2, r.usersWithoutProfile());
        assertEquals(0, r.generatorCalls());
        UserProfiles none = profile(DomainAwareProfiler.builder().build());
        assertEquals(0, none.size());
    }

    @Test
    void eachClusterKeepsItsLastItems() {
        // One cluster of the three coffee items; keeping the last 2 drops "Arabica Coffee Beans" (the oldest).
        History h = History.of(0, 1, 2);
        assertEquals("Food (100% of items): beans, espresso, roast.",
                profile(DomainAwareProfiler.builder().clusters(1).termsPerCluster(3).build(), h).text(0));
        assertEquals("Food (100% of items): espresso, roast, dark.",
                profile(DomainAwareProfiler.builder().clusters(1).termsPerCluster(3).itemsPerCluster(2).build(), h).text(0),
                "beans is now in one title only (2.20) and falls behind dark (2.61)");
        // Occurrences count as they come: the last two are items 2 and 0, one title each.
        assertEquals("Food (100% of items): arabica, dark, beans.",
                profile(DomainAwareProfiler.builder().clusters(1).termsPerCluster(3).itemsPerCluster(2).build(), History.of(0, 1, 2, 0))
                        .text(0), "arabica and dark 2.61, then beans, espresso and roast tie at 2.20 (by term)");
    }

    @Test
    void userClustersKeepTheLastOccurrencesInTimeOrder() {
        DomainAwareProfiler.Settings s = DomainAwareProfiler.builder().itemsPerCluster(2).build().settings();
        float[][] vectors = vectors();
        try (WorkerPool pool = new WorkerPool(1)) {
            UserClusters u = UserClusters.of(History.of(6, 0, 1, 7, 2, 0, 6, 5), CATALOG, vectors, 4, s, pool);
            assertEquals(8, u.length());
            assertEquals(5, u.count(0));
            assertEquals(3, u.count(1));
            assertEquals(2, u.clusters().size());
            UserClusters.Cluster grinders = u.clusters().get(0);
            assertEquals(6, grinders.latestPosition(), "most recent cluster first");
            assertArrayEquals(new int[] {7, 6}, grinders.items());
            assertEquals(1, grinders.domain());
            assertArrayEquals(new int[] {2, 0}, u.clusters().get(1).items());
            assertEquals("63%", u.percent(0));
            assertEquals(List.of(0, 1), u.domainsByShare());
        }
    }

    @Test
    void aClusterBelongsToItsMajorityDomainTiesToTheMostRecent() {
        // Items 3 (Food tea) and 8 (Kitchen teapot) put on the same axis: one cluster, two domains.
        float[][] vectors = vectors();
        vectors[8] = vectors[3];
        DomainAwareProfiler.Settings s = DomainAwareProfiler.Settings.defaults();
        try (WorkerPool pool = new WorkerPool(1)) {
            assertEquals(1, UserClusters.of(History.of(3, 8), CATALOG, vectors, 4, s, pool).clusters().get(0).domain());
            assertEquals(0, UserClusters.of(History.of(8, 3), CATALOG, vectors, 4, s, pool).clusters().get(0).domain());
            assertEquals(0, UserClusters.of(History.of(3, 3, 8), CATALOG, vectors, 4, s, pool).clusters().get(0).domain());
        }
    }

    @Test
    void sharesAreWholePercentagesThatNeverRoundToNothingOrEverything() {
        int[] items = new int[300];
        items[0] = 9;
        DomainAwareProfiler.Settings s = DomainAwareProfiler.Settings.defaults();
        try (WorkerPool pool = new WorkerPool(1)) {
            UserClusters u = UserClusters.of(History.of(items), CATALOG, vectors(), 4, s, pool);
            assertEquals(">99%", u.percent(0));
            assertEquals("<1%", u.percent(1));
            UserClusters thirds = UserClusters.of(History.of(0, 0, 9), CATALOG, vectors(), 4, s, pool);
            assertEquals("67%", thirds.percent(0));
            assertEquals("33%", thirds.percent(1));
        }
    }

    @Test
    void termsAreApportionedByDomainShare() {
        assertArrayEquals(new int[] {6, 2}, ExtractiveProfile.quotas(new int[] {6, 3}, new int[] {6, 2}));
        assertArrayEquals(new int[] {1, 2}, ExtractiveProfile.quotas(new int[] {10, 2}, new int[] {1, 9}),
                "a domain cannot use more than it offers, and its surplus is not handed on");
        assertArrayEquals(new int[] {5, 1}, ExtractiveProfile.quotas(new int[] {5, 5}, new int[] {99, 1}), "at least one term");
        assertArrayEquals(new int[] {0, 4}, ExtractiveProfile.quotas(new int[] {0, 4}, new int[] {5, 1}),
                "shares are over the domains that offer terms");
        assertArrayEquals(new int[] {0, 0, 0}, ExtractiveProfile.quotas(new int[] {0, 0, 0}, new int[] {1, 2, 3}));
        assertArrayEquals(new int[] {20, 13, 0}, ExtractiveProfile.quotas(new int[] {20, 20, 0}, new int[] {2, 1, 5}),
                "T = 40: round(40 x 2/3) = 27 capped at 20, round(40 x 1/3) = 13; the domain without terms has no share");
    }

    @Test
    void aDominantDomainWithManyTermsCrowdsOutAMinorOne() {
        float[][] vectors = vectors();
        // 7 Food items in two clusters (coffee, 5 occurrences; tea), 1 Kitchen: T = 10 + 3 = 13; Kitchen round(13/8) = 2
        // of its 3 terms. In the coffee cluster tf counts occurrences: beans 4 x 2.20, coffee 4 x 1.92, espresso and roast 3 x 2.20.
        UserProfiles p = DomainAwareProfiler.builder().termsPerCluster(5).build().profile(CATALOG, vectors, 4, "axes",
                List.of(History.of(0, 1, 2, 3, 4, 0, 1, 7)), ProgressListener.none());
        assertEquals("Food (88% of items): beans, coffee, espresso, roast, arabica; green, tea, jasmine, matcha, powder. "
                + "Kitchen (13% of items): manual, burr.", p.text(0));
    }

    @Test
    void profilesAreCutAtTheLimit() {
        UserProfiles p = profile(DomainAwareProfiler.builder().maxProfileChars(30).build(), History.of(0, 3, 1, 6, 2, 4, 7, 5));
        assertEquals("Food (75% of items): green,...", p.text(0));
        assertTrue(p.text(0).length() <= 30);
    }

    @Test
    void theSameInputGivesTheSameProfilesWhateverTheThreadsAndTheOrderOfUsers() {
        ItemCatalog catalog = ProfileFixtures.randomCatalog(7, 60);
        ItemEmbeddings embeddings = ProfileFixtures.randomEmbeddings(catalog, 8);
        List<History> users = ProfileFixtures.randomHistories(catalog, 9, 1500, 30);
        List<String> one = DomainAwareProfiler.builder().threads(1).build().profile(catalog, embeddings, users).texts();
        List<String> three = DomainAwareProfiler.builder().threads(3).build().profile(catalog, embeddings, users).texts();
        assertEquals(one, three);
        List<History> reversed = new ArrayList<>(users);
        Collections.reverse(reversed);
        List<String> back = new ArrayList<>(DomainAwareProfiler.builder().threads(2).build().profile(catalog, embeddings, reversed)
                .texts());
        Collections.reverse(back);
        assertEquals(one, back, "a user's profile does not depend on their place in the list");
        List<String> otherSeed = DomainAwareProfiler.builder().seed(43).build().profile(catalog, embeddings, users).texts();
        assertEquals(one.size(), otherSeed.size());
    }

    @Test
    void progressIsReportedUpToTheTotal() {
        ItemCatalog catalog = ProfileFixtures.randomCatalog(1, 20);
        List<History> users = ProfileFixtures.randomHistories(catalog, 2, 600, 5);
        List<long[]> seen = new CopyOnWriteArrayList<>();
        DomainAwareProfiler.builder().threads(2).build().profile(catalog, ProfileFixtures.randomEmbeddings(catalog, 3), users,
                (task, done, total) -> seen.add(new long[] {done, total}));
        assertEquals(600, seen.stream().mapToLong(s -> s[0]).max().orElseThrow());
        assertTrue(seen.stream().allMatch(s -> s[1] == 600 && s[0] <= 600));
    }

    @Test
    void badInputIsRejectedWithNames() {
        DomainAwareProfiler profiler = DomainAwareProfiler.builder().build();
        ItemEmbeddings wrong = ItemEmbeddings.of(new float[4 * 3], 3, 4, "small", "{title}");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> profiler.profile(CATALOG, wrong, List.of(History.of(1)))),
                "3 rows", "10 items");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> profile(profiler, History.of(1), History.of(2, 10))),
                "user 1", "item 10", "0..9");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> profile(profiler, History.of(-3))), "user 0", "item -3");
        List<History> withNull = new ArrayList<>();
        withNull.add(History.of(1));
        withNull.add(null);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> profiler.profile(CATALOG, EMBEDDINGS, withNull)), "user 1");
        float[][] vectors = vectors();
        vectors[3] = new float[] {Float.NaN, 0, 0, 0};
        assertMessage(assertThrows(IllegalArgumentException.class, () -> profiler.profile(CATALOG, vectors, 4, "m",
                List.of(History.of(0), History.of(1, 3)), ProgressListener.none())), "item 3", "Matcha", "NaN");
        vectors[3] = new float[] {Float.POSITIVE_INFINITY, 0, 0, 0};
        assertMessage(assertThrows(IllegalArgumentException.class, () -> profiler.profile(CATALOG, vectors, 4, "m",
                List.of(History.of(3)), ProgressListener.none())), "item 3", "infinite");
        vectors[3] = new float[] {1, 0, 0};
        assertMessage(assertThrows(IllegalArgumentException.class, () -> profiler.profile(CATALOG, vectors, 4, "m",
                List.of(History.of(3)), ProgressListener.none())), "item 3", "length 3");
        vectors[3] = new float[] {Float.NaN, 0, 0, 0};
        assertEquals(1, profiler.profile(CATALOG, vectors, 4, "m", List.of(History.of(0)), ProgressListener.none()).size(),
                "an unused vector is not checked");
    }

    @Test
    void builderChecksEachOptionAtOnce() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> DomainAwareProfiler.builder().clusters(0)), "clusters",
                "[1, 1000]", "0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> DomainAwareProfiler.builder().itemsPerCluster(-1)),
                "itemsPerCluster", "-1");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> DomainAwareProfiler.builder().termsPerCluster(101)),
                "termsPerCluster", "[1, 100]", "101");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> DomainAwareProfiler.builder().maxProfileChars(19)),
                "maxProfileChars", "[20, 1000000]", "19");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> DomainAwareProfiler.builder().threads(0)), "threads");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> DomainAwareProfiler.builder().kMeansIterations(0)),
                "kMeansIterations");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> DomainAwareProfiler.builder().generatorConcurrency(0)),
                "generatorConcurrency");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> DomainAwareProfiler.builder().summarizeTemplate("no items")),
                "summarizeTemplate", "{items}");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> DomainAwareProfiler.builder().reformTemplate("{summaries}")),
                "reformTemplate", "{ratio}");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> DomainAwareProfiler.builder().analyzeTemplate("{ratios}")),
                "analyzeTemplate", "{domains}");
        assertThrows(NullPointerException.class, () -> DomainAwareProfiler.builder().generator(null));

        // Setting an option again replaces it, settings(...) included (LlmEdt sets the run's seed first).
        assertEquals(5, DomainAwareProfiler.builder().clusters(4).clusters(5).build().settings().clusters());
        assertEquals(10, DomainAwareProfiler.builder().clusters(4).settings(DomainAwareProfiler.Settings.defaults()).build()
                .settings().clusters());
        assertEquals(3, DomainAwareProfiler.builder().settings(DomainAwareProfiler.Settings.defaults()).termsPerCluster(3).build()
                .settings().termsPerCluster());
        assertMessage(assertThrows(IllegalStateException.class, () -> DomainAwareProfiler.builder().generatorConcurrency(2).build()),
                "generatorConcurrency", "no generator");
        DomainAwareProfiler defaults = DomainAwareProfiler.builder().build();
        assertFalse(defaults.usesGenerator());
        DomainAwareProfiler.Settings s = defaults.settings();
        assertEquals(10, s.clusters());
        assertEquals(15, s.itemsPerCluster());
        assertEquals(5, s.termsPerCluster());
        assertEquals(1000, s.maxProfileChars());
        assertEquals(DomainAwareProfiler.DEFAULT_SUMMARIZE_TEMPLATE, s.summarizeTemplate());
    }

    @Test
    void settingsRoundTripThroughJson() throws Exception {
        DomainAwareProfiler.Settings settings = DomainAwareProfiler.builder().clusters(7).itemsPerCluster(9).termsPerCluster(3)
                .maxProfileChars(500).seed(-12345678901L).kMeansIterations(11).summarizeTemplate("S {items} {domain}")
                .reformTemplate("R {summaries} {ratio}").analyzeTemplate("A {domains}").build().settings();
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> parsed = json.readValue(json.writeValueAsString(settings.toMap()), new TypeReference<Map<String, Object>>() {
        });
        assertEquals(settings, DomainAwareProfiler.Settings.fromMap(parsed));
        assertEquals(settings, DomainAwareProfiler.builder().settings(DomainAwareProfiler.Settings.fromMap(parsed)).build().settings());

        Map<String, Object> bad = new HashMap<>(parsed);
        bad.put("clusters", 0);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> DomainAwareProfiler.Settings.fromMap(bad)), "clusters", "0");
        bad.put("clusters", 2.5);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> DomainAwareProfiler.Settings.fromMap(bad)), "clusters",
                "whole number");
        bad.put("clusters", 3);
        bad.remove("reform_template");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> DomainAwareProfiler.Settings.fromMap(bad)), "profiler",
                "reform_template", "missing");
        bad.put("reform_template", "R {summaries}");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> DomainAwareProfiler.Settings.fromMap(bad)), "{ratio}");
        bad.put("reform_template", "R {summaries} {ratio}");
        bad.put("clustrs", 3);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> DomainAwareProfiler.Settings.fromMap(bad)), "clustrs",
                "known");
    }

    @Test
    void provenanceNamesTheModeTheSettingsAndThePromptHashes() {
        UserProfiles p = profile(DomainAwareProfiler.builder().clusters(3).build(), History.of(1));
        Map<String, Object> prov = p.provenance();
        assertEquals("offline", prov.get("mode"));
        assertEquals(DomainAwareProfiler.builder().clusters(3).build().settings().toMap(), prov.get("settings"));
        assertNull(prov.get("generator_model"));
        assertEquals("axes-4", prov.get("item_embeddings_model"));
        @SuppressWarnings("unchecked")
        Map<String, String> sha = (Map<String, String>) prov.get("prompt_sha256");
        assertEquals(List.of("summarize", "reform", "analyze"), new ArrayList<>(sha.keySet()));
        assertTrue(sha.values().stream().allMatch(h -> h.matches("[0-9a-f]{64}")));
        UserProfiles other = profile(DomainAwareProfiler.builder().analyzeTemplate("Profile: {domains}").build(), History.of(1));
        @SuppressWarnings("unchecked")
        Map<String, String> otherSha = (Map<String, String>) other.provenance().get("prompt_sha256");
        assertEquals(sha.get("summarize"), otherSha.get("summarize"));
        assertFalse(sha.get("analyze").equals(otherSha.get("analyze")));
        assertThrows(UnsupportedOperationException.class, () -> prov.put("x", 1));
        Map<String, Object> report = p.report().toMap();
        assertEquals(List.of("users", "users_profiled", "users_without_profile", "clusters", "generator", "seconds"),
                new ArrayList<>(report.keySet()));
    }

    @Test
    void embeddingGivesOneVectorPerUserAndZeroWithoutProfile(@TempDir Path dir) throws Exception {
        UserProfiles p = profile(DomainAwareProfiler.builder().build(), History.of(0, 3), History.empty(), History.of(9), History.of(9));
        HashingEncoder encoder = new HashingEncoder(16);
        float[][] v = p.embed(encoder, 2, ProgressListener.none());
        assertEquals(4, v.length);
        assertArrayEquals(new float[16], v[1]);
        assertArrayEquals(encoder.encodeQueries(List.of(p.text(0)))[0], v[0]);
        assertArrayEquals(v[2], v[3], "equal texts, equal vectors");
        assertEquals(2, encoder.calls() - 1, "3 texts in batches of 2 (plus the check above)");
        for (int batch : new int[] {1, 3, 100}) {
            float[][] w = p.embed(new HashingEncoder(16), batch, ProgressListener.none());
            for (int u = 0; u < v.length; u++) {
                assertArrayEquals(v[u], w[u], "batch " + batch);
            }
        }
        assertMessage(assertThrows(IllegalArgumentException.class, () -> p.embed(encoder, 0, ProgressListener.none())), "batchSize");

        // Through a cache: the second run asks the encoder nothing.
        HashingEncoder counted = new HashingEncoder(16);
        TextEncoder cached = TextCache.open(dir).cached(counted);
        float[][] first = p.embed(cached, 8, ProgressListener.none());
        long texts = counted.encodedTexts();
        float[][] second = p.embed(TextCache.open(dir).cached(counted), 8, ProgressListener.none());
        assertEquals(texts, counted.encodedTexts());
        for (int u = 0; u < v.length; u++) {
            assertArrayEquals(first[u], second[u]);
            assertArrayEquals(v[u], first[u]);
        }
    }

    @Test
    void userProfilesCanBeMadeByOtherProfilers() {
        ProfileReport report = new ProfileReport(2, 1, 1, 0, 0, 0, 0, 0, 0.5);
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("mode", "fixed");
        UserProfiles p = UserProfiles.of(List.of("likes tea", ""), report, prov);
        assertEquals(2, p.size());
        assertEquals("likes tea", p.text(0));
        assertThrows(IndexOutOfBoundsException.class, () -> p.text(2));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> UserProfiles.of(List.of("a"), report, prov)), "2 users");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new ProfileReport(2, 2, 1, 0, 0, 0, 0, 0, 0)), "add up");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new ProfileReport(1, 1, 0, 0, 1, 1, 1, 0, 0)), "exceed");
    }

    /** The fixture's vectors as rows, null for items without text. */
    private static float[][] vectors() {
        float[][] v = new float[CATALOG.size()][];
        for (int i = 0; i < v.length; i++) {
            v[i] = EMBEDDINGS.hasText(i) ? EMBEDDINGS.vector(i) : null;
        }
        return v;
    }
}
