package dev.llmedt.data;

import dev.llmedt.io.AtomicFiles;
import dev.llmedt.output.WriteOption;
import java.io.OutputStreamWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes any dataset in the LLMCDSR layout that {@link LlmcdsrReader} reads (for example a
 * dataset read from Amazon dumps, or a synthetic one).
 *
 * <p>Besides the layout's files it writes {@code domain_names.txt} (one name per line), which
 * {@link LlmcdsrReader} uses when present. Training sequences that lie in one domain go to that domain's {@code train_X.txt}, mixed ones
 * to {@code train_overlap.txt}; held-out cases are written as input followed by the target. User
 * ids are kept when they are unique within their output file and contain no whitespace; otherwise
 * that file's users are numbered from 1 (and a line is logged). Each file is written to a temporary
 * name and moved into place, so a failed write leaves no half-written file behind.
 */
public final class LlmcdsrWriter {

    private static final Logger LOG = LoggerFactory.getLogger(LlmcdsrWriter.class);

    private LlmcdsrWriter() {
    }

    /**
     * Writes the dataset into the directory (created if needed; existing files of the layout are
     * replaced, following the rules of {@link dev.llmedt.output}: every file is checked before the
     * first is written, so a refused one leaves the directory as it was).
     *
     * @throws dev.llmedt.output.OutputFileException naming the file and the reason when a file is
     *     refused (a directory, device or FIFO in its place; read-only without
     *     {@link WriteOption#REPLACE_READ_ONLY}) or cannot be written
     */
    public static void write(CdsrDataset data, Path directory, WriteOption... options) throws IOException {
        AtomicFiles.checkDirectory(directory, "the dataset directory");
        List<Domain> domains = data.domains();
        if (domains.size() > 26) {
            throw new IllegalArgumentException("the LLMCDSR layout holds at most 26 domains, the dataset has " + domains.size());
        }
        Map<Path, List<String>> files = new LinkedHashMap<>();
        List<String> num = new ArrayList<>();
        for (Domain d : domains) {
            num.add(Integer.toString(d.size()));
        }
        files.put(directory.resolve(LlmcdsrReader.NUM_FILE), num);
        files.put(directory.resolve(LlmcdsrReader.DOMAIN_NAMES_FILE), data.items().domainNames());
        for (Domain d : domains) {
            files.put(directory.resolve("items_" + LlmcdsrReader.letter(d.index()) + ".tsv"), itemLines(data.items(), d));
        }
        Map<String, List<String[]>> trainFiles = new LinkedHashMap<>();
        for (Domain d : domains) {
            trainFiles.put("train_" + LlmcdsrReader.letter(d.index()) + ".txt", new ArrayList<>());
        }
        trainFiles.put("train_overlap.txt", new ArrayList<>());
        for (UserSequence s : data.train()) {
            Domain only = singleDomain(data.items(), s.items());
            String file = only == null ? "train_overlap.txt" : "train_" + LlmcdsrReader.letter(only.index()) + ".txt";
            trainFiles.get(file).add(new String[] {s.user(), ids(s.items(), -1)});
        }
        List<String> instanceNum = new ArrayList<>();
        for (Map.Entry<String, List<String[]>> e : trainFiles.entrySet()) {
            Path file = directory.resolve(e.getKey());
            files.put(file, sequenceLines(file, e.getValue()));
            instanceNum.add(Integer.toString(e.getValue().size()));
        }
        files.put(directory.resolve("instance_num.txt"), instanceNum);
        for (Split split : Split.values()) {
            List<String[]> rows = new ArrayList<>();
            for (EvaluationCase c : data.cases(split)) {
                rows.add(new String[] {c.user(), ids(c.input(), c.target())});
            }
            Path file = directory.resolve(split.label() + ".txt");
            files.put(file, sequenceLines(file, rows));
        }
        for (Path file : files.keySet()) {
            AtomicFiles.checkWritable(file, "the dataset file", options);
        }
        for (Map.Entry<Path, List<String>> e : files.entrySet()) {
            writeLines(e.getKey(), e.getValue(), options);
        }
        LOG.info("wrote {} to {}", data, directory);
    }

    private static Domain singleDomain(ItemCatalog catalog, History h) {
        Domain first = catalog.domainOf(h.item(0));
        return h.countIn(first) == h.length() ? first : null;
    }

    private static String ids(History h, int target) {
        StringBuilder sb = new StringBuilder(h.length() * 6);
        for (int i = 0; i < h.length(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(h.item(i));
        }
        if (target >= 0) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(target);
        }
        return sb.toString();
    }

    private static List<String> itemLines(ItemCatalog catalog, Domain d) {
        Set<String> fields = new LinkedHashSet<>();
        fields.add(Item.TITLE);
        for (int id = d.firstItem(); id < d.endItem(); id++) {
            fields.addAll(catalog.item(id).text().keySet());
        }
        List<String> lines = new ArrayList<>();
        lines.add("global_id\tlocal_id\tasin\t" + String.join("\t", fields));
        for (int id = d.firstItem(); id < d.endItem(); id++) {
            Item item = catalog.item(id);
            StringBuilder sb = new StringBuilder();
            sb.append(id).append('\t').append(id - d.firstItem()).append('\t').append(clean(item.externalId()));
            for (String f : fields) {
                sb.append('\t').append(clean(item.text().getOrDefault(f, "")));
            }
            lines.add(sb.toString());
        }
        return lines;
    }

    /** The lines of a sequence file (the file is named in the log line when users are renumbered). */
    private static List<String> sequenceLines(Path file, List<String[]> rows) {
        Set<String> seen = new HashSet<>();
        boolean keep = true;
        for (String[] r : rows) {
            if (r[0].isEmpty() || r[0].chars().anyMatch(Character::isWhitespace) || !seen.add(r[0])) {
                keep = false;
                break;
            }
        }
        if (!keep) {
            LOG.info("{}: user ids are not unique single tokens; users are numbered from 1", file);
        }
        List<String> lines = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            lines.add((keep ? rows.get(i)[0] : Integer.toString(i + 1)) + "\t" + rows.get(i)[1]);
        }
        return lines;
    }

    private static String clean(String text) {
        return text.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    private static void writeLines(Path file, List<String> lines, WriteOption... options) throws IOException {
        AtomicFiles.write(file, out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            for (String line : lines) {
                w.write(line);
                w.write('\n');
            }
            w.flush();
        }, options);
    }
}
