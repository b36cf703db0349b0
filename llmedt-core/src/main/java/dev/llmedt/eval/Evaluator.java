package dev.llmedt.eval;

import dev.llmedt.check.Require;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.Recommender;
import dev.llmedt.concurrent.Concurrently;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.Split;
import dev.llmedt.engine.BlockScorer;
import dev.llmedt.engine.BlockScorers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ranks each case's target among the candidates of its domain under a {@link Protocol} and
 * reports HR@K, NDCG@K and MRR.
 *
 * <p>Cases are grouped by target domain and scored in batches ({@link Recommender#scoreBatch}) on
 * a fixed number of threads; each rank is one pass over the domain's scores. Results do not depend
 * on the thread count: sampled negatives are drawn from a generator seeded by the protocol's seed
 * and the case's position.
 */
public final class Evaluator {

    private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);

    private final Protocol protocol;
    private final int threads;
    private final int batchSize;
    private final ProgressListener progress;

    private Evaluator(Protocol protocol, int threads, int batchSize, ProgressListener progress) {
        this.protocol = protocol;
        this.threads = threads;
        this.batchSize = batchSize;
        this.progress = progress;
    }

    /** Returns an evaluator for the protocol on all available processors, batches of 128, no progress. */
    public static Evaluator of(Protocol protocol) {
        return new Evaluator(Objects.requireNonNull(protocol, "protocol"), Runtime.getRuntime().availableProcessors(), 128,
                ProgressListener.none());
    }

    /**
     * Returns a copy that uses {@code threads} worker threads.
     *
     * @throws IllegalArgumentException when threads is not in [1, 1024]
     */
    public Evaluator withThreads(int threads) {
        Require.inRange("threads", threads, 1, 1024);
        return new Evaluator(protocol, threads, batchSize, progress);
    }

    /**
     * Returns a copy that scores {@code batchSize} histories per recommender call.
     *
     * @throws IllegalArgumentException when batchSize is not in [1, 65536]
     */
    public Evaluator withBatchSize(int batchSize) {
        Require.inRange("batchSize", batchSize, 1, 65536);
        return new Evaluator(protocol, threads, batchSize, progress);
    }

    /** Returns a copy that reports progress (in cases) to the listener. */
    public Evaluator withProgress(ProgressListener listener) {
        return new Evaluator(protocol, threads, batchSize, Objects.requireNonNull(listener, "listener"));
    }

    /** Returns the protocol. */
    public Protocol protocol() {
        return protocol;
    }

    /** Evaluates the recommender on a split of the dataset. */
    public EvaluationReport evaluate(Recommender recommender, CdsrDataset data, Split split) {
        return evaluate(recommender, data.items(), data.cases(split), split.label());
    }

    /**
     * Evaluates the recommender on the cases.
     *
     * @param label what the cases are, for the report (such as {@code test})
     * @throws IllegalStateException when the recommender returns NaN scores
     */
    public EvaluationReport evaluate(Recommender recommender, ItemCatalog catalog, List<EvaluationCase> cases, String label) {
        long start = System.nanoTime();
        int n = cases.size();
        int[] ranks = new int[n];
        int[] targetDomain = new int[n];
        int[] slice = new int[n];
        List<Domain> domains = catalog.domains();
        List<int[]> chunks = new ArrayList<>();
        for (Domain d : domains) {
            int[] members = new int[n];
            int m = 0;
            for (int i = 0; i < n; i++) {
                EvaluationCase c = cases.get(i);
                if (!catalog.isItem(c.target())) {
                    throw new IllegalArgumentException(c.source() + " user " + c.user() + ": unknown target item " + c.target());
                }
                if (d.contains(c.target())) {
                    members[m++] = i;
                    targetDomain[i] = d.index();
                    slice[i] = EvaluationReport.sliceOf(c.input().countIn(d));
                }
            }
            for (int from = 0; from < m; from += batchSize) {
                chunks.add(Arrays.copyOfRange(members, from, Math.min(m, from + batchSize)));
            }
        }
        AtomicLong done = new AtomicLong();
        String task = "evaluate " + label;
        progress.progress(task, 0, n);
        Runnable[] work = new Runnable[chunks.size()];
        for (int c = 0; c < chunks.size(); c++) {
            int[] chunk = chunks.get(c);
            work[c] = () -> {
                rankChunk(recommender, catalog, cases, chunk, ranks);
                progress.progress(task, done.addAndGet(chunk.length), n);
            };
        }
        run(work);
        double seconds = (System.nanoTime() - start) / 1e9;
        EvaluationReport report = new EvaluationReport(label, protocol, domains, ranks, targetDomain, slice, seconds);
        LOG.debug("{} in {} s", report, seconds);
        return report;
    }

    private void run(Runnable[] work) {
        Concurrently.map(Arrays.asList(work), threads, "llmedt-evaluate", r -> {
            r.run();
            return null;
        }, cause -> new IllegalStateException(cause instanceof InterruptedException ? "evaluation interrupted" : "evaluation failed", cause));
    }

    private void rankChunk(Recommender recommender, ItemCatalog catalog, List<EvaluationCase> cases, int[] chunk, int[] ranks) {
        Domain domain = catalog.domainOf(cases.get(chunk[0]).target());
        List<History> histories = new ArrayList<>(chunk.length);
        for (int i : chunk) {
            histories.add(cases.get(i).input());
        }
        BlockScorer scorer = protocol.kind() == Protocol.Kind.FULL ? BlockScorers.of(recommender) : null;
        if (scorer != null) {
            rankStreamed(scorer, domain, cases, chunk, histories, ranks);
            return;
        }
        float[][] scores = new float[chunk.length][domain.size()];
        recommender.scoreBatch(histories, domain, scores);
        int[] buffer = new int[Math.max(16, protocol.kind() == Protocol.Kind.SAMPLED ? protocol.negatives() : 0)];
        boolean[] taken = protocol.kind() == Protocol.Kind.SAMPLED ? new boolean[domain.size()] : null;
        for (int b = 0; b < chunk.length; b++) {
            EvaluationCase c = cases.get(chunk[b]);
            int target = c.target() - domain.firstItem();
            int[] own = ownItems(c.input(), domain, target);
            try {
                if (protocol.kind() == Protocol.Kind.FULL) {
                    ranks[chunk[b]] = protocol.excludeInputItems()
                            ? Ranking.full(scores[b], domain.size(), target, own, own.length)
                            : Ranking.full(scores[b], domain.size(), target, own, 0);
                } else {
                    SplittableRandom random = new SplittableRandom(mix(protocol.seed(), chunk[b]));
                    int count = NegativeSampler.sample(domain.size(), target, own, protocol.negatives(), random, buffer, taken);
                    ranks[chunk[b]] = Ranking.sampled(scores[b], target, buffer, count);
                }
            } catch (IllegalStateException e) {
                throw new IllegalStateException(c.source() + " user " + c.user() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The full protocol for a recommender that streams its scores: the same ranks as
     * {@link Ranking#full} on full score rows, without storing any (a full row is 4 bytes per item
     * of the domain, written and read again per case).
     */
    private void rankStreamed(BlockScorer scorer, Domain domain, List<EvaluationCase> cases, int[] chunk, List<History> histories,
            int[] ranks) {
        int[] targets = new int[chunk.length];
        int[][] excluded = new int[chunk.length][];
        for (int b = 0; b < chunk.length; b++) {
            EvaluationCase c = cases.get(chunk[b]);
            targets[b] = c.target() - domain.firstItem();
            excluded[b] = protocol.excludeInputItems() ? ownItems(c.input(), domain, targets[b]) : new int[0];
        }
        Ranking.Streamed streamed = new Ranking.Streamed(targets, excluded);
        scorer.scoreBlocks(histories, domain, targets, streamed);
        for (int b = 0; b < chunk.length; b++) {
            EvaluationCase c = cases.get(chunk[b]);
            try {
                ranks[chunk[b]] = streamed.rank(b);
            } catch (IllegalStateException e) {
                throw new IllegalStateException(c.source() + " user " + c.user() + ": " + e.getMessage(), e);
            }
        }
    }

    /** The sorted distinct local indices of the input items in the domain, the target excluded. */
    private static int[] ownItems(History input, Domain domain, int target) {
        int[] own = new int[input.length()];
        int k = 0;
        for (int i = 0; i < input.length(); i++) {
            int item = input.item(i);
            if (domain.contains(item) && item - domain.firstItem() != target) {
                own[k++] = item - domain.firstItem();
            }
        }
        Arrays.sort(own, 0, k);
        int distinct = 0;
        for (int i = 0; i < k; i++) {
            if (distinct == 0 || own[distinct - 1] != own[i]) {
                own[distinct++] = own[i];
            }
        }
        return Arrays.copyOf(own, distinct);
    }

    private static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
