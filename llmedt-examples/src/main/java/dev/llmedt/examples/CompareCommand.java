package dev.llmedt.examples;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llmedt compare}: a paired comparison of two methods over the same evaluated users. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare two methods user by user: each user's NDCG@10 and HR@10 averaged over the runs (seeds) of each method "
                + "(files from 'evaluate --per-user'), then the means (+- the standard deviation of the runs' means), their ratio and "
                + "two-sided paired tests (t-test and Wilcoxon signed-rank, Apache Commons Math) overall, per target domain and per slice.")
final class CompareCommand implements Callable<Integer> {

    @Option(names = "--a", required = true, split = ",", paramLabel = "FILE", description = "Per-user files of method A (one per seed).")
    List<Path> a;

    @Option(names = "--b", required = true, split = ",", paramLabel = "FILE", description = "Per-user files of method B (one per seed).")
    List<Path> b;

    @Option(names = "--names", split = ",", defaultValue = "A,B", paramLabel = "A,B", description = "Names of the two methods.")
    List<String> names;

    @Option(names = "--json", description = "Print machine-readable JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** Per user (in file order): the averages over the runs of one method, and every run's values. */
    record Averaged(List<PerUserFile.Row> users, double[] ndcg10, double[] hit10, double[][] runNdcg10, double[][] runHit10) {
    }

    static Averaged average(List<Path> files) throws Exception {
        List<PerUserFile.Row> first = PerUserFile.read(files.get(0));
        double[] ndcg = new double[first.size()];
        double[] hit = new double[first.size()];
        double[][] runNdcg = new double[files.size()][first.size()];
        double[][] runHit = new double[files.size()][first.size()];
        for (int run = 0; run < files.size(); run++) {
            Path f = files.get(run);
            List<PerUserFile.Row> rows = run == 0 ? first : PerUserFile.read(f);
            if (rows.size() != first.size()) {
                throw new IllegalArgumentException(f + " has " + rows.size() + " users, " + files.get(0) + " has " + first.size());
            }
            for (int i = 0; i < rows.size(); i++) {
                if (!rows.get(i).key().equals(first.get(i).key())) {
                    throw new IllegalArgumentException(f + " line " + (i + 2) + " is user " + rows.get(i).key().replace('\t', ' ')
                            + ", " + files.get(0) + " has " + first.get(i).key().replace('\t', ' ') + " there: not the same users");
                }
                ndcg[i] += rows.get(i).ndcg10() / files.size();
                hit[i] += (double) rows.get(i).hit10() / files.size();
                runNdcg[run][i] = rows.get(i).ndcg10();
                runHit[run][i] = rows.get(i).hit10();
            }
        }
        return new Averaged(first, ndcg, hit, runNdcg, runHit);
    }

    @Override
    public Integer call() throws Exception {
        if (names.size() != 2) {
            throw new IllegalArgumentException("--names takes two names, got " + names);
        }
        Averaged x = average(a);
        Averaged y = average(b);
        if (x.users().size() != y.users().size()) {
            throw new IllegalArgumentException("method A has " + x.users().size() + " users, method B " + y.users().size());
        }
        for (int i = 0; i < x.users().size(); i++) {
            if (!x.users().get(i).key().equals(y.users().get(i).key())) {
                throw new IllegalArgumentException("user " + (i + 1) + " differs: " + x.users().get(i).key().replace('\t', ' ') + " vs "
                        + y.users().get(i).key().replace('\t', ' '));
            }
        }
        Map<String, Predicate<PerUserFile.Row>> groups = new LinkedHashMap<>();
        groups.put("all", r -> true);
        for (PerUserFile.Row r : x.users()) {
            groups.putIfAbsent("domain " + r.domain(), q -> q.domain().equals(r.domain()));
        }
        for (String slice : List.of("0", "1-2", "3+")) {
            groups.put("slice " + slice, q -> q.slice().equals(slice));
        }
        groups.put("slice 0-2", q -> !q.slice().equals("3+")); // users with at most 2 input items in the target domain
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("a", Map.of("name", names.get(0), "runs", a.stream().map(Path::toString).toList()));
        result.put("b", Map.of("name", names.get(1), "runs", b.stream().map(Path::toString).toList()));
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            out.printf(Locale.ROOT, "%s (%d runs) vs %s (%d runs), per-user means over runs, two-sided paired tests%n", names.get(0), a.size(),
                    names.get(1), b.size());
            out.printf(Locale.ROOT, "%-16s %5s %17s %17s %7s %9s %10s %17s %17s %7s%n", "group", "n", "NDCG@10 A", "NDCG@10 B", "B/A",
                    "t p", "Wilcoxon p", "HR@10 A", "HR@10 B", "B/A");
        }
        Map<String, Object> byGroup = new LinkedHashMap<>();
        for (Map.Entry<String, Predicate<PerUserFile.Row>> g : groups.entrySet()) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < x.users().size(); i++) {
                if (g.getValue().test(x.users().get(i))) {
                    members.add(i);
                }
            }
            if (members.isEmpty()) {
                continue;
            }
            Map<String, Object> stats = compare(members, x, y);
            byGroup.put(g.getKey(), stats);
            if (!json) {
                out.printf(Locale.ROOT, "%-16s %5d %8.4f+-%.4f %8.4f+-%.4f %7.3f %9.3g %10.3g %8.4f+-%.4f %8.4f+-%.4f %7.3f%n", g.getKey(),
                        members.size(), stats.get("ndcg10_a"), stats.get("ndcg10_a_std_over_runs"), stats.get("ndcg10_b"),
                        stats.get("ndcg10_b_std_over_runs"), stats.get("ndcg10_ratio"), stats.get("ndcg10_paired_t_p"),
                        stats.get("ndcg10_wilcoxon_p"), stats.get("hr10_a"), stats.get("hr10_a_std_over_runs"), stats.get("hr10_b"),
                        stats.get("hr10_b_std_over_runs"), stats.get("hr10_ratio"));
            }
        }
        result.put("groups", byGroup);
        if (json) {
            out.println(Json.write(result));
        }
        return 0;
    }

    private static Map<String, Object> compare(List<Integer> members, Averaged x, Averaged y) {
        int n = members.size();
        double[] na = new double[n];
        double[] nb = new double[n];
        double[] ha = new double[n];
        double[] hb = new double[n];
        for (int k = 0; k < n; k++) {
            int i = members.get(k);
            na[k] = x.ndcg10()[i];
            nb[k] = y.ndcg10()[i];
            ha[k] = x.hit10()[i];
            hb[k] = y.hit10()[i];
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n);
        m.put("ndcg10_a", mean(na));
        m.put("ndcg10_a_std_over_runs", stdOverRuns(members, x.runNdcg10()));
        m.put("ndcg10_b", mean(nb));
        m.put("ndcg10_b_std_over_runs", stdOverRuns(members, y.runNdcg10()));
        m.put("ndcg10_ratio", mean(nb) / mean(na));
        m.put("ndcg10_paired_t_p", PairedTests.pairedT(na, nb));
        m.put("ndcg10_wilcoxon_p", PairedTests.wilcoxon(na, nb));
        m.put("hr10_a", mean(ha));
        m.put("hr10_a_std_over_runs", stdOverRuns(members, x.runHit10()));
        m.put("hr10_b", mean(hb));
        m.put("hr10_b_std_over_runs", stdOverRuns(members, y.runHit10()));
        m.put("hr10_ratio", mean(hb) / mean(ha));
        m.put("hr10_paired_t_p", PairedTests.pairedT(ha, hb));
        m.put("hr10_wilcoxon_p", PairedTests.wilcoxon(ha, hb));
        return m;
    }

    /** The sample standard deviation, over runs, of each run's mean over the members (0 for one run). */
    static double stdOverRuns(List<Integer> members, double[][] runs) {
        if (runs.length < 2) {
            return 0;
        }
        double[] means = new double[runs.length];
        for (int r = 0; r < runs.length; r++) {
            double s = 0;
            for (int i : members) {
                s += runs[r][i];
            }
            means[r] = s / members.size();
        }
        return new org.apache.commons.math3.stat.descriptive.moment.StandardDeviation(true).evaluate(means);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
