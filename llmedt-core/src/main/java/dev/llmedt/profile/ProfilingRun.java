package dev.llmedt.profile;

import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.engine.WorkerPool;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.text.TextGenerator;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the {@link DomainAwareProfiler} over checked histories: every user's clusters and
 * extractive profile on the workers (chunks of users), then, with a generator,
 * Summarize-Reform-Analyze over them; the report, the summary log line and the provenance.
 *
 * <p>Holds only the profiler's settings; one instance per run.
 */
final class ProfilingRun {

    /** Logs under the profiler's name, so that the summary line reads as before this class. */
    private static final Logger LOG = LoggerFactory.getLogger(DomainAwareProfiler.class);
    private static final int USERS_PER_CHUNK = 256;

    private final DomainAwareProfiler.Settings settings;
    private final int threads;
    /** The generator, or null offline. */
    private final TextGenerator generator;
    private final int generatorConcurrency;
    private final ProfilePrompts prompts;

    ProfilingRun(DomainAwareProfiler.Settings settings, int threads, TextGenerator generator, int generatorConcurrency,
            ProfilePrompts prompts) {
        this.settings = settings;
        this.threads = threads;
        this.generator = generator;
        this.generatorConcurrency = generatorConcurrency;
        this.prompts = prompts;
    }

    /**
     * Profiles every user of {@code visible}, whose histories and vectors are checked.
     *
     * @param titleTerms the title terms of {@code catalog}
     * @param start {@link System#nanoTime()} when profiling began, for the logged duration
     */
    UserProfiles run(ItemCatalog catalog, TitleTerms titleTerms, float[][] vectors, int dimension, String embeddingsModel,
            List<History> visible, ProgressListener progress, long start) {
        int n = visible.size();
        List<String> domainNames = ExtractiveProfile.domainNames(catalog);
        UserClusters[] clustered = new UserClusters[n];
        String[] texts = new String[n];
        AtomicInteger next = new AtomicInteger();
        AtomicLong done = new AtomicLong();
        progress.progress("profile users", 0, n);
        try (WorkerPool pool = new WorkerPool(Math.max(1, Math.min(threads, (n + USERS_PER_CHUNK - 1) / USERS_PER_CHUNK)))) {
            pool.run(w -> {
                // Users run in parallel; within a user, k-means runs on the worker's own thread.
                try (WorkerPool own = new WorkerPool(1)) {
                    for (int from = next.getAndAdd(USERS_PER_CHUNK); from < n; from = next.getAndAdd(USERS_PER_CHUNK)) {
                        int to = Math.min(n, from + USERS_PER_CHUNK);
                        for (int u = from; u < to; u++) {
                            clustered[u] = UserClusters.of(visible.get(u), catalog, vectors, dimension, settings, own);
                            texts[u] = ExtractiveProfile.render(clustered[u], domainNames, titleTerms, settings.termsPerCluster(),
                                    settings.maxProfileChars());
                        }
                        progress.progress("profile users", done.addAndGet(to - from), n);
                    }
                }
            });
        }
        SummarizeReformAnalyze.Outcome generated = new SummarizeReformAnalyze.Outcome(0, 0, 0, 0);
        if (generator != null) {
            generated = new SummarizeReformAnalyze(generator, prompts, catalog, generatorConcurrency, settings.maxProfileChars(), progress)
                    .run(clustered, texts);
        }
        long without = 0;
        long clusters = 0;
        for (int u = 0; u < n; u++) {
            if (texts[u].isEmpty()) {
                without++;
            }
            clusters += clustered[u].clusters().size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ProfileReport report = new ProfileReport(n, n - without, without, clusters, generated.calls(), generated.failures(),
                generated.garbage(), generated.fallbacks(), seconds);
        LOG.info("profiled {} users ({} without items, {} clusters) {} in {} s ({} users/s){}", n, without, clusters,
                generator == null ? "offline" : "with generator " + generator.modelId(), String.format(Locale.ROOT, "%.2f", seconds),
                String.format(Locale.ROOT, "%.0f", n / Math.max(seconds, 1e-9)), generator == null ? ""
                        : "; " + generated.calls() + " calls, " + generated.failures() + " failed, " + generated.garbage()
                                + " unusable answers, " + generated.fallbacks() + " users fell back to the extractive profile");
        return UserProfiles.of(Arrays.asList(texts), report, provenance(embeddingsModel));
    }

    private Map<String, Object> provenance(String embeddingsModel) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profiler", "DomainAwareProfiler");
        m.put("mode", generator == null ? "offline" : "generator");
        m.put("settings", Collections.unmodifiableMap(settings.toMap()));
        m.put("generator_model", generator == null ? null : generator.modelId());
        m.put("item_embeddings_model", embeddingsModel);
        m.put("prompt_sha256", Collections.unmodifiableMap(prompts.sha256()));
        return m;
    }
}
