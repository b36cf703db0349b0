package dev.llmedt.examples;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.MalformedDataException;
import dev.llmedt.eval.EvaluationReport;
import dev.llmedt.io.AtomicFiles;
import dev.llmedt.output.WriteOption;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Per-user evaluation results: a TSV with the header {@code source uid domain slice rank ndcg10
 * hit10}, one line per evaluated user in case order ({@code rank} 0-based under the report's
 * protocol), so that two methods can be compared user by user.
 */
public final class PerUserFile {

    /** The header line. */
    public static final String HEADER = "source\tuid\tdomain\tslice\trank\tndcg10\thit10";

    /**
     * One user's line.
     *
     * @param source the split file of the user
     * @param user the user id within that file
     * @param domain the target's domain name
     * @param slice the slice name (input items in the target domain: 0, 1-2, 3+)
     * @param rank the target's 0-based rank
     * @param ndcg10 NDCG@10 of the user
     * @param hit10 1 when the target is in the top 10
     */
    public record Row(String source, String user, String domain, String slice, int rank, double ndcg10, int hit10) {

        /** Returns the user's key, unique within a split: source and uid. */
        public String key() {
            return source + "\t" + user;
        }
    }

    private PerUserFile() {
    }

    /**
     * Writes one line per case (case order) from a report of those cases, atomically and following
     * the rules of {@link dev.llmedt.output}.
     *
     * @throws dev.llmedt.output.OutputFileException naming the file and the reason when it is refused or cannot be written
     */
    public static void write(Path file, CdsrDataset data, List<EvaluationCase> cases, EvaluationReport report, WriteOption... options)
            throws IOException {
        int[] ranks = report.ranks();
        int[] domains = report.targetDomains();
        List<String> slices = report.sliceNames();
        AtomicFiles.write(file, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            w.write(HEADER);
            w.write('\n');
            for (int i = 0; i < cases.size(); i++) {
                EvaluationCase c = cases.get(i);
                int r = ranks[i];
                double ndcg = r < 10 ? 1 / (Math.log(r + 2) / Math.log(2)) : 0;
                w.write(String.format(Locale.ROOT, "%s\t%s\t%s\t%s\t%d\t%.9f\t%d%n", c.source(), c.user(),
                        data.domains().get(domains[i]).name(), slices.get(i), r, ndcg, r < 10 ? 1 : 0));
            }
            w.flush();
        }, options);
    }

    /**
     * Reads a file written by {@link #write}.
     *
     * @throws MalformedDataException naming the file and line when the header or a row is malformed
     */
    public static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (!HEADER.equals(header)) {
                throw new MalformedDataException(file, 1, "expected the header '" + HEADER + "', got '" + header + "'");
            }
            String line;
            long n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                String[] f = line.split("\t", -1);
                if (f.length != 7) {
                    throw new MalformedDataException(file, n, f.length + " fields, expected 7");
                }
                try {
                    rows.add(new Row(f[0], f[1], f[2], f[3], Integer.parseInt(f[4]), Double.parseDouble(f[5]), Integer.parseInt(f[6])));
                } catch (NumberFormatException e) {
                    throw new MalformedDataException(file, n, "not a number: " + e.getMessage());
                }
            }
        }
        if (rows.isEmpty()) {
            throw new MalformedDataException(file, 1, "no users");
        }
        return rows;
    }
}
