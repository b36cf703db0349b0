package dev.llmedt.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Descriptive statistics of a dataset: per domain, per source file, overlap and domain balance.
 *
 * <p>Domain and balance figures are over the training sequences (held-out users of a leave-one-out
 * split are the training users again). Per-file figures cover every source, held-out files
 * included (a held-out sequence counts its input and its target).
 *
 * @param dataset the dataset's name
 * @param domains per domain: items, users with at least one training interaction there, interactions
 * @param overlapUsers training users with interactions in two or more domains
 * @param files per source file: sequences, interactions, median and maximum length
 * @param majorityShareHistogram training users by the share of their majority domain, in 10 bins of
 *     width 0.1 ({@code [0,0.1), ..., [0.9,1.0]}); single-domain users fall in the last bin
 */
public record DatasetStatistics(String dataset, List<DomainStats> domains, long overlapUsers, List<FileStats> files,
        long[] majorityShareHistogram) {

    /** Validates and freezes the fields. */
    public DatasetStatistics {
        domains = List.copyOf(domains);
        files = List.copyOf(files);
        majorityShareHistogram = majorityShareHistogram.clone();
    }

    /** Returns a copy of the histogram counts, bin 0 first. */
    @Override
    public long[] majorityShareHistogram() {
        return majorityShareHistogram.clone();
    }

    /**
     * Statistics of one domain.
     *
     * @param name the domain's name
     * @param items items in the domain
     * @param users training users with at least one interaction in it
     * @param interactions training interactions in it
     */
    public record DomainStats(String name, int items, long users, long interactions) {
    }

    /**
     * Statistics of one source file.
     *
     * @param source the file name
     * @param sequences sequences (users) in it
     * @param interactions items over all its sequences
     * @param medianLength median sequence length
     * @param maxLength longest sequence
     */
    public record FileStats(String source, long sequences, long interactions, double medianLength, int maxLength) {
    }

    /** Computes the statistics of a dataset. */
    public static DatasetStatistics of(CdsrDataset data) {
        List<Domain> domains = data.domains();
        long[] users = new long[domains.size()];
        long[] interactions = new long[domains.size()];
        long overlap = 0;
        long[] histogram = new long[10];
        Map<String, List<Integer>> lengths = new LinkedHashMap<>();
        int[] perDomain = new int[domains.size()];
        for (UserSequence s : data.train()) {
            Arrays.fill(perDomain, 0);
            History h = s.items();
            for (int i = 0; i < h.length(); i++) {
                perDomain[data.items().item(h.item(i)).domain()]++;
            }
            int present = 0;
            int max = 0;
            for (int d = 0; d < perDomain.length; d++) {
                interactions[d] += perDomain[d];
                if (perDomain[d] > 0) {
                    users[d]++;
                    present++;
                }
                max = Math.max(max, perDomain[d]);
            }
            if (present > 1) {
                overlap++;
            }
            histogram[majorityShareBin(max, h.length())]++;
            lengths.computeIfAbsent(s.source(), k -> new ArrayList<>()).add(h.length());
        }
        for (List<EvaluationCase> cases : List.of(data.valid(), data.test())) {
            for (EvaluationCase c : cases) {
                lengths.computeIfAbsent(c.source(), k -> new ArrayList<>()).add(c.input().length() + 1);
            }
        }
        List<DomainStats> domainStats = new ArrayList<>();
        for (Domain d : domains) {
            domainStats.add(new DomainStats(d.name(), d.size(), users[d.index()], interactions[d.index()]));
        }
        List<FileStats> files = new ArrayList<>();
        lengths.forEach((source, ls) -> files.add(fileStats(source, ls)));
        return new DatasetStatistics(data.name(), domainStats, overlap, files, histogram);
    }

    /**
     * Counts sequences by the share of their majority domain, in the 10 bins of
     * {@link #majorityShareHistogram()}: the one definition of that histogram, also used to show
     * how augmentation changes the domain balance.
     *
     * @param catalog the items' domains
     * @param sequences non-empty sequences of items of the catalog
     * @return the counts, bin 0 ({@code [0,0.1)}) first
     * @throws IllegalArgumentException when a sequence is empty
     */
    public static long[] majorityShareHistogram(ItemCatalog catalog, Iterable<History> sequences) {
        long[] histogram = new long[10];
        int[] perDomain = new int[catalog.domains().size()];
        for (History h : sequences) {
            if (h.isEmpty()) {
                throw new IllegalArgumentException("the majority-domain share of an empty sequence is undefined");
            }
            Arrays.fill(perDomain, 0);
            int max = 0;
            for (int i = 0; i < h.length(); i++) {
                max = Math.max(max, ++perDomain[catalog.item(h.item(i)).domain()]);
            }
            histogram[majorityShareBin(max, h.length())]++;
        }
        return histogram;
    }

    /** The bin of a sequence of {@code length} items whose majority domain holds {@code majority}. */
    private static int majorityShareBin(int majority, int length) {
        return Math.min(9, (int) Math.floor(10.0 * majority / length));
    }

    private static FileStats fileStats(String source, List<Integer> ls) {
        int[] sorted = ls.stream().mapToInt(Integer::intValue).sorted().toArray();
        long total = 0;
        for (int l : sorted) {
            total += l;
        }
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return new FileStats(source, n, total, median, sorted[n - 1]);
    }

    /** Returns the histogram bin labels, {@code [0.0,0.1)} to {@code [0.9,1.0]}. */
    public static List<String> binLabels() {
        List<String> labels = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            labels.add(String.format("[%.1f,%.1f%s", b / 10.0, (b + 1) / 10.0, b == 9 ? "]" : ")"));
        }
        return labels;
    }

    /**
     * Returns 10 histogram counts keyed by their {@link #binLabels() bin labels}, in bin order, for JSON.
     *
     * @throws IllegalArgumentException unless there are exactly 10 counts
     */
    public static Map<String, Long> labelledHistogram(long[] counts) {
        if (counts.length != 10) {
            throw new IllegalArgumentException("a majority-share histogram has 10 bins, got " + counts.length);
        }
        Map<String, Long> hist = new LinkedHashMap<>();
        List<String> labels = binLabels();
        for (int b = 0; b < 10; b++) {
            hist.put(labels.get(b), counts[b]);
        }
        return hist;
    }

    /** Returns the statistics as nested maps for JSON. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", dataset);
        Map<String, Object> ds = new LinkedHashMap<>();
        for (DomainStats d : domains) {
            ds.put(d.name(), Map.of("items", d.items(), "users", d.users(), "interactions", d.interactions()));
        }
        m.put("domains", ds);
        m.put("overlap_users", overlapUsers);
        Map<String, Object> fs = new LinkedHashMap<>();
        for (FileStats f : files) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("sequences", f.sequences());
            one.put("interactions", f.interactions());
            one.put("median_length", f.medianLength());
            one.put("max_length", f.maxLength());
            fs.put(f.source(), one);
        }
        m.put("files", fs);
        m.put("majority_domain_share_histogram", labelledHistogram(majorityShareHistogram));
        return m;
    }
}
