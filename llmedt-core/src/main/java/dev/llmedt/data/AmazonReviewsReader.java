package dev.llmedt.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a cross-domain dataset from the raw Amazon review corpus (McAuley et al.): one reviews
 * file and one metadata file per domain, JSON Lines, optionally {@code .gz}.
 *
 * <p><b>Reviews</b>: one object per line with {@code reviewerID}, {@code asin} and
 * {@code unixReviewTime} (other fields are ignored). <b>Metadata</b>: one object per line with
 * {@code asin} and the text fields {@code title}, {@code brand}, {@code category} (or the older
 * {@code categories}) and {@code description}; single-quoted strings are accepted.
 *
 * <p>Reading goes: reviews of every domain (a user is a {@code reviewerID}, the same across
 * domains, which is what makes users cross-domain; an item is a (domain, asin) pair) -> the
 * optional {@linkplain Builder#timeWindow time window} -> the optional iterative
 * {@linkplain Builder#kCore k-core filter} over all domains -> metadata of the items left -> per
 * user, the reviews sorted by time (ties: domain order, then file order) -> the leave-one-out
 * split (see {@link #read()}). Within a domain, items get global ids in order of their first
 * review in the file; {@link Item#externalId()} is the ASIN.
 *
 * <p>Counted in the report and logged, never dropped silently: blank lines, reviews outside the
 * time window, what the k-core filter removed, kept items without a metadata row (they keep no
 * text), and metadata rows of items with no review left (not kept). A line that is not a JSON
 * object, a review without a valid {@code reviewerID}, {@code asin} or {@code unixReviewTime}, a
 * metadata row without an ASIN and an ASIN given twice in one metadata file are errors naming the
 * file and line. A repeated (reviewer, asin) review is kept: it is a separate interaction.
 */
public final class AmazonReviewsReader implements DatasetReader {

    /** The source name of the training sequences (they merge every domain's reviews file). */
    public static final String TRAIN_SOURCE = "train";

    private static final Logger LOG = LoggerFactory.getLogger(AmazonReviewsReader.class);

    private final List<DomainFiles> domains;
    private final long windowFrom;
    private final long windowTo;
    private final boolean windowSet;
    private final KCoreFilter kCore;

    private AmazonReviewsReader(Builder builder) {
        this.domains = List.copyOf(builder.domains);
        this.windowFrom = builder.windowFrom;
        this.windowTo = builder.windowTo;
        this.windowSet = builder.windowSet;
        this.kCore = builder.kCore;
    }

    /** Starts configuring a reader. */
    public static Builder builder() {
        return new Builder();
    }

    private record DomainFiles(String name, Path reviews, Path metadata) {
    }

    /**
     * Reads and filters the reviews, then splits every user leave-one-out: a user with
     * {@code n >= 3} reviews gives a training sequence of the first {@code n - 2} items (source
     * {@value #TRAIN_SOURCE}), a validation case whose target is item {@code n - 2} (source
     * {@code "valid"}) and a test case whose target is the last item (source {@code "test"}),
     * each case's input being everything before its target. Users with fewer than 3 reviews are
     * kept for training only and counted in the report.
     *
     * @throws MalformedDataException when a file is malformed (names the file and line), or when
     *     a domain has no review left after filtering
     * @throws IOException when a file cannot be read
     */
    @Override
    public CdsrDataset read() throws IOException {
        long start = System.nanoTime();
        ReadReport.Builder report = new ReadReport.Builder();
        InteractionLog reviews = new InteractionLog();
        Candidates candidates = new Candidates(domains.size());
        for (int d = 0; d < domains.size(); d++) {
            readReviews(d, reviews, candidates, report);
        }
        boolean[] keep = filter(reviews, candidates.size(), report);
        int[] globalIds = candidates.assignIds(reviews.items(), keep);
        List<Domain> domainList = domainsOf(candidates, globalIds);
        Item[] items = new Item[domainList.get(domainList.size() - 1).endItem()];
        for (int d = 0; d < domains.size(); d++) {
            readMetadata(d, candidates, globalIds, items, report);
        }
        ItemCatalog catalog = new ItemCatalog(domainList, Arrays.asList(items));
        String name = String.join("-", catalog.domainNames());
        CdsrDataset dataset = reviews.retain(keep, globalIds).toDataset(name, catalog, TRAIN_SOURCE, report, LOG, "amazon " + name);
        LOG.info("read {} in {} ms", dataset, (System.nanoTime() - start) / 1_000_000);
        return dataset;
    }

    private void readReviews(int d, InteractionLog reviews, Candidates candidates, ReadReport.Builder report) throws IOException {
        Path file = domains.get(d).reviews();
        long[] outsideWindow = new long[1];
        long[] blank = new long[1];
        TextFiles.forEachLine(file, (n, line) -> {
            if (line.isBlank()) {
                blank[0]++;
                return;
            }
            AmazonJson.Review review = AmazonJson.review(file, n, line);
            if (review.time() < windowFrom || review.time() >= windowTo) {
                outsideWindow[0]++;
                return;
            }
            reviews.add(reviews.user(review.reviewer()), candidates.index(d, review.asin()), review.time());
        });
        report.add("blank lines in " + file.getFileName() + ", skipped", blank[0]);
        if (outsideWindow[0] > 0) {
            LOG.info("{}: {} reviews outside the time window [{}, {})", file, outsideWindow[0], windowFrom, windowTo);
            report.add("reviews outside the time window in " + file.getFileName(), outsideWindow[0]);
        }
    }

    /** Applies the k-core filter when configured; returns which reviews to keep. */
    private boolean[] filter(InteractionLog reviews, int itemCount, ReadReport.Builder report) {
        if (kCore == null) {
            boolean[] keep = new boolean[reviews.size()];
            Arrays.fill(keep, true);
            return keep;
        }
        KCoreFilter.Result core = kCore.apply(reviews.users(), reviews.items(), reviews.userCount(), itemCount);
        LOG.info("k-core ({} per user, {} per item): removed {} of {} reviews, {} of {} users, {} of {} items",
                kCore.minUserInteractions(), kCore.minItemInteractions(), core.removedInteractions(), reviews.size(),
                core.removedUsers(), reviews.userCount(), core.removedItems(), itemCount);
        report.add("k-core: reviews removed", core.removedInteractions());
        report.add("k-core: users removed", core.removedUsers());
        report.add("k-core: items removed", core.removedItems());
        return core.keep();
    }

    /** The domains over the items left, each a contiguous block of global ids. */
    private List<Domain> domainsOf(Candidates candidates, int[] globalIds) throws MalformedDataException {
        int[] sizes = new int[domains.size()];
        for (int i = 0; i < globalIds.length; i++) {
            if (globalIds[i] >= 0) {
                sizes[candidates.domain(i)]++;
            }
        }
        List<Domain> list = new ArrayList<>();
        int offset = 0;
        for (int d = 0; d < sizes.length; d++) {
            if (sizes[d] == 0) {
                throw new MalformedDataException(domains.get(d).reviews(), 0, "domain '" + domains.get(d).name()
                        + "' has no review" + (kCore != null || windowSet ? " left after the time window and the k-core filter" : ""));
            }
            list.add(new Domain(d, domains.get(d).name(), offset, sizes[d]));
            offset += sizes[d];
        }
        return list;
    }

    /** Reads a domain's metadata into {@code items}; items without a row get no text. */
    private void readMetadata(int d, Candidates candidates, int[] globalIds, Item[] items, ReadReport.Builder report)
            throws IOException {
        Path file = domains.get(d).metadata();
        Map<String, Long> lineOf = new HashMap<>();
        long[] unused = new long[1];
        long[] blank = new long[1];
        TextFiles.forEachLine(file, (n, line) -> {
            if (line.isBlank()) {
                blank[0]++;
                return;
            }
            AmazonJson.Metadata row = AmazonJson.metadata(file, n, line);
            Long first = lineOf.putIfAbsent(row.asin(), n);
            if (first != null) {
                throw new MalformedDataException(file, n, "duplicate asin " + TextFiles.quote(row.asin())
                        + " (first at line " + first + ")");
            }
            int candidate = candidates.find(d, row.asin());
            int id = candidate < 0 ? -1 : globalIds[candidate];
            if (id < 0) {
                unused[0]++;
                return;
            }
            items[id] = new Item(id, d, row.asin(), row.text());
        });
        report.add("blank lines in " + file.getFileName() + ", skipped", blank[0]);
        report.add("metadata rows of items without a (kept) review in " + file.getFileName() + ", not kept", unused[0]);
        int missing = 0;
        for (int i = 0; i < globalIds.length; i++) {
            int id = globalIds[i];
            if (id >= 0 && candidates.domain(i) == d && items[id] == null) {
                items[id] = new Item(id, d, candidates.asin(i), Map.of());
                missing++;
            }
        }
        if (missing > 0) {
            LOG.info("{}: {} reviewed items have no metadata row; they have no text", file, missing);
            report.add("items without metadata in " + file.getFileName() + ", kept without text", missing);
        }
    }

    /** The reviewed items before filtering, numbered in reading order (so domain by domain). */
    private static final class Candidates {
        private final List<Map<String, Integer>> byDomain = new ArrayList<>();
        private final List<String> asins = new ArrayList<>();
        private final List<Integer> domainOf = new ArrayList<>();

        Candidates(int domainCount) {
            for (int d = 0; d < domainCount; d++) {
                byDomain.add(new HashMap<>());
            }
        }

        /** Returns the index of (domain, asin), assigning the next one to a new pair. */
        int index(int domain, String asin) {
            return byDomain.get(domain).computeIfAbsent(asin, a -> {
                asins.add(a);
                domainOf.add(domain);
                return asins.size() - 1;
            });
        }

        /** Returns the index of (domain, asin), or -1 when no review named it. */
        int find(int domain, String asin) {
            return byDomain.get(domain).getOrDefault(asin, -1);
        }

        int size() {
            return asins.size();
        }

        int domain(int index) {
            return domainOf.get(index);
        }

        String asin(int index) {
            return asins.get(index);
        }

        /**
         * Numbers the items that keep at least one review, in candidate order; -1 for the others.
         * Candidates were numbered domain by domain, so each domain's ids form one block.
         */
        int[] assignIds(int[] itemOfReview, boolean[] keep) {
            boolean[] used = new boolean[size()];
            for (int k = 0; k < itemOfReview.length; k++) {
                if (keep[k]) {
                    used[itemOfReview[k]] = true;
                }
            }
            int[] ids = new int[size()];
            int next = 0;
            for (int i = 0; i < ids.length; i++) {
                ids[i] = used[i] ? next++ : -1;
            }
            return ids;
        }
    }

    /** Configures an {@link AmazonReviewsReader}. */
    public static final class Builder {
        private final List<DomainFiles> domains = new ArrayList<>();
        private long windowFrom = Long.MIN_VALUE;
        private long windowTo = Long.MAX_VALUE;
        private boolean windowSet;
        private KCoreFilter kCore;

        private Builder() {
        }

        /**
         * Adds a domain; domains are numbered in the order they are added.
         *
         * @param name the domain's display name, unique and not blank
         * @param reviews the domain's reviews file (JSON Lines, optionally {@code .gz})
         * @param metadata the domain's product metadata file (JSON Lines, optionally {@code .gz})
         * @throws IllegalArgumentException when the name is blank or already used
         */
        public Builder domain(String name, Path reviews, Path metadata) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(reviews, "reviews");
            Objects.requireNonNull(metadata, "metadata");
            if (name.isBlank()) {
                throw new IllegalArgumentException("domain name must not be blank");
            }
            for (DomainFiles d : domains) {
                if (d.name().equals(name)) {
                    throw new IllegalArgumentException("domain name '" + name + "' was already added");
                }
            }
            domains.add(new DomainFiles(name, reviews, metadata));
            return this;
        }

        /**
         * Keeps only reviews with {@code fromInclusive <= unixReviewTime < toExclusive}. Default:
         * every review.
         *
         * @param fromInclusiveUnixSeconds the window start, in unix seconds
         * @param toExclusiveUnixSeconds the window end, in unix seconds, greater than the start
         * @throws IllegalArgumentException when the end is not after the start
         * @throws IllegalStateException when the window was already set
         */
        public Builder timeWindow(long fromInclusiveUnixSeconds, long toExclusiveUnixSeconds) {
            if (toExclusiveUnixSeconds <= fromInclusiveUnixSeconds) {
                throw new IllegalArgumentException("toExclusiveUnixSeconds must be > fromInclusiveUnixSeconds, got ["
                        + fromInclusiveUnixSeconds + ", " + toExclusiveUnixSeconds + ")");
            }
            if (windowSet) {
                throw new IllegalStateException("timeWindow was already set to [" + windowFrom + ", " + windowTo + ")");
            }
            windowSet = true;
            windowFrom = fromInclusiveUnixSeconds;
            windowTo = toExclusiveUnixSeconds;
            return this;
        }

        /**
         * Applies the iterative k-core filter over all domains: users with fewer than
         * {@code minUserInteractions} reviews and items with fewer than
         * {@code minItemInteractions} are removed, repeatedly, until all that remain meet both
         * thresholds. Default: no filter.
         *
         * @param minUserInteractions the fewest reviews a kept user has, over all domains; at least 1
         * @param minItemInteractions the fewest reviews a kept item has; at least 1
         * @throws IllegalArgumentException when a threshold is below 1
         * @throws IllegalStateException when the filter was already set
         */
        public Builder kCore(int minUserInteractions, int minItemInteractions) {
            KCoreFilter filter = new KCoreFilter(minUserInteractions, minItemInteractions);
            if (kCore != null) {
                throw new IllegalStateException("kCore was already set to (" + kCore.minUserInteractions() + ", "
                        + kCore.minItemInteractions() + ")");
            }
            kCore = filter;
            return this;
        }

        /**
         * Returns the configured reader.
         *
         * @throws IllegalStateException when no domain was added
         */
        public AmazonReviewsReader build() {
            if (domains.isEmpty()) {
                throw new IllegalStateException("no domain: add at least one with domain(name, reviews, metadata)");
            }
            return new AmazonReviewsReader(this);
        }
    }
}
