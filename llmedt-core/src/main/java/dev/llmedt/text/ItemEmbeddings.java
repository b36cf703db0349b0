package dev.llmedt.text;

import dev.llmedt.progress.ProgressListener;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.output.WriteOption;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frozen item embedding table of LLM-EDT: one unit vector per item of a catalog, in global
 * item id order, with the encoder's model id and the text template for provenance. Items without
 * text (under the template) have a zero vector.
 *
 * <p>Immutable and thread-safe.
 *
 * <p><b>File format.</b> {@link #write} stores the matrix as raw little-endian float32, row after
 * row ({@code rows x dimension} values, no header), so any tool can map it (numpy:
 * {@code np.fromfile(f, '<f4').reshape(rows, dim)}), plus a sidecar {@code FILE.json} with
 * {@code format}, {@code version}, {@code rows}, {@code dimension}, {@code dtype},
 * {@code byte_order}, {@code model_id}, {@code template}, {@code items_without_text},
 * {@code catalog_fingerprint} (the {@link ItemCatalog#fingerprint()} of the items encoded),
 * {@code domains} (the names of that catalogue's domains, which the fingerprint covers) and the
 * {@code sha256} of the matrix file. {@link #read} checks the size and the checksum and
 * honours {@code dtype} ({@code float32} or {@code float64}) and {@code byte_order}
 * ({@code little_endian} or {@code big_endian}) of a matrix written by another tool; any other
 * value is refused. A file without {@code catalog_fingerprint} (written by an older llmedt, or from
 * {@link #of} vectors) is read with one warning: it can then only be checked against a catalogue
 * by its row count.
 */
public final class ItemEmbeddings {

    private static final Logger LOG = LoggerFactory.getLogger(ItemEmbeddings.class);

    /** Distinct texts sent to the encoder per call (and per progress report). */
    static final int CHUNK = 512;

    final float[] matrix;
    private final int rows;
    private final int dimension;
    private final String modelId;
    private final String template;
    private final boolean[] hasText;
    private final int withoutText;
    /** The fingerprint of the catalogue whose items these are, or "" when unknown. */
    final String catalogFingerprint;
    /** The names of that catalogue's domains, or empty when unknown. */
    final List<String> domainNames;

    ItemEmbeddings(float[] matrix, int rows, int dimension, String modelId, String template, String catalogFingerprint,
            List<String> domainNames) {
        this.matrix = matrix;
        this.catalogFingerprint = catalogFingerprint;
        this.domainNames = List.copyOf(domainNames);
        this.rows = rows;
        this.dimension = dimension;
        this.modelId = modelId;
        this.template = template;
        this.hasText = new boolean[rows];
        int without = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < dimension; j++) {
                if (matrix[r * dimension + j] != 0f) {
                    hasText[r] = true;
                    break;
                }
            }
            if (!hasText[r]) {
                without++;
            }
        }
        this.withoutText = without;
    }

    /**
     * Wraps a matrix computed elsewhere (copied).
     *
     * @param matrix {@code rows x dimension} values, row-major; rows are unit vectors or zero
     * @param rows number of items
     * @param dimension vector length
     * @param modelId the encoder's model id
     * @param template the text template's description
     * @throws IllegalArgumentException when the sizes disagree or a row is neither unit nor zero
     */
    public static ItemEmbeddings of(float[] matrix, int rows, int dimension, String modelId, String template) {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(template, "template");
        if (rows < 0 || dimension < 1 || (long) rows * dimension != matrix.length) {
            throw new IllegalArgumentException("matrix of " + matrix.length + " values does not hold " + rows + " rows of dimension "
                    + dimension);
        }
        float[] copy = matrix.clone();
        checkRows(copy, rows, dimension, "the matrix");
        return new ItemEmbeddings(copy, rows, dimension, modelId, template, "", List.of());
    }

    /**
     * Encodes the text of every item of a catalog, in global id order. Each distinct text is sent
     * to the encoder once (wrap the encoder with {@link TextCache#cached(TextEncoder)} to reuse
     * earlier runs). Items without text under the template get a zero vector and are reported in
     * one WARN line with their count.
     *
     * @param catalog the items
     * @param encoder the encoder (document side: {@link TextEncoder#encode})
     * @param template how items become texts
     * @param progress told after each chunk of texts (task {@code "encode items"})
     * @throws LanguageModelException when the encoder fails or returns an invalid vector (names the item)
     */
    public static ItemEmbeddings encode(ItemCatalog catalog, TextEncoder encoder, ItemTextTemplate template,
            ProgressListener progress) {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(progress, "progress");
        int n = catalog.size();
        int dim = encoder.dimension();
        Map<String, List<Integer>> byText = new LinkedHashMap<>();
        int without = 0;
        for (int item = 0; item < n; item++) {
            String text = template.render(catalog, item);
            if (text.isEmpty()) {
                without++;
            } else {
                byText.computeIfAbsent(text, t -> new ArrayList<>(1)).add(item);
            }
        }
        if (without > 0) {
            LOG.warn("{} of {} items have no text under template '{}'; they get zero vectors", without, n, template);
        }
        List<String> texts = new ArrayList<>(byText.keySet());
        float[] matrix = new float[Math.multiplyExact(n, dim)];
        progress.progress("encode items", 0, texts.size());
        for (int from = 0; from < texts.size(); from += CHUNK) {
            List<String> chunk = texts.subList(from, Math.min(texts.size(), from + CHUNK));
            float[][] vectors = encoder.encode(chunk);
            if (vectors.length != chunk.size()) {
                throw new LanguageModelException("encoder " + encoder.modelId() + " returned " + vectors.length + " vectors for "
                        + chunk.size() + " texts");
            }
            for (int k = 0; k < chunk.size(); k++) {
                List<Integer> items = byText.get(chunk.get(k));
                checkVector(vectors[k], dim, encoder.modelId(), "item " + items.get(0) + " ('" + shorten(chunk.get(k)) + "')");
                for (int item : items) {
                    System.arraycopy(vectors[k], 0, matrix, item * dim, dim);
                }
            }
            progress.progress("encode items", from + chunk.size(), texts.size());
        }
        return new ItemEmbeddings(matrix, n, dim, encoder.modelId(), template.toString(), catalog.fingerprint(), catalog.domainNames());
    }

    private static void checkVector(float[] v, int dim, String modelId, String what) {
        if (v == null || v.length != dim) {
            throw new LanguageModelException("encoder " + modelId + " returned a vector of length " + (v == null ? "null" : v.length)
                    + " for " + what + ", its dimension is " + dim);
        }
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (!(Math.abs(sum - 1) < 1e-3)) {
            throw new LanguageModelException("encoder " + modelId + " returned a vector of squared norm " + sum + " for " + what
                    + "; encoders must return unit vectors");
        }
    }

    static void checkRows(float[] m, int rows, int dim, String where) {
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < dim; j++) {
                float x = m[r * dim + j];
                sum += (double) x * x;
            }
            if (sum != 0 && !(Math.abs(sum - 1) < 1e-3)) {
                throw new IllegalArgumentException(where + ": row " + r + " has squared norm " + sum + "; rows must be unit vectors or zero");
            }
        }
    }

    static String shorten(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** Returns the number of rows (items of the catalog). */
    public int rows() {
        return rows;
    }

    /** Returns the vector length. */
    public int dimension() {
        return dimension;
    }

    /** Returns the encoder's model id. */
    public String modelId() {
        return modelId;
    }

    /** Returns the description of the text template the texts were rendered with. */
    public String template() {
        return template;
    }

    /**
     * Returns the {@link ItemCatalog#fingerprint()} of the catalogue whose items these are, when
     * known: embeddings {@link #encode}d from a catalogue or read from a file that records it; empty
     * for {@link #of} and for files written before embeddings recorded it.
     */
    public java.util.Optional<String> catalogFingerprint() {
        return catalogFingerprint.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(catalogFingerprint);
    }

    /**
     * Checks that these are the embeddings of a catalogue's items: one row per item and, when the
     * fingerprint of the encoded catalogue is known, the same fingerprint (a catalogue of the same
     * size whose items are other ones, or reordered, is refused).
     *
     * @param catalog the items the embeddings are used with
     * @param what the catalogue's name for the message, such as {@code "the catalog"} or a dataset name
     * @throws IllegalArgumentException naming both row counts or both fingerprints when they differ
     */
    public void requireCatalog(ItemCatalog catalog, String what) {
        Objects.requireNonNull(catalog, "catalog");
        if (rows != catalog.size()) {
            throw new IllegalArgumentException("the item embeddings have " + rows + " rows but " + what + " has " + catalog.size()
                    + " items (domains " + catalog.domainNames() + "): they were made for another dataset; encode the items of this one");
        }
        if (!catalogFingerprint.isEmpty() && !catalogFingerprint.equals(catalog.fingerprint())) {
            throw new IllegalArgumentException("the item embeddings were made for an item catalogue with fingerprint " + catalogFingerprint
                    + ", but " + what + " has fingerprint " + catalog.fingerprint() + " (the same " + rows + " rows: other items, or the "
                    + "same ones in another order or with other texts); encode the items of this dataset" + domainNamesHint(catalog, what));
        }
    }

    /** What the refusal adds about domain names, which the fingerprint covers: "" when they are known to agree. */
    private String domainNamesHint(ItemCatalog catalog, String what) {
        List<String> theirs = catalog.domainNames();
        if (domainNames.isEmpty()) {
            return "; if only the domain names differ (the fingerprint covers them), encode with the same domain names, " + theirs
                    + " (the CLI's --domain-names)";
        }
        if (domainNames.equals(theirs)) {
            return "";
        }
        return "; they were encoded with domains named " + domainNames + " and " + what + " names its domains " + theirs
                + ", which the fingerprint covers: name the domains alike when encoding and training (the CLI's --domain-names "
                + String.join(",", theirs) + ")";
    }

    /** Returns the number of items without text (zero rows). */
    public int itemsWithoutText() {
        return withoutText;
    }

    /** Returns whether an item had text (its row is a unit vector, not zero). */
    public boolean hasText(int item) {
        checkRow(item);
        return hasText[item];
    }

    /** Returns a copy of an item's vector. */
    public float[] vector(int item) {
        checkRow(item);
        float[] v = new float[dimension];
        System.arraycopy(matrix, item * dimension, v, 0, dimension);
        return v;
    }

    /** Copies an item's vector into {@code destination} at {@code offset}. */
    public void copyVector(int item, float[] destination, int offset) {
        checkRow(item);
        System.arraycopy(matrix, item * dimension, destination, offset, dimension);
    }

    /** Returns the cosine similarity of two items (their dot product; 0 when either has no text). */
    public float cosine(int a, int b) {
        checkRow(a);
        checkRow(b);
        float s = 0;
        int oa = a * dimension;
        int ob = b * dimension;
        for (int j = 0; j < dimension; j++) {
            s += matrix[oa + j] * matrix[ob + j];
        }
        return s;
    }

    /** Returns a copy of the whole matrix, row-major. */
    public float[] toArray() {
        return matrix.clone();
    }

    private void checkRow(int item) {
        if (item < 0 || item >= rows) {
            throw new IndexOutOfBoundsException("item " + item + " is outside 0.." + (rows - 1));
        }
    }

    /** Returns the sidecar file of a matrix file: {@code FILE.json}. */
    public static Path sidecar(Path matrixFile) {
        return EmbeddingFiles.sidecar(matrixFile);
    }

    /**
     * Writes the matrix (little-endian float32, row-major) and its sidecar JSON, each atomically
     * and following the rules of {@link dev.llmedt.output}; both files are checked before either
     * is written.
     *
     * @throws dev.llmedt.output.OutputFileException naming the file and the reason when one is
     *     refused (a directory, device or FIFO in its place; read-only without
     *     {@link WriteOption#REPLACE_READ_ONLY}) or cannot be written
     */
    public void write(Path matrixFile, WriteOption... options) throws IOException {
        EmbeddingFiles.write(this, matrixFile, options);
    }

    /**
     * Reads a matrix written by {@link #write}, checking its sidecar, size and checksum.
     *
     * @throws IOException when a file is missing, malformed, of the wrong size or fails its checksum
     *     (the message names the file)
     */
    public static ItemEmbeddings read(Path matrixFile) throws IOException {
        return EmbeddingFiles.read(matrixFile);
    }

    @Override
    public String toString() {
        return "ItemEmbeddings[" + rows + " x " + dimension + ", model " + modelId + ", template '" + template + "', "
                + withoutText + " without text]";
    }
}
