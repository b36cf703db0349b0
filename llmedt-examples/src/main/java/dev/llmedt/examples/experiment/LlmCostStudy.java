package dev.llmedt.examples.experiment;

import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.Recommender;
import dev.llmedt.augment.AugmentedData;
import dev.llmedt.augment.TransferableItemAugmenter;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.UserSequence;
import dev.llmedt.onnx.OnnxTextEncoder;
import dev.llmedt.profile.DomainAwareProfiler;
import dev.llmedt.profile.UserProfiles;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.OpenAiCompatible;
import dev.llmedt.text.TextCache;
import dev.llmedt.text.TextEncoder;
import dev.llmedt.text.TextGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code llm-cost}: what the language models cost offline (encoder calls, texts, tokens and
 * seconds, with a fresh cache and with a warm one; the prompts the augmenter and the profiler would
 * send to a generator) against the online cost of scoring a user (top 10, full ranking), which
 * calls no language model: the paper's efficiency claim.
 */
final class LlmCostStudy implements Study {

    /** The stand-in answer to every profiler prompt: later prompts then exclude real answers. */
    static final String PLACEHOLDER_ANSWER = "likes these products";

    @Override
    public String name() {
        return "llm-cost";
    }

    @Override
    public StudyOutput run(StudyContext context) throws Exception {
        StudyRunner runner = context.runner();
        CdsrDataset data = runner.data();
        StudyContext.CostOptions cost = context.cost();
        long seed = context.seeds().get(0);
        StudyOutput out = context.open("LLM cost offline vs online scoring cost (" + data.name() + ")",
                "offline: embedded all-MiniLM-L6-v2 (ONNX Runtime, CPU) through the text cache; seconds measured on the first "
                        + cost.encodeLimit() + " texts and extrapolated to all (marked ~); tokens counted exactly with the encoder's "
                        + "tokenizer (untruncated). Online: top-10 over every item of the target domain (full ranking) for each test "
                        + "user, one user per call, one caller thread, seed " + seed,
                List.of("stage", "LLM calls", "texts", "tokens", "seconds", "per unit", "how measured"));
        ItemEmbeddings embeddings = runner.embeddings();
        try (TokenCounter tokens = new TokenCounter()) {
            long openStart = System.nanoTime();
            try (OnnxTextEncoder encoder = OnnxTextEncoder.embeddedDefault()) {
                double openSeconds = (System.nanoTime() - openStart) / 1e9;
                out.detail("encoder", encoder.modelId());
                out.detail("encoder_open_seconds", openSeconds);
                List<String> itemTexts = itemTexts(data);
                encodeRows(out, context, "item texts", itemTexts, tokens, encoder, "distinct non-empty titles");
                int users = Math.min(cost.profileUsers(), data.train().size());
                double userScale = (double) data.train().size() / users;
                List<String> profiles = offlineProfiles(data, embeddings, seed, users);
                encodeRows(out, context, "user profiles (extractive)", profiles, tokens, encoder, "the profiles of " + users + " of "
                        + data.train().size() + " training users (every k-th), not extrapolated: x" + String.format(Locale.ROOT, "%.1f",
                        userScale) + " for all");
                generatorRows(out, context, data, embeddings, encoder, tokens, seed);
            }
        }
        scoringRow(out, context, data, RunSpec.sasrec("sasrec"), seed, "online scoring, SASRec");
        scoringRow(out, context, data, RunSpec.llmEdt("llm-edt"), seed, "online scoring, LLM-EDT");
        out.note("~: extrapolated from the measured part (" + cost.encodeLimit() + " texts, or " + cost.generatorLimit()
                + " prompts) to all; the calls and texts of a cold full run scale the same way.");
        out.note("Generator prompts are what the augmenter (one per imbalanced user and target domain) and the Summarize-Reform-Analyze "
                + "profiler (per cluster, per domain, per user) would send; they were built by running both with a stand-in generator. "
                + "Profiler prompts after the first step quote earlier answers, here a fixed 3-word stand-in, so their tokens are a "
                + "lower bound. Prompt tokens are MiniLM WordPiece tokens: an LLM's tokenizer counts differently.");
        out.note("Online scoring calls no language model: item vectors are precomputed; a serving user's history is scored by the "
                + "trained network alone (the default LLM-EDT uses no profiles at serving).");
        return out;
    }

