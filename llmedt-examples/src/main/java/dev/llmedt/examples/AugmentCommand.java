package dev.llmedt.examples;

import dev.llmedt.augment.AugmentationReport;
import dev.llmedt.augment.AugmentedData;
import dev.llmedt.augment.BridgeScoring;
import dev.llmedt.augment.Insertion;
import dev.llmedt.augment.InsertionStrategy;
import dev.llmedt.augment.TransferableItemAugmenter;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.DatasetStatistics;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.ItemTextTemplate;
import dev.llmedt.text.TextCache;
import dev.llmedt.text.TextEncoder;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llmedt augment}: insert bridge items of the other domain into imbalanced users' training sequences. */
@Command(name = "augment", mixinStandardHelpOptions = true,
        description = "The transferable item augmenter: for users whose training history sits (almost) entirely in one domain, "
                + "find real items of the other domain (offline: the nearest item of each of the user's items by embedding cosine; "
                + "with --generator: items a chat model suggests, matched to real items), drop those below tau and insert each "
                + "right after the user's item it is most similar to. Writes the insertions as TSV and prints a report. "
                + "Reads training sequences only.",
        footer = {"", "Exit status: 0 done; 1 error; 3 the --generator answered none of its prompts (every call failed or was refused "
                + "by the circuit breaker): the insertions are still written (a failed prompt gives its user no generated items) and "
                + "stderr names the endpoint and the counts."})
final class AugmentCommand implements Callable<Integer> {

    private static final String OUT = "the insertions file (--out)";

    @Mixin
    DataOptions dataOptions;

    @Mixin
    EncoderOptions encoderOptions;

    @Mixin
    EncoderOptions.Limits encoderLimits;

    @Option(names = "--embeddings", paramLabel = "FILE",
            description = "Item embeddings written by 'encode' (FILE + FILE.json) instead of encoding the items here; they must come "
                    + "from the same dataset and template (and, with --generator, from the same encoder).")
    Path embeddingsFile;

    @Mixin
    GeneratorOptions generator;

    @Mixin
    AugmenterOptions augmenter;

    @Option(names = "--max-users", paramLabel = "N", description = "Augment at most N users (a seeded choice; default: all).")
    Integer maxUsers;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed of k-means, the user cap and random insertion "
            + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Threads of the encoder and of the similarity search (default: all processors).")
    Integer threads;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Insertions TSV: file uid position source_item inserted_item similarity [match_similarity] [after_position].")
    Path out;

