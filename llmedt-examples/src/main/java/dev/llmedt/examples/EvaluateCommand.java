package dev.llmedt.examples;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.Recommender;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.Split;
import dev.llmedt.dualphase.ProfileSource;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.GroupMetrics;
import dev.llmedt.eval.MostPopularRecommender;
import dev.llmedt.eval.Protocol;
import dev.llmedt.model.ModelFile;
import dev.llmedt.model.Provenance;
import dev.llmedt.profile.DomainAwareProfiler;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.TextCache;
import dev.llmedt.text.TextEncoder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llmedt evaluate}: rank held-out targets and report HR@K, NDCG@K and MRR. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a recommender on the valid or test users: overall, per target domain and per slice "
                + "(the user's number of input items in the target domain: 0, 1-2, 3+).")
final class EvaluateCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(EvaluateCommand.class);

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--method", description = "A baseline to evaluate: popular. Default: popular, or the --model file.")
    String method;

    @Option(names = "--model", paramLabel = "FILE", description = "A trained model file (from train) to evaluate.")
    Path model;

    @Option(names = "--split", defaultValue = "test", description = "valid or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--protocol", defaultValue = "full",
            description = "full (all items of the target's domain, the user's input items excluded), full-with-input, "
                    + "or sampled-N (N uniform negatives not in the user's sequence), e.g. sampled-100, sampled-999 "
                    + "(default: ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--negative-seed", defaultValue = "42", description = "Seed of the sampled negatives (default: ${DEFAULT-VALUE}).")
    long negativeSeed;

    @Option(names = "--threads", description = "Worker threads (default: all processors).")
    Integer threads;

    @Option(names = "--allow-other-data", description = "Evaluate a --model on data other than it was trained on (the dataset "
            + "or item catalogue fingerprints differ); without it that is refused.")
    boolean allowOtherData;

    @Option(names = "--json", description = "Print machine-readable JSON.")
    boolean json;

    @Mixin
    EncoderOptions encoderOptions;

    @Option(names = "--embeddings", paramLabel = "FILE",
            description = "For an LLM-EDT model that scores with user profiles: the item embeddings it was trained with (profiles of the "
                    + "evaluated users are made from their input and embedded by --encoder, cached in --cache).")
    Path embeddings;

    @Option(names = "--per-user", paramLabel = "FILE",
            description = "Also write one line per evaluated user (TSV: source uid domain slice rank ndcg10 hit10), for 'compare'.")
    Path perUser;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Split s = Split.parse(split);
        Protocol p = Protocol.parse(protocol, negativeSeed);
        if (model != null && method != null) {
            throw new IllegalArgumentException("give either --method or --model, not both");
        }
        if (perUser != null) {
            output.checkFile(perUser, "the per-user file (--per-user)");
        }
        CdsrDataset data = dataOptions.read();
        Recommender recommender;
        List<EvaluationCase> cases = data.cases(s);
        String name;
        TextEncoder profileEncoder = null;
        if (model != null && ModelFile.kind(model).equals("llm-edt")) {
            LlmEdtModel loaded = LlmEdtModel.load(model);
            checkCompatible(loaded.domains(), data);
            checkFingerprint(model, loaded.provenance(), data, allowOtherData);
            recommender = loaded;
            name = "llm-edt (" + model.getFileName() + ")";
            if (loaded.scoresWithProfiles()) {
                if (embeddings == null) {
                    throw new IllegalArgumentException(model + " adds the user's profile to the score: give --embeddings FILE (the item "
                            + "embeddings it was trained with) and the encoder options it was trained with");
                }
                ItemEmbeddings items = ItemEmbeddings.read(embeddings);
                JsonNode profiler = loaded.provenance().at("/profiles/profiler");
                if (!items.modelId().equals(loaded.provenance().at("/profiles/encoder").asText())) {
                    throw new IllegalArgumentException(embeddings + " was made by " + items.modelId() + " but the model's profiles by "
                            + loaded.provenance().at("/profiles/encoder").asText());
                }
                Map<String, Object> settings = new ObjectMapper().convertValue(profiler.path("settings"),
                        new TypeReference<Map<String, Object>>() { });
                DomainAwareProfiler userProfiler = DomainAwareProfiler.builder().settings(DomainAwareProfiler.Settings.fromMap(settings))
                        .build();
                TextCache cache = encoderOptions.openCache();
                profileEncoder = encoderOptions.open(null);
                if (!profileEncoder.modelId().equals(items.modelId())) {
                    profileEncoder.close();
                    throw new IllegalArgumentException("the encoder " + profileEncoder.modelId() + " is not the one the model was trained with ("
                            + items.modelId() + ")");
                }
                recommender = loaded.withProfiles(ProfileSource.of(userProfiler, data.items(), items,
                        cache == null ? profileEncoder : cache.cached(profileEncoder)));
            }
        } else if (model != null) {
            SasRecModel loaded = SasRecModel.load(model);
            checkCompatible(loaded.domains(), data);
            checkFingerprint(model, loaded.provenance(), data, allowOtherData);
            recommender = loaded;
            name = "sasrec (" + model.getFileName() + ")";
            if (loaded.trainedDomain().isPresent()) {
                Domain only = loaded.trainedDomain().get();
                cases = cases.stream().filter(c -> only.contains(c.target())).toList();
                LOG.info("single-domain model: evaluating the {} cases whose target is in {}", cases.size(), only.name());
            }
        } else {
            name = method == null ? "popular" : method;
            recommender = switch (name) {
                case "popular" -> MostPopularRecommender.fit(data.items(), data.train());
                default -> throw new IllegalArgumentException("--method must be 'popular', got '" + name + "'");
            };
        }
        if (cases.isEmpty()) {
            if (profileEncoder != null) {
                profileEncoder.close();
            }
            throw new IllegalArgumentException(data.cases(s).isEmpty()
                    ? "the " + s.label() + " split of " + data.name() + " has no cases (its " + s.label() + " file is missing or empty): "
                            + "nothing to evaluate; give --split " + (s == Split.TEST ? "valid" : "test") + " or data with held-out users"
                    : "none of the " + data.cases(s).size() + " " + s.label() + " cases of " + data.name() + " has its target in the "
                            + "domain the model scores: nothing to evaluate");
        }
        Evaluator evaluator = Evaluator.of(p).withProgress(ConsoleProgress.create());
        if (threads != null) {
            evaluator = evaluator.withThreads(threads);
        }
        EvaluationReport report;
        try {
            report = evaluator.evaluate(recommender, data.items(), cases, s.label());
        } finally {
            if (profileEncoder != null) {
                profileEncoder.close();
            }
        }
        if (perUser != null) {
            PerUserFile.write(perUser, data, cases, report, output.writeOptions());
        }
        if (json) {
            out.println(Json.write(toJson(name, data, s, report)));
            return 0;
        }
        printReport(out, name + " on " + data.name(), report);
        return 0;
    }

    /** What {@code --json} prints: the method, dataset and split, then the report's metrics ({@link EvaluationReport#toMap}). */
    static Map<String, Object> toJson(String method, CdsrDataset data, Split split, EvaluationReport report) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("method", method);
        json.put("dataset", data.name());
        json.put("split", split.label());
        json.putAll(report.toMap());
        return json;
    }

    /** Fails clearly when the model was trained on other domains or item counts than the data. */
    static void checkCompatible(List<Domain> expected, CdsrDataset data) {
        List<Domain> actual = data.domains();
        if (!expected.equals(actual)) {
            throw new IllegalArgumentException("the model was trained on domains " + describe(expected) + " but " + data.name()
                    + " has " + describe(actual));
        }
    }

    /**
     * Refuses (or, when allowed, warns) when the model's provenance names another item catalogue
     * than the data's (same domains and item counts, but other items, or the same in another
     * order), or another dataset fingerprint (other interactions). Both fingerprints are named.
     */
    static void checkFingerprint(Path file, Provenance provenance, CdsrDataset data, boolean allow) {
        String message;
        try {
            provenance.requireCatalog(file, data.items());
            String trained = provenance.datasetFingerprint();
            String here = provenance.comparableFingerprint(data);
            if (trained == null || trained.isEmpty() || trained.equals(here)) {
                return;
            }
            message = file + " was trained on dataset '" + java.util.Objects.requireNonNullElse(provenance.dataset(), "?") + "' with fingerprint " + trained
                    + ", but " + data.name() + " has fingerprint " + here + ": other interactions than the model was trained and validated on";
        } catch (IllegalArgumentException e) {
            message = e.getMessage();
        }
        if (!allow) {
            throw new IllegalArgumentException(message + "; add --allow-other-data to evaluate anyway");
        }
        LOG.warn("{} (--allow-other-data given: evaluating anyway)", message);
    }

    private static String describe(List<Domain> domains) {
        return domains.stream().map(d -> d.name() + " (" + d.size() + " items)").toList().toString();
    }

    /** Prints a report as a table: overall, per domain, per slice. */
    static void printReport(PrintWriter out, String title, EvaluationReport report) {
        out.printf("%s, %s split, protocol %s%n", title, report.cases(), report.protocol().label());
        out.printf("%-10s %6s %8s %8s %8s %8s %8s %8s%n", "group", "n", "HR@1", "HR@5", "HR@10", "NDCG@5", "NDCG@10", "MRR");
        print(out, "all", report.overall());
        report.byDomain().forEach((name, m) -> print(out, name, m));
        report.bySlice().forEach((name, m) -> print(out, "slice " + name, m));
    }

    private static void print(PrintWriter out, String group, GroupMetrics m) {
        out.printf("%-10s %6d %8.6f %8.6f %8.6f %8.6f %8.6f %8.6f%n", group, m.n(), m.hitRate(1), m.hitRate(5),
                m.hitRate(10), m.ndcg(5), m.ndcg(10), m.mrr());
    }
}
