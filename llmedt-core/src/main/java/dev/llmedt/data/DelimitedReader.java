package dev.llmedt.data;

import static dev.llmedt.data.DelimitedFile.fileName;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a dataset from two delimited files (CSV or TSV, optionally {@code .gz}): timestamped
 * interactions and an item table. It splits every user leave-one-out (see
 * {@link #read()}).
 *
 * <p><b>Items file.</b> A header naming the columns {@code item} (or {@code item_id},
 * {@code itemid}, {@code iid}), {@code domain} and {@code title}; every further column is one more
 * text field of the item, kept after the title in header order. One row per item; an item key
 * appears once. Domains are numbered in order of first appearance in this file, and global item
 * ids are given domain by domain (each domain's items a contiguous block, in file order within
 * the domain). {@link Item#externalId()} is the item key. Items without interactions are kept:
 * they are candidates for recommendation (and counted in the report).
 *
 * <p><b>Interactions file.</b> A header naming the columns {@code user} (or {@code user_id},
 * {@code userid}, {@code uid}), {@code item} (same aliases as above), {@code domain} and
 * {@code timestamp} (or {@code time}, {@code ts}, {@code unix_time}); further columns are ignored.
 * One row per interaction; the timestamp is a number (an integer such as unix seconds, or a
 * decimal), compared numerically; interactions with equal timestamps keep their file order.
 *
 * <p>Header names are matched case-insensitively and may come in any order. Fields may be quoted
 * as in RFC 4180 (double quotes, a doubled quote inside a quoted field); a quoted field may hold
 * line breaks, read as {@code \n} whether the file ends its lines with {@code \n} or
 * {@code \r\n} (Apache Commons CSV reads the records). Keys, domains and text are trimmed of
 * surrounding white space. A blank line is skipped and counted. A wrong number of fields, an
 * unterminated quote, a bad timestamp, a missing header column, an empty key, an unknown item, an
 * item listed under a domain other than its items-file domain and an item key given twice in the
 * items file are errors naming the file and the line: the first line of the record, except for a
 * character after a closing quote (its own line) and invalid UTF-8 (the line that holds it).
 */
public final class DelimitedReader implements DatasetReader {

    private static final Logger LOG = LoggerFactory.getLogger(DelimitedReader.class);

    private final Path interactions;
    private final Path items;
    private final Character delimiter;

    private DelimitedReader(Builder builder) {
        this.interactions = builder.interactions;
        this.items = builder.items;
        this.delimiter = builder.delimiter;
    }

    /**
     * Starts configuring a reader.
     *
     * @param interactions the interactions file ({@code user, item, domain, timestamp})
     * @param items the items file ({@code item, domain, title, ...})
     */
    public static Builder builder(Path interactions, Path items) {
        return new Builder(interactions, items);
    }

    /**
     * Reads both files and splits every user leave-one-out: a user with {@code n >= 3}
     * interactions gives a training sequence of the first {@code n - 2} items (source: the
     * interactions file name), a validation case whose target is item {@code n - 2} (source
     * {@code "valid"}) and a test case whose target is the last item (source {@code "test"}),
     * each case's input being everything before its target. Users with fewer than 3 interactions
     * are kept for training only and counted in the report.
     *
     * @throws MalformedDataException when a file is malformed (names the file and line)
     * @throws IOException when a file cannot be read
     */
    @Override
    public CdsrDataset read() throws IOException {
        long start = System.nanoTime();
        ReadReport.Builder report = new ReadReport.Builder();
        ItemsFile itemRows = new ItemsFile(items, delimiterOf(items), report);
        itemRows.read();
        ItemCatalog catalog = itemRows.catalog();
        InteractionsFile interactionRows = new InteractionsFile(interactions, delimiterOf(interactions), itemRows, catalog, report);
        interactionRows.read();
        InteractionLog log = interactionRows.finish();
        CdsrDataset dataset = log.toDataset(datasetName(), catalog, fileName(interactions), report, LOG, interactions.toString());
        LOG.info("read {} in {} ms", dataset, (System.nanoTime() - start) / 1_000_000);
        return dataset;
    }

    private char delimiterOf(Path file) {
        if (delimiter != null) {
            return delimiter;
        }
        String name = fileName(file).toLowerCase(Locale.ROOT);
        return name.endsWith(".tsv") || name.endsWith(".tsv.gz") ? '\t' : ',';
    }

    private String datasetName() {
        Path parent = interactions.toAbsolutePath().normalize().getParent();
        return parent == null || parent.getFileName() == null ? fileName(interactions) : parent.getFileName().toString();
    }

    /** Configures a {@link DelimitedReader}. */
    public static final class Builder {
        private final Path interactions;
        private final Path items;
        private Character delimiter;

        private Builder(Path interactions, Path items) {
            this.interactions = Objects.requireNonNull(interactions, "interactions");
            this.items = Objects.requireNonNull(items, "items");
        }

        /**
         * Sets the field delimiter of both files. Default: a tab for files named {@code *.tsv} or
         * {@code *.tsv.gz}, a comma for any other name (decided per file).
         *
         * @param delimiter the character between fields, such as {@code ';'} or {@code '|'}
         * @throws IllegalArgumentException when the delimiter is a double quote, a line break or
         *     a space
         * @throws IllegalStateException when the delimiter was already set
         */
        public Builder delimiter(char delimiter) {
            if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == ' ') {
                throw new IllegalArgumentException("delimiter must not be a double quote, a line break or a space, got "
                        + (int) delimiter + " (" + DelimitedRecords.describe(delimiter) + ")");
            }
            if (this.delimiter != null) {
                throw new IllegalStateException("delimiter was already set to " + DelimitedRecords.describe(this.delimiter));
            }
            this.delimiter = delimiter;
            return this;
        }

        /** Returns the configured reader. */
        public DelimitedReader build() {
            return new DelimitedReader(this);
        }
    }

    /** The items file: rows in file order, then the catalog built from them. */
    private static final class ItemsFile extends DelimitedFile {
        private int itemColumn;
        private int domainColumn;
        private int[] textColumns;
        private final Map<String, Integer> rowByKey = new HashMap<>();
        private final List<String> keys = new ArrayList<>();
        private final List<Long> lines = new ArrayList<>();
        private final List<Integer> domainOfRow = new ArrayList<>();
        private final List<Map<String, String>> texts = new ArrayList<>();
        private final Map<String, Integer> domainIndex = new LinkedHashMap<>();
        private int[] globalIdOfRow;

        ItemsFile(Path file, char delimiter, ReadReport.Builder report) {
            super(file, delimiter, report);
        }

        @Override
        String expectedColumns() {
            return Column.ITEM + ", " + Column.DOMAIN + ", " + Column.TITLE + " and any further text columns";
        }

        @Override
        void columns(Header header) throws MalformedDataException {
            itemColumn = header.require(Column.ITEM);
            domainColumn = header.require(Column.DOMAIN);
            int title = header.require(Column.TITLE);
            List<Integer> text = new ArrayList<>();
            text.add(title);
            for (int c = 0; c < header.size(); c++) {
                if (c != itemColumn && c != domainColumn && c != title) {
                    text.add(c);
                }
            }
            textColumns = text.stream().mapToInt(Integer::intValue).toArray();
        }

        @Override
        void row(long number, String[] fields) throws MalformedDataException {
            String key = key(fields, itemColumn, number);
            String domain = key(fields, domainColumn, number);
            Integer previous = rowByKey.putIfAbsent(key, keys.size());
            if (previous != null) {
                throw new MalformedDataException(file, number, "duplicate item " + TextFiles.quote(key)
                        + " (first at line " + lines.get(previous) + ")");
            }
            Map<String, String> text = new LinkedHashMap<>();
            text.put(Item.TITLE, fields[textColumns[0]].strip()); // Item.title() looks up the lower-case name
            for (int t = 1; t < textColumns.length; t++) {
                text.put(header.name(textColumns[t]), fields[textColumns[t]].strip());
            }
            keys.add(key);
            lines.add(number);
            domainOfRow.add(domainIndex.computeIfAbsent(domain, d -> domainIndex.size()));
            texts.add(text);
        }

        /** Builds the catalog: domains in order of first appearance, each a contiguous id block. */
        ItemCatalog catalog() throws MalformedDataException {
            checkNotEmpty("items");
            int[] sizes = new int[domainIndex.size()];
            for (int d : domainOfRow) {
                sizes[d]++;
            }
            List<Domain> domains = new ArrayList<>();
            int[] next = new int[sizes.length];
            int offset = 0;
            for (String name : domainIndex.keySet()) {
                int d = domains.size();
                domains.add(new Domain(d, name, offset, sizes[d]));
                next[d] = offset;
                offset += sizes[d];
            }
            Item[] byId = new Item[keys.size()];
            globalIdOfRow = new int[keys.size()];
            for (int r = 0; r < keys.size(); r++) {
                int d = domainOfRow.get(r);
                int id = next[d]++;
                globalIdOfRow[r] = id;
                byId[id] = new Item(id, d, keys.get(r), texts.get(r));
            }
            return new ItemCatalog(domains, List.of(byId));
        }

        /** Returns the row of an item key, or -1. */
        int row(String key) {
            return rowByKey.getOrDefault(key, -1);
        }

        int globalId(int row) {
            return globalIdOfRow[row];
        }

        long line(int row) {
            return lines.get(row);
        }
    }

    /** The interactions file, read into an {@link InteractionLog} of global item ids. */
    private static final class InteractionsFile extends DelimitedFile {
        private final ItemsFile itemRows;
        private final ItemCatalog catalog;
        private final InteractionLog log = new InteractionLog();
        private final boolean[] interacted;
        private int userColumn;
        private int itemColumn;
        private int domainColumn;
        private int timeColumn;

        InteractionsFile(Path file, char delimiter, ItemsFile itemRows, ItemCatalog catalog, ReadReport.Builder report) {
            super(file, delimiter, report);
            this.itemRows = itemRows;
            this.catalog = catalog;
            this.interacted = new boolean[catalog.size()];
        }

        @Override
        String expectedColumns() {
            return Column.USER + ", " + Column.ITEM + ", " + Column.DOMAIN + " and " + Column.TIMESTAMP;
        }

        @Override
        void columns(Header header) throws MalformedDataException {
            userColumn = header.require(Column.USER);
            itemColumn = header.require(Column.ITEM);
            domainColumn = header.require(Column.DOMAIN);
            timeColumn = header.require(Column.TIMESTAMP);
            if (header.size() > 4) {
                List<String> ignored = new ArrayList<>();
                for (int c = 0; c < header.size(); c++) {
                    if (c != userColumn && c != itemColumn && c != domainColumn && c != timeColumn) {
                        ignored.add(header.name(c));
                    }
                }
                LOG.info("{}: ignoring the columns {}", file, ignored);
            }
        }

        @Override
        void row(long number, String[] fields) throws MalformedDataException {
            String user = key(fields, userColumn, number);
            String itemKey = key(fields, itemColumn, number);
            int row = itemRows.row(itemKey);
            if (row < 0) {
                throw new MalformedDataException(file, number, "unknown item " + TextFiles.quote(itemKey) + ": not in " + itemRows.file);
            }
            int item = itemRows.globalId(row);
            String domain = fields[domainColumn].strip();
            String expected = catalog.domainOf(item).name();
            if (!domain.equals(expected)) {
                throw new MalformedDataException(file, number, "wrong domain " + TextFiles.quote(domain) + " for item "
                        + TextFiles.quote(itemKey) + ": " + itemRows.file + " line " + itemRows.line(row) + " puts it in domain "
                        + TextFiles.quote(expected));
            }
            interacted[item] = true;
            String time = fields[timeColumn].strip();
            if (isPlainLong(time)) {
                log.add(log.user(user), item, Long.parseLong(time));
            } else {
                log.add(log.user(user), item, decimal(time, number));
            }
        }

        private BigDecimal decimal(String time, long number) throws MalformedDataException {
            try {
                return new BigDecimal(time);
            } catch (NumberFormatException e) {
                throw new MalformedDataException(file, number, "bad timestamp " + TextFiles.quote(time)
                        + ": expected a number (such as unix seconds)");
            }
        }

        /** Checks the file had rows, counts the items nobody interacted with and returns the log. */
        InteractionLog finish() throws MalformedDataException {
            checkNotEmpty("interactions");
            int unused = 0;
            for (boolean used : interacted) {
                if (!used) {
                    unused++;
                }
            }
            if (unused > 0) {
                LOG.info("{}: {} of {} items have no interactions; they stay candidates", itemRows.file, unused, interacted.length);
                report.add("items with no interactions, kept as candidates", unused);
            }
            return log;
        }
    }

    /** Whether the text is an optional minus sign and 1 to 18 digits (so it fits a long). */
    private static boolean isPlainLong(String text) {
        int from = text.startsWith("-") ? 1 : 0;
        int digits = text.length() - from;
        if (digits < 1 || digits > 18) {
            return false;
        }
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