    /** Distinct non-empty item texts (what encoding the catalogue sends, each text once). */
    private static List<String> itemTexts(CdsrDataset data) {
        ItemTextTemplate template = ItemTextTemplate.titles();
        Set<String> texts = new LinkedHashSet<>();
        for (int item = 0; item < data.items().size(); item++) {
            String t = template.render(data.items(), item);
            if (!t.isEmpty()) {
                texts.add(t);
            }
        }
        return new ArrayList<>(texts);
    }

    /** Every k-th training user, k chosen so that at most {@code limit} are taken (the files group users by kind). */
    static List<History> sampledHistories(CdsrDataset data, int limit) {
        List<UserSequence> train = data.train();
        double step = Math.max(1.0, (double) train.size() / limit);
        List<History> h = new ArrayList<>();
        for (double i = 0; i < train.size() && h.size() < limit; i += step) {
            h.add(train.get((int) i).items());
        }
        return h;
    }

    private static List<String> offlineProfiles(CdsrDataset data, ItemEmbeddings embeddings, long seed, int users) {
        UserProfiles p = DomainAwareProfiler.builder().seed(seed).build().profile(data.items(), embeddings, sampledHistories(data, users),
                ProgressListener.none());
        List<String> texts = new ArrayList<>();
        for (String t : p.texts()) {
            if (t != null && !t.isBlank()) {
                texts.add(t);
            }
        }
        return texts;
    }