    @Mixin
    OutputOptions output;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        generator.check();
        TransferableItemAugmenter.Builder builder = TransferableItemAugmenter.builder().seed(seed);
        augmenter.settings().accept(builder);
        if (maxUsers != null) {
            builder.maxUsers(maxUsers);
        }
        if (threads != null) {
            builder.threads(threads);
        }
        ItemTextTemplate template = encoderOptions.template();
        output.checkFile(out, OUT);
        CdsrDataset data = dataOptions.read();
        TextCache cache = encoderOptions.openCache();
        boolean needEncoder = embeddingsFile == null || generator.given();
        double encodeSeconds = 0;
        try (TextEncoder model = needEncoder ? encoderOptions.open(threads, encoderLimits) : null;
                GeneratorLimits.Run chat = generator.open(cache)) {
            TextEncoder encoder = model == null || cache == null ? model : cache.cached(model);
            ItemEmbeddings embeddings;
            if (embeddingsFile != null) {
                embeddings = ItemEmbeddings.read(embeddingsFile);
                if (!embeddings.template().equals(template.toString())) {
                    throw new IllegalArgumentException(embeddingsFile + " was encoded with template '" + embeddings.template()
                            + "', not '" + template + "'");
                }
            } else {
                long t0 = System.nanoTime();
                embeddings = ItemEmbeddings.encode(data.items(), encoder, template, ConsoleProgress.create());
                encodeSeconds = (System.nanoTime() - t0) / 1e9;
            }
            if (chat != null) {
                builder.generator(chat, encoder);
            }
            TransferableItemAugmenter built = builder.build();
            long t0 = System.nanoTime();
            AugmentedData augmented = built.augment(data, embeddings, ConsoleProgress.create());
            double seconds = (System.nanoTime() - t0) / 1e9;
            OutputOptions.writeOrKeep(out, OUT, file -> augmented.writeInsertions(file, output.writeOptions()));
            AugmentationReport report = augmented.report();
            if (json) {
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("dataset", data.name());
                summary.put("mode", chat == null ? "offline" : "generator");
                summary.put("generator_model", chat == null ? null : chat.modelId());
                summary.put("model_id", embeddings.modelId());
                summary.put("template", embeddings.template());
                summary.put("settings", built.settings().toMap());
                summary.put("seconds", round(seconds));
                summary.put("encode_seconds", embeddingsFile != null ? null : round(encodeSeconds));
                summary.putAll(report.toMap());
                summary.put("bridge_items", bridgeItems(augmented));
                summary.put("out", out.toString());
                stdout.println(Json.write(summary));
            } else {
                print(stdout, data, augmented, seconds);
            }
            if (chat != null && chat.producedNothing()) {
                spec.commandLine().getErr().println(chat.failureSummary());
                return GeneratorLimits.EXIT_GENERATOR_FAILED;
            }
        }
        return 0;
    }

    private void print(PrintWriter stdout, CdsrDataset data, AugmentedData augmented, double seconds) {
        AugmentationReport r = augmented.report();
        stdout.printf(Locale.ROOT, "augmented %d of %d imbalanced users of %s (%d training users) with %d items in %.2f s%n",
                r.usersAugmented(), r.imbalancedUsers(), data.name(), r.users(), r.insertions(), seconds);
        stdout.printf(Locale.ROOT, "mean cosine source/inserted %.4f%s%n", r.meanSimilarity(),
                augmented.generated() ? String.format(Locale.ROOT, ", generated text/inserted %.4f", r.meanMatchSimilarity()) : "");
        stdout.printf(Locale.ROOT, "candidates %d: %d inserted, %d below tau, %d duplicates, %d already in the sequence, %d beyond the cap%n",
                r.candidates(), r.insertions(), r.droppedBelowThreshold(), r.droppedDuplicates(), r.droppedInSequence(),
                r.droppedByInsertionCap());
        if (augmented.generated()) {
            stdout.printf(Locale.ROOT, "generator: %d prompts, %d failed, %d answers without suggestions, %d texts (%d beyond the limit)%n",
                    r.generatorCalls(), r.generatorFailures(), r.unparsableAnswers(), r.generatedTexts(), r.generatedTextsBeyondLimit());
        }
        if (r.usersSkippedByCap() > 0 || r.sourceItemsWithoutText() > 0) {
            stdout.printf(Locale.ROOT, "%d users skipped by --max-users, %d source items without text%n", r.usersSkippedByCap(),
                    r.sourceItemsWithoutText());
        }
        Map<String, Object> hubs = bridgeItems(augmented);
        stdout.printf(Locale.ROOT, "bridge items: %d distinct; the top 100 carry %.1f%% of the insertions, the top 10 %.1f%%%n",
                hubs.get("distinct"), 100 * (double) hubs.get("top_100_share"), 100 * (double) hubs.get("top_10_share"));
        stdout.println("interactions per domain before -> after: " + r.interactionsBefore() + " -> " + r.interactionsAfter());
        stdout.println();
        stdout.println("training users by share of their majority domain:");
        stdout.printf("  %-10s %10s %10s%n", "share", "before", "after");
        long[] before = r.histogramBefore();
        long[] after = r.histogramAfter();
        List<String> labels = DatasetStatistics.binLabels();
        for (int b = 0; b < before.length; b++) {
            stdout.printf("  %-10s %10d %10d%n", labels.get(b), before[b], after[b]);
        }
        stdout.println();
        stdout.println("insertions written to " + out);
    }

    /** How concentrated the inserted items are: distinct items and the share of insertions the most inserted carry. */
    static Map<String, Object> bridgeItems(AugmentedData augmented) {
        Map<Integer, Integer> counts = new java.util.HashMap<>();
        for (Insertion in : augmented.insertions()) {
            counts.merge(in.insertedItem(), 1, Integer::sum);
        }
        int[] sorted = counts.values().stream().mapToInt(Integer::intValue).sorted().toArray();
        long total = augmented.insertions().size();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("distinct", counts.size());
        m.put("top_10_share", share(sorted, 10, total));
        m.put("top_100_share", share(sorted, 100, total));
        return m;
    }

    private static double share(int[] ascending, int top, long total) {
        long sum = 0;
        for (int k = ascending.length - 1; k >= Math.max(0, ascending.length - top); k--) {
            sum += ascending[k];
        }
        return total == 0 ? 0 : Math.round(sum * 10000.0 / total) / 10000.0;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
