package dev.llmedt.augment;

import dev.llmedt.progress.ProgressListener;
import dev.llmedt.concurrent.Concurrently;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.data.Item;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.UserSequence;
import dev.llmedt.engine.Kernels;
import dev.llmedt.engine.WorkerPool;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.LanguageModelException;
import dev.llmedt.text.TextEncoder;
import dev.llmedt.text.TextGenerator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The candidates of a generator: every chosen user is prompted once per target domain with their
 * source items grouped by k-means cluster; the texts parsed from each answer are embedded with the
 * encoder of the item embeddings (each distinct text once per target domain) and matched to their
 * nearest real item of the target domain, scored by the cosine between text and item.
 *
 * <p>A failed generation costs that user's items of that domain, not the run: it is counted, and
 * the first few failures are logged.
 */
final class GeneratedCandidates implements CandidateSource {

    private static final Logger LOG = LoggerFactory.getLogger(GeneratedCandidates.class);
    private static final int ENCODE_CHUNK = 256;
    private static final int LOGGED_FAILURES = 5;

    /** The generator's contribution for one (user, target domain). */
    private static final class Generated {
        int user;
        int target;
        String prompt;
        String answer;
        boolean failed;
        SuggestionParser.Parsed parsed;
        int[] matched;
        float[] match;
    }

    private final Map<Long, Generated> byUser;

    private GeneratedCandidates(Map<Long, Generated> byUser) {
        this.byUser = byUser;
    }

    /**
     * The settings of the generator path.
     *
     * @param generator answers the prompts
     * @param encoder embeds the generated texts (the encoder of the item embeddings)
     * @param concurrency prompts sent at once
     * @param prompt the prompt template
     * @param count items a prompt asks for (the cap on insertions per user); an answer's texts are
     *     read up to four times as many
     * @param promptItems most source items shown in a prompt
     */
    record Generation(TextGenerator generator, TextEncoder encoder, int concurrency, SuggestionPrompt prompt, int count, int promptItems) {

        /**
         * Checks that the encoder embeds generated texts as the item embeddings were embedded (same
         * model, same dimension), so that texts can be matched to items.
         *
         * @throws IllegalArgumentException when the model or the dimension differs
         */
        void requireEncoderOf(ItemEmbeddings embeddings) {
            if (!encoder.modelId().equals(embeddings.modelId())) {
                throw new IllegalArgumentException("the encoder of generated texts (" + encoder.modelId()
                        + ") is not the encoder of the item embeddings (" + embeddings.modelId()
                        + "); generated texts must be embedded by the same model to be matched to items");
            }
            if (encoder.dimension() != embeddings.dimension()) {
                throw new IllegalArgumentException("the encoder's dimension " + encoder.dimension()
                        + " differs from the item embeddings' " + embeddings.dimension());
            }
        }
    }

    /**
     * Prompts every chosen user for each target domain, parses the answers, embeds the texts and
     * matches them to real items.
     *
     * @param counts per user index, the counts that receive that user's calls, failures, unparsable
     *     answers, texts and texts beyond the limit
     * @throws LanguageModelException when waiting for the generator is interrupted, or the encoder
     *     returns malformed vectors
     */
    static GeneratedCandidates generate(Generation g, List<UserSequence> train, ImbalancedUsers users, ItemCatalog catalog,
            ItemSpace items, WorkerPool pool, ProgressListener progress, IntFunction<AugmentationCounts> counts) {
        List<Generated> jobs = prompts(g, train, users, catalog, items);
        answer(g, jobs, train, catalog, progress);
        return new GeneratedCandidates(match(g, jobs, train, items, pool, progress, counts));
    }

    private static List<Generated> prompts(Generation g, List<UserSequence> train, ImbalancedUsers users, ItemCatalog catalog,
            ItemSpace items) {
        List<Generated> jobs = new ArrayList<>();
        for (int u : users.selected()) {
            ImbalancedUsers.Plan p = users.plan(u);
            List<List<String>> groups = promptGroups(train.get(u).items(), catalog.domains().get(p.dominant()), catalog, items,
                    g.promptItems());
            if (groups.isEmpty()) {
                continue;
            }
            for (int t : p.targets()) {
                Generated job = new Generated();
                job.user = u;
                job.target = t;
                job.prompt = g.prompt().render(catalog.domains().get(p.dominant()).name(), catalog.domains().get(t).name(), g.count(),
                        groups);
                jobs.add(job);
            }
        }
        return jobs;
    }

