package dev.llmedt.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the directory layout published with LLMCDSR (and used by {@code ../shared/data/food-kitchen}).
 *
 * <ul>
 *   <li>{@code num.txt}: one line per domain with its number of items (domains A, B, C, ... in order);
 *   <li>{@code items_A.tsv}, ...: a header naming at least {@code global_id} and {@code local_id},
 *       then one row per item; every other column (such as {@code title}) becomes a text field,
 *       {@code asin} becomes the item's external id; {@code global_id = local_id + offset} of the domain;
 *   <li>{@code train_A.txt}, ...: {@code uid<TAB>id,id,...} sequences of users seen in that domain
 *       only; {@code train_overlap.txt}: mixed sequences;
 *   <li>{@code valid.txt}, {@code test.txt}: held-out users; the last id is the target, the rest the input;
 *   <li>{@code instance_num.txt} (optional): the expected number of sequences per training file;
 *   <li>{@code domain_names.txt} (optional, written by {@link LlmcdsrWriter}): one display name per
 *       domain; names given to the constructor take precedence.
 * </ul>
 *
 * <p>A missing training file is reported and counted, not fatal (one of the shared pairs lacks
 * {@code train_B.txt}); a malformed line, an unknown id, an id outside its file's domain, a
 * duplicate item or user and an empty sequence are errors naming the file and line.
 */
public final class LlmcdsrReader implements DatasetReader {

    static final String NUM_FILE = "num.txt";
    static final String DOMAIN_NAMES_FILE = "domain_names.txt";
    private static final Logger LOG = LoggerFactory.getLogger(LlmcdsrReader.class);

    private final Path directory;
    private final List<String> domainNames;

    /**
     * Creates a reader whose domains are named by {@code domain_names.txt} when present, otherwise
     * A, B, C, ... as in the file names.
     */
    public LlmcdsrReader(Path directory) {
        this(directory, List.of());
    }

    /**
     * Creates a reader with display names for the domains (in file order: A, B, ...).
     *
     * @param domainNames one name per domain, or empty for the letters
     */
    public LlmcdsrReader(Path directory, List<String> domainNames) {
        this.directory = directory;
        this.domainNames = List.copyOf(domainNames);
    }

    @Override
    public CdsrDataset read() throws IOException {
        long start = System.nanoTime();
        ReadReport.Builder report = new ReadReport.Builder();
        int[] sizes = readSizes(directory.resolve(NUM_FILE));
        List<String> names = domainNames;
        if (!names.isEmpty() && names.size() != sizes.length) {
            throw new IllegalArgumentException("domainNames has " + names.size() + " names but "
                    + directory.resolve(NUM_FILE) + " declares " + sizes.length + " domains");
        }
        if (names.isEmpty() && Files.isRegularFile(directory.resolve(DOMAIN_NAMES_FILE))) {
            names = readNames(directory.resolve(DOMAIN_NAMES_FILE), sizes.length);
        }
        List<Domain> domains = new ArrayList<>();
        int offset = 0;
        for (int d = 0; d < sizes.length; d++) {
            String name = names.isEmpty() ? letter(d) : names.get(d);
            domains.add(new Domain(d, name, offset, sizes[d]));
            offset += sizes[d];
        }
        List<Item> items = new ArrayList<>(offset);
        for (Domain d : domains) {
            readItems(d, directory.resolve("items_" + letter(d.index()) + ".tsv"), items, report);
        }
        ItemCatalog catalog = new ItemCatalog(domains, items);

        Map<String, Integer> expectedCounts = readInstanceCounts(sizes.length);
        List<UserSequence> train = new ArrayList<>();
        int filesRead = 0;
        for (int d = 0; d <= sizes.length; d++) {
            String fileName = d < sizes.length ? "train_" + letter(d) + ".txt" : "train_overlap.txt";
            Path file = directory.resolve(fileName);
            if (!Files.isRegularFile(file)) {
                LOG.warn("{}: missing, so no training sequences from it", file);
                report.add("missing training file " + fileName);
                continue;
            }
            Domain only = d < sizes.length ? domains.get(d) : null;
            List<int[]> seqs = new ArrayList<>();
            List<String> uids = new ArrayList<>();
            readSequences(file, catalog, only, seqs, uids);
            for (int i = 0; i < seqs.size(); i++) {
                train.add(new UserSequence(fileName, uids.get(i), History.wrap(seqs.get(i))));
            }
            Integer expected = expectedCounts.get(fileName);
            if (expected != null && expected != seqs.size()) {
                LOG.warn("{}: {} sequences, but instance_num.txt says {}", file, seqs.size(), expected);
                report.add("sequence count differs from instance_num.txt in " + fileName);
            }
            filesRead++;
        }
        if (filesRead == 0) {
            throw new MalformedDataException(directory, 0, "no training file found (train_A.txt, ..., train_overlap.txt)");
        }
        warnUndeclaredDomainFiles(sizes.length, report);
        List<EvaluationCase> valid = readCases(directory.resolve("valid.txt"), catalog, report);
        List<EvaluationCase> test = readCases(directory.resolve("test.txt"), catalog, report);
        String name = directory.toAbsolutePath().normalize().getFileName() == null ? directory.toString()
                : directory.toAbsolutePath().normalize().getFileName().toString();
        CdsrDataset dataset = new CdsrDataset(name, catalog, train, valid, test, report.build(LOG, directory.toString()));
        LOG.info("read {} in {} ms", dataset, (System.nanoTime() - start) / 1_000_000);
        return dataset;
    }

