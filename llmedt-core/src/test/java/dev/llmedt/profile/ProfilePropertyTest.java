package dev.llmedt.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.llmedt.cluster.KMeans;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.engine.WorkerPool;
import dev.llmedt.text.ItemEmbeddings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Properties of the extractive profiles on random catalogs, vectors, histories and settings. */
class ProfilePropertyTest {

    /** Fixed, so that every run (and CI) checks the same examples. */
    private static final long SEED = 0x960F_11E5L;
    /** Bounds the time a failing property spends shrinking (each cycle profiles a few dozen users). */
    private static final int SHRINK_CYCLES = 500;

    /** A random problem: data seed, number of users, longest history, and the profiler's settings. */
    record Case(long seed, int users, int maxLength, int clusters, int itemsPerCluster, int termsPerCluster) {
    }

    private static Gen<Case> cases() {
        Gen<int[]> settings = integers().between(1, 12).zip(integers().between(1, 20), integers().between(1, 8),
                (clusters, items, terms) -> new int[] {clusters, items, terms});
        return longs().all().zip(integers().between(1, 40), integers().between(0, 40), settings,
                (seed, users, length, s) -> new Case(seed, users, length, s[0], s[1], s[2]));
    }

    @Test
    void profilesDependNeitherOnThreadsNorOnUserOrder() {
        qt().withFixedSeed(SEED).withShrinkCycles(SHRINK_CYCLES).withExamples(40).forAll(cases())
                .checkAssert(ProfilePropertyTest::sameWhateverThreadsAndOrder);
    }

    private static void sameWhateverThreadsAndOrder(Case c) {
        ItemCatalog catalog = ProfileFixtures.randomCatalog(c.seed(), 30);
        ItemEmbeddings embeddings = ProfileFixtures.randomEmbeddings(catalog, c.seed() + 1);
        List<History> users = ProfileFixtures.randomHistories(catalog, c.seed() + 2, c.users(), c.maxLength());
        List<String> one = builder(c).threads(1).build().profile(catalog, embeddings, users).texts();
        List<String> three = builder(c).threads(3).build().profile(catalog, embeddings, users).texts();
        assertEquals(one, three);
        List<History> reversed = new ArrayList<>(users);
        Collections.reverse(reversed);
        List<String> back = new ArrayList<>(builder(c).threads(2).build().profile(catalog, embeddings, reversed).texts());
        Collections.reverse(back);
        assertEquals(one, back);
    }

    @Test
    void profilesNameTheUsersDomainsWithTheirSharesAndOnlyTermsOfTheirOwnTitles() {
        qt().withFixedSeed(SEED).withShrinkCycles(SHRINK_CYCLES).withExamples(60).forAll(cases())
                .checkAssert(ProfilePropertyTest::describesOnlyTheUsersOwnItems);
    }

    private static void describesOnlyTheUsersOwnItems(Case c) {
        ItemCatalog catalog = ProfileFixtures.randomCatalog(c.seed(), 30);
        ItemEmbeddings embeddings = ProfileFixtures.randomEmbeddings(catalog, c.seed() + 1);
        List<History> users = ProfileFixtures.randomHistories(catalog, c.seed() + 2, c.users(), c.maxLength());
        UserProfiles profiles = builder(c).maxProfileChars(1_000_000).build().profile(catalog, embeddings, users);
        long empty = 0;
        for (int u = 0; u < users.size(); u++) {
            History h = users.get(u);
            String text = profiles.text(u);
            if (h.isEmpty()) {
                assertEquals("", text);
                empty++;
                continue;
            }
            Set<String> ownTerms = new HashSet<>();
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (int p = 0; p < h.length(); p++) {
                ownTerms.addAll(TitleTerms.tokens(catalog.item(h.item(p)).title()));
                counts.merge(catalog.domainOf(h.item(p)).name(), 1, Integer::sum);
            }
            Map<String, ProfileFixtures.Section> sections = ProfileFixtures.sections(text);
            Map<String, String> shares = new LinkedHashMap<>();
            for (Map.Entry<String, ProfileFixtures.Section> e : sections.entrySet()) {
                shares.put(e.getKey(), e.getValue().share());
                List<String> terms = e.getValue().terms();
                assertEquals(terms.size(), new HashSet<>(terms).size(), "no term twice in a domain: " + text);
                assertTrue(terms.size() <= c.termsPerCluster() * c.clusters(), text);
                assertTrue(ownTerms.containsAll(terms), () -> "terms " + terms + " not all from the user's titles " + ownTerms);
            }
            assertEquals(counts.keySet(), shares.keySet(), "every domain of the user, and only those");
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                double share = 100.0 * e.getValue() / h.length();
                String written = shares.get(e.getKey());
                if (written.startsWith("<")) {
                    assertTrue(share < 0.5, written);
                } else if (written.startsWith(">")) {
                    assertTrue(share >= 99.5, written);
                } else {
                    assertEquals(Math.round(share), Long.parseLong(written.replace("%", "")), text);
                }
            }
        }
        assertEquals(empty, profiles.report().usersWithoutProfile());
    }

    @Test
    void profilesNeverExceedTheirLimit() {
        qt().withFixedSeed(SEED).withShrinkCycles(SHRINK_CYCLES).withExamples(30).forAll(cases(), integers().between(20, 200))
                .checkAssert((c, limit) -> {
                    ItemCatalog catalog = ProfileFixtures.randomCatalog(c.seed(), 30);
                    List<History> users = ProfileFixtures.randomHistories(catalog, c.seed() + 2, c.users(), c.maxLength());
                    UserProfiles p = builder(c).maxProfileChars(limit).build().profile(catalog,
                            ProfileFixtures.randomEmbeddings(catalog, c.seed() + 1), users);
                    for (String t : p.texts()) {
                        assertTrue(t.length() <= limit, t.length() + " > " + limit + ": " + t);
                    }
                });
    }

    @Test
    void withFewDistinctVectorsTheShortcutIsTheClusteringKMeansFinds() {
        qt().withFixedSeed(SEED).withShrinkCycles(SHRINK_CYCLES).withExamples(200)
                .forAll(longs().all(), integers().between(1, 30), integers().between(1, 12), integers().between(1, 12))
                .checkAssert((seed, n, distinct, k) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    float[][] base = new float[distinct][];
                    for (int d = 0; d < distinct; d++) {
                        base[d] = ProfileFixtures.unitVector(r, 6);
                    }
                    float[][] points = new float[n][];
                    for (int i = 0; i < n; i++) {
                        points[i] = base[r.nextInt(distinct)].clone();
                    }
                    int[] shortcut = UserClusters.distinctVectors(points, k);
                    long used = Arrays.stream(points).map(Arrays::toString).distinct().count();
                    if (used > k) {
                        assertEquals(null, shortcut, "more distinct vectors than clusters: k-means runs");
                        return;
                    }
                    int[] kmeans;
                    try (WorkerPool pool = new WorkerPool(1)) {
                        kmeans = KMeans.fit(points, 6, k, seed, 20, 0, pool).assignment();
                    }
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < n; j++) {
                            assertEquals(shortcut[i] == shortcut[j], kmeans[i] == kmeans[j], "points " + i + " and " + j);
                        }
                    }
                });
    }

    private static DomainAwareProfiler.Builder builder(Case c) {
        return DomainAwareProfiler.builder().clusters(c.clusters()).itemsPerCluster(c.itemsPerCluster())
                .termsPerCluster(c.termsPerCluster()).seed(c.seed());
    }
}
