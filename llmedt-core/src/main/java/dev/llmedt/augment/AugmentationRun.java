package dev.llmedt.augment;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.DatasetStatistics;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.UserSequence;
import dev.llmedt.engine.WorkerPool;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.text.ItemEmbeddings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the {@link TransferableItemAugmenter} over a dataset: who is augmented, the item side
 * and the candidates, then every chosen user on the workers, the cap per bridge item in training
 * order, and the sequences, insertions and report, assembled in training order whatever the number
 * of workers.
 *
 * <p>Holds only the augmenter's settings and generator path; one instance per run.
 */
final class AugmentationRun {

    /** Logs under the augmenter's name, so that the summary line reads as before this class. */
    private static final Logger LOG = LoggerFactory.getLogger(TransferableItemAugmenter.class);

    private final TransferableItemAugmenter.Settings settings;
    /** The generator path's settings, or null offline. */
    private final GeneratedCandidates.Generation generation;

    AugmentationRun(TransferableItemAugmenter.Settings settings, GeneratedCandidates.Generation generation) {
        this.settings = settings;
        this.generation = generation;
    }

    /** Who, the item side, the candidates, then every chosen user in parallel; the counts merged in worker order. */
    AugmentedData run(CdsrDataset data, ItemEmbeddings embeddings, ProgressListener progress, WorkerPool pool, long start) {
        ItemCatalog catalog = data.items();
        int domains = catalog.domains().size();
        List<UserSequence> train = data.train();
        ImbalancedUsers users = ImbalancedUsers.find(data, settings.minorShareThreshold(), settings.maxUsers(), settings.seed());
        BridgeScoring scoring = settings.bridges();
        boolean csls = generation == null && scoring != BridgeScoring.TEXT;
        ItemSpace items = ItemSpace.build(catalog, embeddings, users.sourceDomains(domains), users.targetDomains(domains), settings.clusters(),
                settings.kMeansIterations(), settings.seed(), csls, pool, progress);
        AugmentationCounts counts = new AugmentationCounts();
        CandidateSource candidates = generation == null
                ? offlineCandidates(train, users, catalog, items, pool, progress)
                : GeneratedCandidates.generate(generation, train, users, catalog, items, pool, progress, u -> counts);
        InsertionPlanner planner = new InsertionPlanner(settings.insertion(), settings.maxInsertionsPerUser(),
                settings.insertedItemsAreTargets(), (float) settings.insertedTargetWeight(), settings.seed());
        UserAugmenter userAugmenter = new UserAugmenter(catalog, items, candidates, planner, (float) settings.similarityThreshold());

        // Each chosen user's candidates, filters, cap and placement; a contiguous part of the users per worker.
        // With a cap per bridge item, the workers stop before the caps, which are then applied in training order.
        int perItem = settings.maxInsertionsPerBridgeItem();
        boolean itemCap = perItem < Integer.MAX_VALUE;
        List<List<InsertionPlanner.Bridge>> bridges = itemCap ? new ArrayList<>(java.util.Collections.nCopies(train.size(), null)) : null;
        InsertionPlanner.Placed[] results = new InsertionPlanner.Placed[train.size()];
        AugmentationCounts[] workerCounts = new AugmentationCounts[pool.size()];
        List<Integer> selected = users.selected();
        AtomicLong done = new AtomicLong();
        int total = selected.size();
        progress.progress("augment users", 0, total);
        pool.run(w -> {
            AugmentationCounts mine = new AugmentationCounts();
            workerCounts[w] = mine;
            int from = (int) pool.partStart(total, w);
            int to = (int) pool.partStart(total, w + 1);
            for (int k = from; k < to; k++) {
                int u = selected.get(k);
                if (itemCap) {
                    bridges.set(u, userAugmenter.bridges(u, train.get(u), users.plan(u), mine));
                } else {
                    results[u] = userAugmenter.augment(u, train.get(u), users.plan(u), mine);
                }
                long d = done.incrementAndGet();
                if (d % 1024 == 0) {
                    progress.progress("augment users", d, total);
                }
            }
        });
        progress.progress("augment users", total, total);
        for (AugmentationCounts c : workerCounts) {
            counts.merge(c);
        }
        if (itemCap) {
            int[] used = new int[catalog.size()];
            for (int u : selected) {
                List<InsertionPlanner.Bridge> open = new ArrayList<>();
                for (InsertionPlanner.Bridge b : bridges.get(u)) {
                    if (used[b.item()] < perItem) {
                        open.add(b);
                    }
                }
                counts.beyondInsertionCap(bridges.get(u).size() - open.size());
                results[u] = userAugmenter.place(u, train.get(u), open, counts);
                for (Insertion in : results[u].insertions()) {
                    used[in.insertedItem()]++;
                }
            }
        }

        List<AugmentedSequence> sequences = new ArrayList<>(train.size());
        List<Insertion> insertions = new ArrayList<>();
        for (int u = 0; u < train.size(); u++) {
            InsertionPlanner.Placed r = results[u] != null ? results[u] : planner.unchanged(train.get(u));
            sequences.add(r.sequence());
            insertions.addAll(r.insertions());
        }
        // Summed in training order, whatever the number of workers.
        double similaritySum = 0;
        double matchSum = 0;
        for (Insertion in : insertions) {
            similaritySum += in.similarity();
            matchSum += in.matchSimilarity();
        }
        List<History> before = new ArrayList<>(train.size());
        for (UserSequence s : train) {
            before.add(s.items());
        }
        List<History> after = new ArrayList<>(sequences.size());
        for (AugmentedSequence s : sequences) {
            after.add(s.items());
        }
        int n = insertions.size();
        AugmentationReport report = counts.report(train.size(), users.imbalanced(), users.skippedByCap(),
                n == 0 ? Double.NaN : similaritySum / n, n == 0 || generation == null ? Double.NaN : matchSum / n, items.clusterCounts(),
                interactions(catalog, before), interactions(catalog, after), DatasetStatistics.majorityShareHistogram(catalog, before),
                DatasetStatistics.majorityShareHistogram(catalog, after));
        LOG.info("augmented {} of {} imbalanced users of {} with {} items (mean cosine {}; {} candidates, {} below tau {}, {} beyond "
                + "the cap) in {} s", report.usersAugmented(), report.imbalancedUsers(), data.name(), n,
                String.format(Locale.ROOT, "%.4f", report.meanSimilarity()), report.candidates(), report.droppedBelowThreshold(),
                settings.similarityThreshold(), report.droppedByInsertionCap(),
                String.format(Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9));
        Map<String, Object> described = new LinkedHashMap<>(settings.toMap());
        described.put("generator", generation == null ? null : generation.generator().modelId());
        return new AugmentedData(sequences, insertions, report, settings.insertion(), generation != null,
                settings.insertedItemsAreTargets(), settings.insertedTargetWeight(), described);
    }

    /** The offline candidates of the bridge scoring: by cosine, by CSLS, or from behaviour falling back to CSLS. */
    private CandidateSource offlineCandidates(List<UserSequence> train, ImbalancedUsers users, ItemCatalog catalog, ItemSpace items,
            WorkerPool pool, ProgressListener progress) {
        BridgeScoring scoring = settings.bridges();
        NearestItemCandidates nearest = NearestItemCandidates.search(train, users, catalog, items, scoring != BridgeScoring.TEXT, pool,
                progress);
        return scoring == BridgeScoring.BEHAVIOUR ? BehaviourBridges.count(train, catalog, items, nearest) : nearest;
    }

    private static Map<String, Long> interactions(ItemCatalog catalog, List<History> sequences) {
        long[] counts = new long[catalog.domains().size()];
        for (History h : sequences) {
            for (int i = 0; i < h.length(); i++) {
                counts[catalog.item(h.item(i)).domain()]++;
            }
        }
        Map<String, Long> m = new LinkedHashMap<>();
        for (Domain d : catalog.domains()) {
            m.put(d.name(), counts[d.index()]);
        }
        return m;
    }
}
