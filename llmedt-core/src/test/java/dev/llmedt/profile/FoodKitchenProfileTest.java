package dev.llmedt.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.progress.ProgressListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.LlmcdsrReader;
import dev.llmedt.data.UserSequence;
import dev.llmedt.testing.HashingEncoder;
import dev.llmedt.testing.SharedData;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offline profiler on the real food-kitchen users (read from {@code ../shared/data}; skipped
 * with a message when absent, a failure under {@code CI=true}).
 *
 * <p>Item vectors: the file named by the system property {@code llmedt.profile.embeddings} (or the
 * environment variable {@code LLMEDT_PROFILE_EMBEDDINGS}), written by {@code llmedt encode} for
 * food-kitchen (e.g. the all-MiniLM-L6-v2 title vectors); otherwise the titles are embedded by the
 * test's hashing encoder (character trigrams), which takes a second. The log shows the users per
 * second and three sample profiles next to their users' titles.
 */
class FoodKitchenProfileTest {

    private static final Logger LOG = LoggerFactory.getLogger(FoodKitchenProfileTest.class);

    private static CdsrDataset data;
    private static ItemEmbeddings embeddings;

    @BeforeAll
    static void read() throws IOException {
        Path dir = SharedData.foodKitchen();
        data = new LlmcdsrReader(dir, List.of("Food", "Kitchen")).read();
        String configured = System.getProperty("llmedt.profile.embeddings", System.getenv("LLMEDT_PROFILE_EMBEDDINGS"));
        if (configured != null && !configured.isBlank()) {
            embeddings = ItemEmbeddings.read(Path.of(configured));
        } else {
            embeddings = ItemEmbeddings.encode(data.items(), new HashingEncoder(128), ItemTextTemplate.titles(), ProgressListener.none());
        }
        LOG.info("food-kitchen item vectors: {}", embeddings);
    }

    @Test
    void everyTrainingUserIsProfiledFromTheirOwnTitles() {
        List<History> visible = new ArrayList<>();
        for (UserSequence s : data.train()) {
            visible.add(s.items());
        }
        long start = System.nanoTime();
        UserProfiles profiles = DomainAwareProfiler.builder().build().profile(data.items(), embeddings, visible);
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info("profiled {} training users offline in {} s: {} users/s on {} threads; report {}", visible.size(),
                String.format(Locale.ROOT, "%.2f", seconds), String.format(Locale.ROOT, "%.0f", visible.size() / seconds),
                Runtime.getRuntime().availableProcessors(), profiles.report().toMap());

        assertEquals(51_164, profiles.size());
        assertEquals(51_164, profiles.report().usersProfiled(), "no training sequence is empty");
        for (int u = 0; u < visible.size(); u++) {
            checkDescribesOnly(visible.get(u), profiles.text(u));
        }
        logSample(data.train(), visible, profiles, "train_overlap.txt", 9);
        logSample(data.train(), visible, profiles, "train_A.txt", 6);
        logSample(data.train(), visible, profiles, "train_B.txt", 7);
    }

    @Test
    void evaluatedUsersAreProfiledFromTheirInputOnly() {
        List<History> inputs = new ArrayList<>();
        List<EvaluationCase> cases = new ArrayList<>(data.valid());
        cases.addAll(data.test());
        for (EvaluationCase c : cases) {
            inputs.add(c.input());
        }
        UserProfiles profiles = DomainAwareProfiler.builder().build().profile(data.items(), embeddings, inputs);
        int targetOnlyTerms = 0;
        for (int u = 0; u < cases.size(); u++) {
            checkDescribesOnly(inputs.get(u), profiles.text(u));
            Set<String> inputTerms = titleTerms(inputs.get(u));
            for (String t : TitleTerms.tokens(data.items().item(cases.get(u).target()).title())) {
                if (!inputTerms.contains(t)) {
                    targetOnlyTerms++;
                    assertFalse(terms(profiles.text(u)).contains(t), "a term only the target has: " + t);
                }
            }
        }
        assertTrue(targetOnlyTerms > 1000, "the check above had something to check: " + targetOnlyTerms);
    }

    @Test
    void realProfilesDoNotDependOnTheThreadCount() {
        List<History> visible = new ArrayList<>();
        for (UserSequence s : data.train().subList(0, 4000)) {
            visible.add(s.items());
        }
        assertEquals(DomainAwareProfiler.builder().threads(1).build().profile(data.items(), embeddings, visible).texts(),
                DomainAwareProfiler.builder().threads(2).build().profile(data.items(), embeddings, visible).texts());
    }

    /** The profile names exactly the user's domains and only terms of the user's titles. */
    private static void checkDescribesOnly(History h, String profile) {
        if (h.isEmpty()) {
            assertEquals("", profile);
            return;
        }
        Map<String, ProfileFixtures.Section> sections = ProfileFixtures.sections(profile);
        Set<String> domains = new HashSet<>();
        for (int p = 0; p < h.length(); p++) {
            domains.add(data.items().domainOf(h.item(p)).name());
        }
        assertEquals(domains, sections.keySet(), profile);
        Set<String> own = titleTerms(h);
        for (ProfileFixtures.Section s : sections.values()) {
            assertTrue(own.containsAll(s.terms()), () -> profile + " has terms outside " + own);
        }
    }

    private static Set<String> titleTerms(History h) {
        Set<String> terms = new HashSet<>();
        for (int p = 0; p < h.length(); p++) {
            terms.addAll(TitleTerms.tokens(data.items().item(h.item(p)).title()));
        }
        return terms;
    }

    private static Set<String> terms(String profile) {
        Set<String> out = new HashSet<>();
        if (!profile.isEmpty()) {
            ProfileFixtures.sections(profile).values().forEach(s -> out.addAll(s.terms()));
        }
        return out;
    }

    /** Logs the first user of a file with at least {@code length} items: titles, then the profile. */
    private static void logSample(List<UserSequence> train, List<History> visible, UserProfiles profiles, String file, int length) {
        for (int u = 0; u < train.size(); u++) {
            if (train.get(u).source().equals(file) && visible.get(u).length() >= length) {
                StringBuilder titles = new StringBuilder();
                History h = visible.get(u);
                for (int p = 0; p < h.length(); p++) {
                    titles.append("\n    ").append(data.items().domainOf(h.item(p)).name()).append(" | ")
                            .append(data.items().item(h.item(p)).title());
                }
                LOG.info("sample: user {} of {} ({} items), oldest first:{}\n  profile: {}", train.get(u).user(), file, h.length(), titles,
                        profiles.text(u));
                return;
            }
        }
    }
}
