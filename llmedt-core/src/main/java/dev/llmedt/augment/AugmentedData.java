package dev.llmedt.augment;

import dev.llmedt.data.MalformedDataException;
import dev.llmedt.data.UserSequence;
import dev.llmedt.io.AtomicFiles;
import dev.llmedt.output.WriteOption;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The result of an {@link Augmenter}: every training sequence, in {@code data.train()} order, with
 * its inserted items marked; the list of {@link Insertion}s; and the {@link AugmentationReport}.
 *
 * <p>Immutable.
 *
 * <p><b>Insertions file.</b> {@link #writeInsertions} writes a UTF-8, tab-separated file whose
 * header is {@code file uid position source_item inserted_item similarity}, followed by
 * {@code match_similarity} when a generator was used and by {@code after_position} when the
 * insertion strategy is not {@link InsertionStrategy#AFTER_SOURCE}; one row per insertion, users in
 * training order, items as global ids, similarities with 6 decimals ({@code NaN} never occurs in a
 * written column). {@link #readInsertions} reads it back.
 */
public final class AugmentedData {

    /** The header columns every insertions file starts with. */
    public static final List<String> COLUMNS = List.of("file", "uid", "position", "source_item", "inserted_item", "similarity");

    private static final String MATCH = "match_similarity";
    private static final String AFTER = "after_position";

    private final List<AugmentedSequence> sequences;
    private final List<Insertion> insertions;
    private final AugmentationReport report;
    private final InsertionStrategy strategy;
    private final boolean generated;
    private final boolean insertedItemsAreTargets;
    private final double insertedTargetWeight;
    private final Map<String, Object> settings;

    AugmentedData(List<AugmentedSequence> sequences, List<Insertion> insertions, AugmentationReport report, InsertionStrategy strategy,
            boolean generated, boolean insertedItemsAreTargets, double insertedTargetWeight, Map<String, Object> settings) {
        this.sequences = List.copyOf(sequences);
        this.insertions = List.copyOf(insertions);
        this.report = Objects.requireNonNull(report, "report");
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.generated = generated;
        this.insertedItemsAreTargets = insertedItemsAreTargets;
        this.insertedTargetWeight = insertedTargetWeight;
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * Returns the settings that produced this augmentation (the augmenter's settings with
     * snake_case keys, and the generator's model id or null), for provenance.
     */
    public Map<String, Object> settings() {
        return settings;
    }

    /** Returns every training sequence, augmented or not, in {@code data.train()} order. */
    public List<AugmentedSequence> sequences() {
        return sequences;
    }

    /** Returns the augmented sequences as plain {@link UserSequence}s, in training order. */
    public List<UserSequence> trainSequences() {
        List<UserSequence> out = new ArrayList<>(sequences.size());
        for (AugmentedSequence s : sequences) {
            out.add(s.toUserSequence());
        }
        return out;
    }

    /** Returns every insertion, users in training order, then in order of their place in the sequence. */
    public List<Insertion> insertions() {
        return insertions;
    }

    /** Returns what the augmentation did. */
    public AugmentationReport report() {
        return report;
    }

    /** Returns where inserted items were placed. */
    public InsertionStrategy insertionStrategy() {
        return strategy;
    }

    /** Returns whether candidates came from a generator (the insertions carry a match similarity). */
    public boolean generated() {
        return generated;
    }

    /** Returns whether inserted items may serve as training targets (default: they are context only). */
    public boolean insertedItemsAreTargets() {
        return insertedItemsAreTargets;
    }

    /**
     * Returns the loss weight of inserted items that are training targets (default 1; see
     * {@link AugmentedSequence#targetWeight}).
     */
    public double insertedTargetWeight() {
        return insertedTargetWeight;
    }

    /**
     * Writes the insertions file (see the class comment), atomically: to a temporary file beside
     * it, then renamed (the rules of {@link dev.llmedt.output}).
     *
     * @throws dev.llmedt.output.OutputFileException naming the file and the reason when it is
     *     refused (a directory, device or FIFO in its place; read-only without
     *     {@link WriteOption#REPLACE_READ_ONLY}) or cannot be written
     * @throws IllegalArgumentException when a file name or user id holds a tab or a line break
     */
    public void writeInsertions(Path file, WriteOption... options) throws IOException {
        AtomicFiles.write(file, out -> {
            BufferedWriter w = new BufferedWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8));
            List<String> header = new ArrayList<>(COLUMNS);
            if (generated) {
                header.add(MATCH);
            }
            boolean after = strategy != InsertionStrategy.AFTER_SOURCE;
            if (after) {
                header.add(AFTER);
            }
            w.write(String.join("\t", header));
            w.write('\n');
            StringBuilder sb = new StringBuilder();
            for (Insertion in : insertions) {
                sb.setLength(0);
                sb.append(field(in.file(), "file")).append('\t').append(field(in.user(), "uid")).append('\t').append(in.position())
                        .append('\t').append(in.sourceItem()).append('\t').append(in.insertedItem()).append('\t')
                        .append(format(in.similarity()));
                if (generated) {
                    sb.append('\t').append(format(in.matchSimilarity()));
                }
                if (after) {
                    sb.append('\t').append(in.afterPosition());
                }
                sb.append('\n');
                w.write(sb.toString());
            }
            w.flush();
        }, options);
    }

    private static String field(String value, String column) {
        if (value.indexOf('\t') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(column + " '" + value + "' holds a tab or line break; it cannot be written to a TSV file");
        }
        return value;
    }

    private static String format(float v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    /**
     * Reads an insertions file written by {@link #writeInsertions}. Similarities are read as
     * written (6 decimals); a missing {@code match_similarity} column gives {@code NaN}, a missing
     * {@code after_position} column gives {@code position}.
     *
     * @throws MalformedDataException naming the file and line when the header or a row is malformed
     * @throws IOException when the file cannot be read
     */
    public static List<Insertion> readInsertions(Path file) throws IOException {
        List<Insertion> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String headerLine = r.readLine();
            if (headerLine == null) {
                throw new MalformedDataException(file, 1, "empty file; expected the header " + String.join("\t", COLUMNS));
            }
            List<String> header = List.of(headerLine.split("\t", -1));
            if (header.size() < COLUMNS.size() || !header.subList(0, COLUMNS.size()).equals(COLUMNS)) {
                throw new MalformedDataException(file, 1, "header must start with " + String.join("\t", COLUMNS) + ", got '" + headerLine + "'");
            }
            int match = header.indexOf(MATCH);
            int after = header.indexOf(AFTER);
            if (header.size() != COLUMNS.size() + (match >= 0 ? 1 : 0) + (after >= 0 ? 1 : 0)) {
                throw new MalformedDataException(file, 1, "unknown columns in header '" + headerLine + "'; optional columns are "
                        + MATCH + " and " + AFTER);
            }
            long line = 1;
            String text;
            while ((text = r.readLine()) != null) {
                line++;
                if (text.isEmpty()) {
                    continue;
                }
                String[] f = text.split("\t", -1);
                if (f.length != header.size()) {
                    throw new MalformedDataException(file, line, f.length + " fields, the header has " + header.size());
                }
                try {
                    int position = Integer.parseInt(f[2]);
                    float matchSimilarity = match >= 0 ? Float.parseFloat(f[match]) : Float.NaN;
                    int afterPosition = after >= 0 ? Integer.parseInt(f[after]) : position;
                    out.add(new Insertion(f[0], f[1], position, Integer.parseInt(f[3]), Integer.parseInt(f[4]), Float.parseFloat(f[5]),
                            matchSimilarity, afterPosition));
                } catch (IllegalArgumentException e) {
                    throw new MalformedDataException(file, line, e.getMessage());
                }
            }
        } catch (NoSuchFileException e) {
            throw new MalformedDataException(file, 0, "file not found");
        }
        return out;
    }

    @Override
    public String toString() {
        return "AugmentedData[" + sequences.size() + " sequences, " + insertions.size() + " insertions, " + strategy.label() + "]";
    }
}