    private static void answer(Generation g, List<Generated> jobs, List<UserSequence> train, ItemCatalog catalog,
            ProgressListener progress) {
        TextGenerator generator = g.generator();
        AtomicLong done = new AtomicLong();
        progress.progress("generate", 0, jobs.size());
        AtomicLong failures = new AtomicLong();
        Concurrently.map(jobs, g.concurrency(), "llmedt-augment-generate", job -> {
            try {
                job.answer = generator.generate(job.prompt);
            } catch (RuntimeException e) {
                // Any failure of the extension point costs this user's items, not the run.
                job.failed = true;
                if (failures.incrementAndGet() <= LOGGED_FAILURES) {
                    LOG.warn("generator {} failed for user {} of {} ({} items): {}; the user gets no {} items{}", generator.modelId(),
                            train.get(job.user).user(), train.get(job.user).source(), catalog.domains().get(job.target).name(),
                            e.getMessage(), catalog.domains().get(job.target).name(),
                            failures.get() == LOGGED_FAILURES ? " (further failures are counted, not logged)" : "");
                }
            }
            progress.progress("generate", done.incrementAndGet(), jobs.size());
            return null;
        }, cause -> cause instanceof InterruptedException
                ? new LanguageModelException("interrupted while waiting for generator " + generator.modelId(), cause)
                : new LanguageModelException("generator " + generator.modelId() + " failed: " + cause, cause));
    }

    /** Parses the answers, then embeds each distinct text once per target domain and matches it; returns the jobs by (user, target). */
    private static Map<Long, Generated> match(Generation g, List<Generated> jobs, List<UserSequence> train, ItemSpace items,
            WorkerPool pool, ProgressListener progress, IntFunction<AugmentationCounts> countsOf) {
        int limit = 4 * g.count();
        Map<Integer, LinkedHashMap<String, Integer>> textsByTarget = new HashMap<>();
        for (Generated job : jobs) {
            AugmentationCounts counts = countsOf.apply(job.user);
            counts.generatorCall();
            if (job.failed) {
                counts.generatorFailure();
                continue;
            }
            job.parsed = SuggestionParser.parse(job.answer, limit);
            if (job.parsed.texts().isEmpty()) {
                counts.unparsableAnswer();
                LOG.debug("no suggestion found in the answer for user {} of {}: {}", train.get(job.user).user(),
                        train.get(job.user).source(), job.answer.length() <= 200 ? job.answer : job.answer.substring(0, 200) + "...");
            }
            counts.generatedTexts(job.parsed.texts().size(), job.parsed.beyondLimit());
            LinkedHashMap<String, Integer> texts = textsByTarget.computeIfAbsent(job.target, k -> new LinkedHashMap<>());
            for (String text : job.parsed.texts()) {
                texts.putIfAbsent(text, texts.size());
            }
        }
        Map<Integer, int[]> matchedByTarget = new HashMap<>();
        Map<Integer, float[]> scoreByTarget = new HashMap<>();
        for (Map.Entry<Integer, LinkedHashMap<String, Integer>> e : textsByTarget.entrySet()) {
            List<String> texts = new ArrayList<>(e.getValue().keySet());
            float[][] q = encode(g.encoder(), texts, progress);
            int[] matched = items.nearestItems(e.getKey(), q, pool);
            float[] score = new float[q.length];
            for (int k = 0; k < q.length; k++) {
                score[k] = matched[k] < 0 ? Float.NaN : Kernels.dot(q[k], items.vector(matched[k]), q[k].length);
            }
            matchedByTarget.put(e.getKey(), matched);
            scoreByTarget.put(e.getKey(), score);
        }
        Map<Long, Generated> byUser = new HashMap<>();
        for (Generated job : jobs) {
            if (job.parsed != null) {
                Map<String, Integer> index = textsByTarget.get(job.target);
                List<String> texts = job.parsed.texts();
                job.matched = new int[texts.size()];
                job.match = new float[texts.size()];
                for (int k = 0; k < texts.size(); k++) {
                    int at = index.get(texts.get(k));
                    job.matched[k] = matchedByTarget.get(job.target)[at];
                    job.match[k] = scoreByTarget.get(job.target)[at];
                }
            }
            byUser.put(key(job.user, job.target), job);
        }
        return byUser;
    }

