package dev.llmedt.spark;

import dev.llmedt.augment.AugmentationReport;
import dev.llmedt.data.DatasetStatistics;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.data.Item;
import dev.llmedt.data.ItemCatalog;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The {@link AugmentationReport} of some rows of {@link AugmentJob#OUTPUT} (one partition's), to be
 * merged with the others'. Every term is a whole count or an exact sum, so merging in any order
 * gives the same report. Rows: {@code items, inserted, insertions, counts}.
 */
final class ReportPartial implements Serializable {

    private static final long serialVersionUID = 1L;
    /** counts struct fields summed, from source_items_without_text (index 3) to dropped_by_insertion_cap (13). */
    private static final int FIRST_COUNT = 3;
    private static final int COUNTS = 11;

    private final int[] domainEnds;
    private long users;
    private long imbalanced;
    private long skippedByCap;
    private long usersAugmented;
    private long insertions;
    private final long[] counts = new long[COUNTS];
    private BigDecimal similarity = BigDecimal.ZERO;
    private BigDecimal match = BigDecimal.ZERO;
    private boolean matchUndefined;
    private final boolean[] sourceDomain;
    private final long[] before;
    private final long[] after;
    private final long[] histogramBefore = new long[10];
    private final long[] histogramAfter = new long[10];
    private transient List<History> pendingBefore;
    private transient List<History> pendingAfter;

    ReportPartial(int[] domainEnds) {
        this.domainEnds = domainEnds;
        this.sourceDomain = new boolean[domainEnds.length];
        this.before = new long[domainEnds.length];
        this.after = new long[domainEnds.length];
    }

    private int domain(int item) {
        int d = 0;
        while (item >= domainEnds[d]) {
            d++;
        }
        return d;
    }

    /** Adds one output row. */
    void add(Row r, boolean withGenerator) {
        users++;
        List<Integer> items = r.getList(0);
        List<Boolean> inserted = r.getList(1);
        List<Row> ins = r.getList(2);
        Row c = r.getStruct(3);
        if (c.getBoolean(0)) {
            imbalanced++;
        }
        if (c.getBoolean(1)) {
            skippedByCap++;
        }
        if (c.getInt(2) >= 0) {
            sourceDomain[c.getInt(2)] = true;
        }
        for (int k = 0; k < COUNTS; k++) {
            counts[k] += c.getLong(FIRST_COUNT + k);
        }
        insertions += ins.size();
        if (!ins.isEmpty()) {
            usersAugmented++;
        }
        for (Row in : ins) {
            similarity = similarity.add(new BigDecimal((double) in.getFloat(3)));
            if (withGenerator) {
                float m = in.getFloat(4);
                if (Float.isFinite(m)) {
                    match = match.add(new BigDecimal((double) m));
                } else {
                    matchUndefined = true;
                }
            }
        }
        // Each item stands for its domain: histories over a catalog of one item per domain.
        int n = items.size();
        int kept = 0;
        for (Boolean b : inserted) {
            kept += b ? 0 : 1;
        }
        int[] all = new int[n];
        int[] original = new int[kept];
        int j = 0;
        for (int p = 0; p < n; p++) {
            int d = domain(items.get(p));
            all[p] = d;
            after[d]++;
            if (!inserted.get(p)) {
                original[j++] = d;
                before[d]++;
            }
        }
        if (pendingBefore == null) {
            pendingBefore = new ArrayList<>();
            pendingAfter = new ArrayList<>();
        }
        pendingBefore.add(History.of(original));
        pendingAfter.add(History.of(all));
        if (pendingBefore.size() >= 4096) {
            flush();
        }
    }

    /** Bins the pending histories by {@link DatasetStatistics#majorityShareHistogram}, the one definition of the histogram. */
    private void flush() {
        if (pendingBefore == null || pendingBefore.isEmpty()) {
            return;
        }
        ItemCatalog domains = domainCatalog(domainEnds.length);
        long[] b = DatasetStatistics.majorityShareHistogram(domains, pendingBefore);
        long[] a = DatasetStatistics.majorityShareHistogram(domains, pendingAfter);
        for (int k = 0; k < 10; k++) {
            histogramBefore[k] += b[k];
            histogramAfter[k] += a[k];
        }
        pendingBefore.clear();
        pendingAfter.clear();
    }

    private static ItemCatalog domainCatalog(int n) {
        List<Domain> domains = new ArrayList<>(n);
        List<Item> items = new ArrayList<>(n);
        for (int d = 0; d < n; d++) {
            domains.add(new Domain(d, "d" + d, d, 1));
            items.add(new Item(d, d, Integer.toString(d), Map.of()));
        }
        return new ItemCatalog(domains, items);
    }

    private Object writeReplace() {
        flush();
        return this;
    }

    /** Adds another partition's terms to this one's and returns this. */
    ReportPartial merge(ReportPartial o) {
        flush();
        o.flush();
        users += o.users;
        imbalanced += o.imbalanced;
        skippedByCap += o.skippedByCap;
        usersAugmented += o.usersAugmented;
        insertions += o.insertions;
        for (int k = 0; k < COUNTS; k++) {
            counts[k] += o.counts[k];
        }
        similarity = similarity.add(o.similarity);
        match = match.add(o.match);
        matchUndefined |= o.matchUndefined;
        for (int d = 0; d < domainEnds.length; d++) {
            sourceDomain[d] |= o.sourceDomain[d];
            before[d] += o.before[d];
            after[d] += o.after[d];
        }
        for (int k = 0; k < 10; k++) {
            histogramBefore[k] += o.histogramBefore[k];
            histogramAfter[k] += o.histogramAfter[k];
        }
        return this;
    }

    /** The report of the merged terms. */
    AugmentationReport report(String[] domainNames, int[] clusterCounts, boolean withGenerator) {
        flush();
        Map<String, Integer> clusters = new LinkedHashMap<>();
        Map<String, Long> interactionsBefore = new LinkedHashMap<>();
        Map<String, Long> interactionsAfter = new LinkedHashMap<>();
        for (int d = 0; d < domainNames.length; d++) {
            if (sourceDomain[d]) {
                clusters.put(domainNames[d], clusterCounts[d]);
            }
            interactionsBefore.put(domainNames[d], before[d]);
            interactionsAfter.put(domainNames[d], after[d]);
        }
        double meanSimilarity = insertions == 0 ? Double.NaN : similarity.doubleValue() / insertions;
        double meanMatch = insertions == 0 || !withGenerator || matchUndefined ? Double.NaN : match.doubleValue() / insertions;
        return new AugmentationReport(users, imbalanced, skippedByCap, usersAugmented, insertions, meanSimilarity, meanMatch, counts[0],
                counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], counts[7], counts[8], counts[9], counts[10], clusters,
                interactionsBefore, interactionsAfter, histogramBefore, histogramAfter);
    }
}