    /** Two rows: the first texts encoded with a fresh cache folder (cold), then again through a new cache on that folder (warm). */
    private static void encodeRows(StudyOutput out, StudyContext context, String what, List<String> texts, TokenCounter tokens,
            TextEncoder encoder, String which) throws IOException {
        int limit = Math.min(context.cost().encodeLimit(), texts.size());
        List<String> part = texts.subList(0, limit);
        long allTokens = tokens.count(texts);
        double scale = limit == 0 ? 0 : (double) texts.size() / limit;
        Path folder = context.out().resolve("cost-cache-" + what.replaceAll("[^a-z]+", "-"));
        StudyRunner.deleteTree(folder);
        for (boolean cold : new boolean[] {true, false}) {
            CountingEncoder counting = new CountingEncoder(encoder);
            TextEncoder cached = TextCache.open(folder).cached(counting);
            long start = System.nanoTime();
            for (int from = 0; from < part.size(); from += 256) {
                cached.encode(part.subList(from, Math.min(part.size(), from + 256)));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("stage", "encode " + what + (cold ? ", cold (fresh cache)" : ", cached"));
            record.put("llm_calls_measured", counting.calls.get());
            record.put("texts_to_model_measured", counting.texts.get());
            record.put("texts_measured", limit);
            record.put("texts_total", texts.size());
            record.put("tokens_total", allTokens);
            record.put("seconds_measured", seconds);
            record.put("seconds_total_extrapolated", seconds * scale);
            record.put("ms_per_text", limit == 0 ? null : 1000 * seconds / limit);
            record.put("which", which);
            out.add(record, List.of((String) record.get("stage"),
                    String.format(Locale.ROOT, "%d (~%.0f)", counting.calls.get(), counting.calls.get() * scale),
                    String.format(Locale.ROOT, "%d to model of %d (all: %d)", counting.texts.get(), limit, texts.size()),
                    Long.toString(allTokens),
                    String.format(Locale.ROOT, "%.2f (~%.1f for all)", seconds, seconds * scale),
                    limit == 0 ? "-" : String.format(Locale.ROOT, "%.3f ms/text", 1000 * seconds / limit),
                    (cold ? "fresh cache folder; " : "same folder, new cache instance; ") + which));
        }
    }

    private static void generatorRows(StudyOutput out, StudyContext context, CdsrDataset data, ItemEmbeddings embeddings,
            TextEncoder encoder, TokenCounter tokens, long seed) throws IOException {
        int keep = context.cost().generator() == null ? 0 : context.cost().generatorLimit();
        RecordingGenerator augmenterPrompts = new RecordingGenerator("", tokens, keep);
        AugmentedData augmented = TransferableItemAugmenter.builder().seed(seed).generator(augmenterPrompts, encoder).build()
                .augment(data, embeddings, ProgressListener.none());
        generatorRow(out, context, "generator: augmenter prompts", augmenterPrompts,
                augmented.report().imbalancedUsers() + " imbalanced users");
        RecordingGenerator profilerPrompts = new RecordingGenerator(PLACEHOLDER_ANSWER, tokens, keep);
        int users = Math.min(context.cost().profileUsers(), data.train().size());
        DomainAwareProfiler.builder().seed(seed).generator(profilerPrompts).build().profile(data.items(), embeddings,
                sampledHistories(data, users), ProgressListener.none());
        generatorRow(out, context, "generator: profiler prompts", profilerPrompts, users + " of " + data.train().size()
                + " training users (every k-th), not extrapolated: x" + String.format(Locale.ROOT, "%.1f", (double) data.train().size() / users)
                + " for all");
    }

    private static void generatorRow(StudyOutput out, StudyContext context, String stage, RecordingGenerator prompts, String who)
            throws IOException {
        long calls = prompts.calls.get();
        String seconds = "no endpoint";
        Double total = null;
        StudyContext.CostOptions cost = context.cost();
        if (cost.generator() != null && calls > 0) {
            List<String> sample = prompts.kept();
            try (TextGenerator g = OpenAiCompatible.chat(cost.generator(), cost.generatorModel()).build()) {
                long start = System.nanoTime();
                for (String p : sample) {
                    g.generate(p);
                }
                double measured = (System.nanoTime() - start) / 1e9;
                total = measured * calls / sample.size();
                seconds = String.format(Locale.ROOT, "%.2f for %d (~%.0f for all)", measured, sample.size(), total);
            }
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("stage", stage);
        record.put("llm_calls", calls);
        record.put("prompt_chars", prompts.promptChars.get());
        record.put("prompt_tokens", prompts.promptTokens.get());
        record.put("seconds_total_extrapolated", total);
        record.put("endpoint", cost.generator() == null ? null : cost.generator().toString());
        record.put("who", who);
        out.add(record, List.of(stage, Long.toString(calls), who, Long.toString(prompts.promptTokens.get()) + " (prompt)", seconds,
                calls == 0 ? "-" : String.format(Locale.ROOT, "%.0f tokens/prompt", (double) prompts.promptTokens.get() / calls),
                "prompts built by the library with a stand-in generator" + (total == null ? "" : "; timed on " + cost.generator())));
    }

    private static void scoringRow(StudyOutput out, StudyContext context, CdsrDataset data, RunSpec spec, long seed, String stage)
            throws Exception {
        RunResult run = context.runner().run(spec, seed);
        Recommender model = spec.sasrec() ? SasRecModel.load(run.model()) : LlmEdtModel.load(run.model());
        List<Domain> domains = data.domains();
        List<EvaluationCase> warm = data.valid();
        for (int i = 0; i < Math.min(200, warm.size()); i++) {
            EvaluationCase c = warm.get(i);
            model.recommend(c.input(), domains.get(data.items().item(c.target()).domain()), 10);
        }
        List<EvaluationCase> cases = data.test();
        int n = context.cost().scoringUsers() <= 0 ? cases.size() : Math.min(cases.size(), context.cost().scoringUsers());
        double[] ms = new double[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            EvaluationCase c = cases.get(i);
            long t = System.nanoTime();
            model.recommend(c.input(), domains.get(data.items().item(c.target()).domain()), 10);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(ms).average().orElse(0);
        double p50 = sorted[(int) Math.floor(0.5 * (n - 1))];
        double p99 = sorted[(int) Math.floor(0.99 * (n - 1))];
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("stage", stage);
        record.put("llm_calls", 0);
        record.put("users", n);
        record.put("seconds", seconds);
        record.put("ms_per_user_mean", mean);
        record.put("ms_per_user_p50", p50);
        record.put("ms_per_user_p99", p99);
        record.put("run", run.directory().getFileName().toString());
        out.add(record, List.of(stage, "0", n + " test users", "0", String.format(Locale.ROOT, "%.2f", seconds),
                String.format(Locale.ROOT, "%.2f ms/user (p50 %.2f, p99 %.2f)", mean, p50, p99),
                "model of run " + run.directory().getFileName() + "; 200 validation users first (JIT warm-up)"));
    }
}