    private static float[][] encode(TextEncoder encoder, List<String> texts, ProgressListener progress) {
        float[][] out = new float[texts.size()][];
        progress.progress("encode generated texts", 0, texts.size());
        for (int from = 0; from < texts.size(); from += ENCODE_CHUNK) {
            List<String> chunk = texts.subList(from, Math.min(texts.size(), from + ENCODE_CHUNK));
            float[][] v = encoder.encodeQueries(chunk);
            if (v.length != chunk.size()) {
                throw new LanguageModelException("encoder " + encoder.modelId() + " returned " + v.length + " vectors for " + chunk.size()
                        + " texts");
            }
            for (int k = 0; k < v.length; k++) {
                if (v[k] == null || v[k].length != encoder.dimension()) {
                    throw new LanguageModelException("encoder " + encoder.modelId() + " returned a vector of length "
                            + (v[k] == null ? "null" : v[k].length) + " for generated text '" + chunk.get(k) + "'");
                }
                out[from + k] = v[k];
            }
            progress.progress("encode generated texts", from + chunk.size(), texts.size());
        }
        return out;
    }

    /** The user's source items with text for a prompt: at most promptItems, grouped by cluster, most recent first. */
    static List<List<String>> promptGroups(History h, Domain source, ItemCatalog catalog, ItemSpace items, int promptItems) {
        LinkedHashMap<Integer, List<Integer>> byCluster = new LinkedHashMap<>();
        List<Integer> recent = new ArrayList<>();
        Set<Integer> distinct = new HashSet<>();
        for (int i = h.length() - 1; i >= 0; i--) {
            int item = h.item(i);
            if (source.contains(item) && items.hasText(item) && !title(catalog.item(item)).isEmpty() && distinct.add(item)) {
                recent.add(item);
            }
        }
        for (int item : recent) {
            byCluster.computeIfAbsent(items.cluster(item), c -> new ArrayList<>()).add(item);
        }
        List<List<Integer>> clusters = new ArrayList<>(byCluster.values());
        // Largest interest first; equal sizes keep the order of their most recent item.
        clusters.sort(Comparator.comparingInt(c -> -c.size()));
        List<List<String>> groups = new ArrayList<>();
        for (int c = 0; c < clusters.size(); c++) {
            groups.add(new ArrayList<>());
        }
        int shown = 0;
        for (int rank = 0; shown < promptItems; rank++) {
            boolean any = false;
            for (int c = 0; c < clusters.size() && shown < promptItems; c++) {
                if (rank < clusters.get(c).size()) {
                    groups.get(c).add(title(catalog.item(clusters.get(c).get(rank))));
                    shown++;
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        groups.removeIf(List::isEmpty);
        return groups;
    }

    private static String title(Item item) {
        String t = item.title();
        if (t.isEmpty() && !item.text().isEmpty()) {
            t = item.text().values().iterator().next();
        }
        return t;
    }

    private static long key(int user, int target) {
        return ((long) user << 20) | target;
    }

    /** One candidate per parsed text that matched a real item: that item, scored by the text's cosine to it. */
    @Override
    public void propose(int user, int target, Collection<Integer> sourceItems, List<Candidate> out) {
        Generated g = byUser.get(key(user, target));
        if (g == null || g.matched == null) {
            return;
        }
        for (int k = 0; k < g.matched.length; k++) {
            if (g.matched[k] >= 0) {
                out.add(new Candidate(g.matched[k], g.match[k], g.match[k], Origin.GENERATED));
            }
        }
    }
}