    /**
     * Warns once about {@code items_X.tsv} / {@code train_X.txt} files of a domain that
     * {@code num.txt} does not declare (they are not read): a forgotten line of num.txt drops a
     * whole domain otherwise in silence.
     */
    private void warnUndeclaredDomainFiles(int domains, ReadReport.Builder report) {
        List<String> extra = new ArrayList<>();
        for (int d = domains; d < 26; d++) {
            for (String name : List.of("items_" + letter(d) + ".tsv", "train_" + letter(d) + ".txt")) {
                if (Files.exists(directory.resolve(name))) {
                    extra.add(name);
                }
            }
        }
        if (!extra.isEmpty()) {
            // One WARN line through the report: "DIR: files of domains num.txt does not declare, not read (...): 2".
            report.add("files of domains " + NUM_FILE + " does not declare (it names " + domains + "), not read "
                    + extra + "; add a line per domain to " + NUM_FILE + " to read them", extra.size());
        }
    }

    /** The file letter of a domain index: A, B, ..., Z (the layout names at most 26 domains). */
    static String letter(int index) {
        if (index >= 26) {
            throw new IllegalArgumentException("the LLMCDSR layout names at most 26 domains (A..Z)");
        }
        return String.valueOf((char) ('A' + index));
    }

    private static int[] readSizes(Path file) throws IOException {
        List<Integer> sizes = new ArrayList<>();
        TextFiles.forEachLine(file, (n, line) -> {
            if (line.isBlank()) {
                return;
            }
            int v = TextFiles.parseNonNegativeInt(line);
            if (v < 1) {
                throw new MalformedDataException(file, n, "expected a positive number of items, found " + TextFiles.quote(line));
            }
            sizes.add(v);
        });
        if (sizes.isEmpty()) {
            throw new MalformedDataException(file, 0, "empty: expected one line per domain with its number of items");
        }
        long total = 0;
        for (int s : sizes) {
            total += s;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new MalformedDataException(file, 0, "too many items in total: " + total);
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<String> readNames(Path file, int domains) throws IOException {
        List<String> names = new ArrayList<>();
        TextFiles.forEachLine(file, (n, line) -> {
            String name = line.strip();
            if (name.isEmpty()) {
                return;
            }
            if (names.contains(name)) {
                throw new MalformedDataException(file, n, "duplicate domain name " + TextFiles.quote(name));
            }
            names.add(name);
        });
        if (names.size() != domains) {
            throw new MalformedDataException(file, 0, "expected " + domains + " domain names (one per line of num.txt), found " + names.size());
        }
        return names;
    }

    private Map<String, Integer> readInstanceCounts(int domains) throws IOException {
        Path file = directory.resolve("instance_num.txt");
        Map<String, Integer> counts = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return counts;
        }
        List<Integer> values = new ArrayList<>();
        TextFiles.forEachLine(file, (n, line) -> {
            if (line.isBlank()) {
                return;
            }
            int v = TextFiles.parseNonNegativeInt(line);
            if (v < 0) {
                throw new MalformedDataException(file, n, "expected a number of sequences, found " + TextFiles.quote(line));
            }
            values.add(v);
        });
        if (values.size() != domains + 1) {
            throw new MalformedDataException(file, 0, "expected " + (domains + 1) + " lines (one per train_X file, then train_overlap), found " + values.size());
        }
        for (int d = 0; d < domains; d++) {
            counts.put("train_" + letter(d) + ".txt", values.get(d));
        }
        counts.put("train_overlap.txt", values.get(domains));
        return counts;
    }

    private static void readItems(Domain domain, Path file, List<Item> out, ReadReport.Builder report) throws IOException {
        Item[] rows = new Item[domain.size()];
        long[] rowLine = new long[domain.size()];
        String[][] header = new String[1][];
        int[] cols = new int[3]; // global, local, asin
        TextFiles.forEachLine(file, (n, line) -> {
            if (header[0] == null) {
                header[0] = line.split("\t", -1);
                List<String> names = Arrays.asList(header[0]);
                cols[0] = names.indexOf("global_id");
                cols[1] = names.indexOf("local_id");
                cols[2] = names.indexOf("asin");
                if (cols[0] < 0 || cols[1] < 0) {
                    throw new MalformedDataException(file, n, "header must name the columns global_id and local_id, found " + names);
                }
                return;
            }
            if (line.isEmpty()) {
                report.add("blank lines in " + file.getFileName());
                return;
            }
            String[] f = line.split("\t", -1);
            if (f.length != header[0].length) {
                throw new MalformedDataException(file, n, "expected " + header[0].length + " tab-separated columns "
                        + Arrays.toString(header[0]) + ", found " + f.length);
            }
            int global = TextFiles.parseNonNegativeInt(f[cols[0]]);
            int local = TextFiles.parseNonNegativeInt(f[cols[1]]);
            if (global < 0 || local < 0) {
                throw new MalformedDataException(file, n, "global_id and local_id must be non-negative integers, found "
                        + TextFiles.quote(f[cols[0]]) + " and " + TextFiles.quote(f[cols[1]]));
            }
            if (local >= domain.size()) {
                throw new MalformedDataException(file, n, "local_id " + local + " outside domain " + domain.name()
                        + " (0.." + (domain.size() - 1) + " per num.txt)");
            }
            if (global != domain.firstItem() + local) {
                throw new MalformedDataException(file, n, "global_id " + global + " should be " + (domain.firstItem() + local)
                        + " (= " + domain.firstItem() + " + local_id " + local + ") in domain " + domain.name());
            }
            if (rows[local] != null) {
                throw new MalformedDataException(file, n, "duplicate item " + global + " (first at line " + rowLine[local] + ")");
            }
            Map<String, String> text = new LinkedHashMap<>();
            for (int c = 0; c < f.length; c++) {
                if (c != cols[0] && c != cols[1] && c != cols[2]) {
                    text.put(header[0][c], f[c].strip());
                }
            }
            rows[local] = new Item(global, domain.index(), cols[2] >= 0 ? f[cols[2]].strip() : "", text);
            rowLine[local] = n;
        });
        if (header[0] == null) {
            throw new MalformedDataException(file, 0, "empty: expected a header line");
        }
        int missing = 0;
        for (int local = 0; local < rows.length; local++) {
            if (rows[local] == null) {
                rows[local] = new Item(domain.firstItem() + local, domain.index(), "", Map.of());
                missing++;
            }
        }
        if (missing > 0) {
            LOG.warn("{}: {} of {} items have no row; they have no text", file, missing, rows.length);
            report.add("items without a row in " + file.getFileName(), missing);
        }
        out.addAll(Arrays.asList(rows));
    }

    /** Reads {@code uid<TAB>id,id,...} lines; {@code only} restricts ids to one domain (null = any). */
    private static void readSequences(Path file, ItemCatalog catalog, Domain only, List<int[]> seqs, List<String> uids)
            throws IOException {
        Map<String, Long> seen = new HashMap<>();
        TextFiles.forEachLine(file, (n, line) -> {
            if (line.isEmpty()) {
                throw new MalformedDataException(file, n, "blank line: expected uid<TAB>id,id,...");
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new MalformedDataException(file, n, "expected uid<TAB>id,id,..., found no tab in " + TextFiles.quote(line));
            }
            String uid = line.substring(0, tab).strip();
            if (uid.isEmpty()) {
                throw new MalformedDataException(file, n, "empty uid");
            }
            Long previous = seen.putIfAbsent(uid, n);
            if (previous != null) {
                throw new MalformedDataException(file, n, "duplicate uid " + TextFiles.quote(uid) + " (first at line " + previous + ")");
            }
            int[] ids = parseIds(file, n, line, tab + 1, catalog, only);
            seqs.add(ids);
            uids.add(uid);
        });
    }

    private static int[] parseIds(Path file, long n, String line, int from, ItemCatalog catalog, Domain only)
            throws MalformedDataException {
        int end = line.length();
        while (end > from && Character.isWhitespace(line.charAt(end - 1))) {
            end--;
        }
        if (from >= end) {
            throw new MalformedDataException(file, n, "empty sequence");
        }
        int[] buf = new int[16];
        int k = 0;
        int start = from;
        for (int i = from; i <= end; i++) {
            if (i == end || line.charAt(i) == ',') {
                int a = start;
                int b = i;
                while (a < b && line.charAt(a) == ' ') {
                    a++;
                }
                while (b > a && line.charAt(b - 1) == ' ') {
                    b--;
                }
                int id = TextFiles.parseNonNegativeInt(line, a, b);
                if (id < 0) {
                    throw new MalformedDataException(file, n, "item id " + (k + 1) + " is not a non-negative integer: "
                            + TextFiles.quote(line.substring(start, i)));
                }
                if (!catalog.isItem(id)) {
                    throw new MalformedDataException(file, n, "unknown item id " + id + " (ids are 0.." + (catalog.size() - 1) + ")");
                }
                if (only != null && !only.contains(id)) {
                    throw new MalformedDataException(file, n, "item id " + id + " belongs to domain " + catalog.domainOf(id).name()
                            + ", but this file holds domain " + only.name() + " only (ids " + only.firstItem() + ".." + (only.endItem() - 1) + ")");
                }
                if (k == buf.length) {
                    buf = Arrays.copyOf(buf, k * 2);
                }
                buf[k++] = id;
                start = i + 1;
            }
        }
        return Arrays.copyOf(buf, k);
    }

    private static List<EvaluationCase> readCases(Path file, ItemCatalog catalog, ReadReport.Builder report) throws IOException {
        List<EvaluationCase> cases = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            LOG.warn("{}: missing, so no held-out cases from it", file);
            report.add("missing held-out file " + file.getFileName());
            return cases;
        }
        List<int[]> seqs = new ArrayList<>();
        List<String> uids = new ArrayList<>();
        readSequences(file, catalog, null, seqs, uids);
        String source = file.getFileName().toString();
        int emptyInputs = 0;
        for (int i = 0; i < seqs.size(); i++) {
            int[] s = seqs.get(i);
            if (s.length == 1) {
                emptyInputs++;
            }
            cases.add(new EvaluationCase(source, uids.get(i), History.wrap(Arrays.copyOf(s, s.length - 1)), s[s.length - 1]));
        }
        if (emptyInputs > 0) {
            report.add("held-out users with an empty input in " + source, emptyInputs);
        }
        return cases;
    }
}
