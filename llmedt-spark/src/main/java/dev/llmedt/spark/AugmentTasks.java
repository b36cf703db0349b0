package dev.llmedt.spark;

import dev.llmedt.augment.AugmentedSequence;
import dev.llmedt.augment.BatchAugmenter;
import dev.llmedt.augment.Insertion;
import dev.llmedt.augment.TransferableItemAugmenter;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.UserSequence;
import dev.llmedt.text.TextEncoder;
import dev.llmedt.text.TextGenerator;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The executor side of {@link AugmentJob}: the broadcast state ({@link Shared}), one augmenter per
 * executor JVM built from it, and the augmentation of a task's batch of users into rows of
 * {@link AugmentJob#OUTPUT}.
 */
final class AugmentTasks {

    private AugmentTasks() {
    }

    /** What every executor needs: the item side, the clusters, the chosen users (null: all). */
    record Shared(ItemSide items, int[] clusters, int[] chosen) implements Serializable {
    }

    /** An executor's augmenter and the model id of its generator (null offline). */
    record Executor(BatchAugmenter augmenter, String generatorModelId) {
    }

    static Executor augmenter(Broadcast<Shared> shared, AugmentJob.Config config,
            boolean withGenerator) {
        String key = "augment-" + shared.id() + (withGenerator ? "-generator" : "");
        return ExecutorSingletons.get(key, () -> {
            Shared s = shared.value();
            TransferableItemAugmenter.Builder b = TransferableItemAugmenter.builder().settings(config.settings()).threads(1);
            String generatorId = null;
            if (withGenerator && config.generator() != null) {
                TextGenerator limited = new RateLimitedGenerator(config.generator().create(),
                        AugmentJob.bucket(config.requestsPerSecond(), config.burst()));
                TextEncoder encoder = DeepStackEncoder.create(config.encoder());
                b.generator(limited, encoder).generatorConcurrency(config.generatorConcurrency());
                generatorId = limited.modelId();
            }
            ItemCatalog catalog = s.items().catalog();
            return new Executor(BatchAugmenter.of(b.build(), catalog, s.items().embeddings(), s.clusters()), generatorId);
        });
    }

    static UserSequence sequence(Row r, int itemCount) {
        if (r.isNullAt(0)) {
            throw new IllegalArgumentException("sequences row " + Tables.userKey(r, 1, 2) + " has a null user_index");
        }
        if (r.isNullAt(1) || r.isNullAt(2)) {
            throw new IllegalArgumentException("sequences row user_index=" + r.getInt(0) + " has a null source or uid");
        }
        String key = "user_index=" + r.getInt(0) + " (" + Tables.userKey(r, 1, 2) + ")";
        return new UserSequence(r.getString(1), r.getString(2), History.of(Tables.itemIds(r, 3, "sequences", key, itemCount)));
    }

    /** Augments one batch of users. */
    static List<Row> augment(List<Row> batch, Broadcast<Shared> shared,
            AugmentJob.Config config) {
        Shared s = shared.value();
        int itemCount = s.items().itemCount();
        List<Integer> ids = new ArrayList<>(batch.size());
        List<UserSequence> seqs = new ArrayList<>(batch.size());
        for (Row r : batch) {
            seqs.add(sequence(r, itemCount));
            ids.add(r.getInt(0));
        }
        int[] chosen = s.chosen();
        Executor executor = augmenter(shared, config, true);
        List<Row> out = new ArrayList<>(batch.size());
        List<BatchAugmenter.Result> results = executor.augmenter().augment(ids, seqs, u -> chosen == null || Arrays.binarySearch(chosen, u) >= 0, 1);
        String generatorId = executor.generatorModelId();
        for (BatchAugmenter.Result res : results) {
            out.add(row(res, s.items().modelId(), generatorId));
        }
        return out;
    }

    private static Row row(BatchAugmenter.Result res, String embeddingsModelId, String generatorModelId) {
        AugmentedSequence seq = res.sequence();
        Integer[] items = Tables.boxed(seq.items());
        Boolean[] inserted = new Boolean[items.length];
        Boolean[] target = new Boolean[items.length];
        for (int p = 0; p < items.length; p++) {
            inserted[p] = seq.isInserted(p);
            target[p] = seq.isTrainingTarget(p);
        }
        Row[] ins = new Row[res.insertions().size()];
        for (int k = 0; k < ins.length; k++) {
            Insertion in = res.insertions().get(k);
            ins[k] = RowFactory.create(in.position(), in.sourceItem(), in.insertedItem(), in.similarity(), in.matchSimilarity(),
                    in.afterPosition());
        }
        BatchAugmenter.UserCounts c = res.counts();
        Row counts = RowFactory.create(c.imbalanced(), c.skippedByCap(), c.sourceDomain(), c.sourceItemsWithoutText(), c.generatorCalls(),
                c.generatorFailures(), c.unparsableAnswers(), c.generatedTexts(), c.generatedTextsBeyondLimit(), c.candidates(),
                c.droppedBelowThreshold(), c.droppedDuplicates(), c.droppedInSequence(), c.droppedByInsertionCap());
        return RowFactory.create(res.userIndex(), seq.source(), seq.user(), items, inserted, target, ins, counts, embeddingsModelId,
                generatorModelId);
    }

}
