package dev.llmedt.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A cross-domain sequential recommendation dataset: domains and items, users' mixed training
 * sequences, and held-out validation and test cases.
 *
 * <p>Immutable. Build one with a {@link DatasetReader} ({@link #read(Path)} picks one from the
 * directory's content) or with the constructor for data already in memory.
 */
public final class CdsrDataset {

    private final String name;
    private final ItemCatalog catalog;
    private final List<UserSequence> train;
    private final List<EvaluationCase> valid;
    private final List<EvaluationCase> test;
    private final ReadReport report;
    private volatile String fingerprint;
    private volatile String interactionsFingerprint;

    /**
     * Creates a dataset, checking that every id names an item of the catalog.
     *
     * @param name a short name for reports and provenance
     * @param catalog the domains and items
     * @param train training sequences
     * @param valid validation cases (may be empty)
     * @param test test cases (may be empty)
     * @param report what the reader skipped or filtered
     * @throws IllegalArgumentException when a sequence or case refers to an unknown item
     */
    public CdsrDataset(String name, ItemCatalog catalog, List<UserSequence> train, List<EvaluationCase> valid,
            List<EvaluationCase> test, ReadReport report) {
        this.name = Objects.requireNonNull(name, "name");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.train = List.copyOf(train);
        this.valid = List.copyOf(valid);
        this.test = List.copyOf(test);
        this.report = Objects.requireNonNull(report, "report");
        for (UserSequence s : this.train) {
            checkItems(s.items(), s.source(), s.user());
        }
        for (List<EvaluationCase> cases : List.of(this.valid, this.test)) {
            for (EvaluationCase c : cases) {
                checkItems(c.input(), c.source(), c.user());
                if (!catalog.isItem(c.target())) {
                    throw new IllegalArgumentException(c.source() + " user " + c.user() + ": unknown target item " + c.target());
                }
            }
        }
    }

    private void checkItems(History h, String source, String user) {
        for (int i = 0; i < h.length(); i++) {
            if (!catalog.isItem(h.item(i))) {
                throw new IllegalArgumentException(source + " user " + user + ": unknown item " + h.item(i)
                        + " at position " + i + "; ids are 0.." + (catalog.size() - 1));
            }
        }
    }

    /**
     * Reads a dataset directory, choosing the format from its content: the LLMCDSR layout when it
     * holds {@code num.txt}, otherwise delimited files {@code interactions.(csv|tsv)} and
     * {@code items.(csv|tsv)}, each also as {@code .gz}.
     *
     * @throws MalformedDataException when a file is malformed (names file and line)
     * @throws IOException when the directory cannot be read
     */
    public static CdsrDataset read(Path directory) throws IOException {
        if (Files.isRegularFile(directory.resolve(LlmcdsrReader.NUM_FILE))) {
            return new LlmcdsrReader(directory).read();
        }
        for (String ext : List.of("csv", "tsv")) {
            Path interactions = either(directory, "interactions." + ext);
            Path items = either(directory, "items." + ext);
            if (interactions != null && items != null) {
                return DelimitedReader.builder(interactions, items).build().read();
            }
        }
        if (!Files.isDirectory(directory)) {
            throw new MalformedDataException(directory, 0, "not a directory");
        }
        throw new MalformedDataException(directory, 0, "no dataset found: expected the LLMCDSR layout (num.txt, items_A.tsv, ...) "
                + "or interactions.csv + items.csv (or .tsv, each optionally .gz)");
    }

    /** Returns {@code name} or {@code name.gz} in the directory, whichever is a regular file (the plain one first), or null. */
    private static Path either(Path directory, String name) {
        for (String candidate : List.of(name, name + ".gz")) {
            Path file = directory.resolve(candidate);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        return null;
    }

    /** Returns the dataset's name. */
    public String name() {
        return name;
    }

    /** Returns the domains and items. */
    public ItemCatalog items() {
        return catalog;
    }

    /** Returns the domains in index order. */
    public List<Domain> domains() {
        return catalog.domains();
    }

    /** Returns the domain with the given name. */
    public Domain domain(String domainName) {
        return catalog.domain(domainName);
    }

    /** Returns the training sequences. */
    public List<UserSequence> train() {
        return train;
    }

    /** Returns the validation or test cases. */
    public List<EvaluationCase> cases(Split split) {
        return split == Split.VALID ? valid : test;
    }

    /** Returns the validation cases. */
    public List<EvaluationCase> valid() {
        return valid;
    }

    /** Returns the test cases. */
    public List<EvaluationCase> test() {
        return test;
    }

    /** Returns what the reader skipped or filtered. */
    public ReadReport readReport() {
        return report;
    }

    /** Returns the total number of training interactions. */
    public long trainInteractions() {
        long n = 0;
        for (UserSequence s : train) {
            n += s.length();
        }
        return n;
    }

    /**
     * Returns a SHA-256 (hex) over the item table ({@link ItemCatalog#fingerprint()}: domains, ids,
     * external ids and texts) and every sequence and case, for provenance: two datasets with the
     * same fingerprint hold the same items and the same interactions.
     */
    public String fingerprint() {
        String f = fingerprint;
        if (f == null) {
            f = computeFingerprint(true);
            fingerprint = f;
        }
        return f;
    }

    /**
     * Returns the fingerprint model files recorded before they recorded the item table: a SHA-256
     * over the domains (name, first id, size) and every sequence and case, not the items' ids,
     * external ids or texts. Only for checking such older files against data; new ones record
     * {@link #fingerprint()} and {@link ItemCatalog#fingerprint()}.
     */
    public String interactionsFingerprint() {
        String f = interactionsFingerprint;
        if (f == null) {
            f = computeFingerprint(false);
            interactionsFingerprint = f;
        }
        return f;
    }

    private String computeFingerprint(boolean withItems) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (withItems) {
            md.update(("items:" + catalog.fingerprint() + ";").getBytes(StandardCharsets.UTF_8));
        }
        for (Domain d : catalog.domains()) {
            md.update((d.name() + ":" + d.firstItem() + ":" + d.size() + ";").getBytes(StandardCharsets.UTF_8));
        }
        byte[] buf = new byte[4];
        for (UserSequence s : train) {
            md.update((s.source() + "\t" + s.user() + "\t").getBytes(StandardCharsets.UTF_8));
            digest(md, s.items(), buf);
        }
        for (List<EvaluationCase> cases : List.of(valid, test)) {
            md.update((byte) '|');
            for (EvaluationCase c : cases) {
                md.update((c.source() + "\t" + c.user() + "\t").getBytes(StandardCharsets.UTF_8));
                digest(md, c.input(), buf);
                putInt(buf, c.target());
                md.update(buf);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void digest(MessageDigest md, History h, byte[] buf) {
        for (int i = 0; i < h.length(); i++) {
            putInt(buf, h.item(i));
            md.update(buf);
        }
        md.update((byte) '\n');
    }

    private static void putInt(byte[] buf, int v) {
        buf[0] = (byte) v;
        buf[1] = (byte) (v >>> 8);
        buf[2] = (byte) (v >>> 16);
        buf[3] = (byte) (v >>> 24);
    }

    @Override
    public String toString() {
        return "CdsrDataset[" + name + ", domains=" + catalog.domainNames() + ", items=" + catalog.size()
                + ", train=" + train.size() + ", valid=" + valid.size() + ", test=" + test.size() + "]";
    }
}
