package dev.llmedt.examples.experiment;

import dev.llmedt.data.Domain;
import dev.llmedt.examples.PairedTests;
import dev.llmedt.examples.PerUserFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntPredicate;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;

/**
 * The standard metric columns of a study row, over the seeds of one setting and a group of test
 * users: valid NDCG@10 (all validation users: the selection metric), test HR@10 and NDCG@10 and
 * NDCG@10 per target domain (mean ± sample std over seeds), and the two-sided paired tests of the
 * users' test NDCG@10 (each user's mean over seeds) against the reference row on the same users.
 */
final class MetricRow {

    private MetricRow() {
    }

    /** The column names of {@link #cells}, for these domains. */
    static List<String> headers(List<Domain> domains) {
        List<String> h = new ArrayList<>(List.of("n test", "valid NDCG@10", "test HR@10", "test NDCG@10"));
        for (Domain d : domains) {
            h.add(d.name() + " NDCG@10");
        }
        h.add("p (t) vs ref");
        h.add("p (Wilcoxon) vs ref");
        return h;
    }

    /**
     * Computes a row's metrics.
     *
     * @param runs the setting's runs, one per seed
     * @param reference the reference row's runs (same seeds), or null for the reference row itself
     * @param group which test users (by index in the test file) the row covers
     * @param domains the dataset's domains
     * @return snake_case keys: n_test, valid_ndcg10(_std), test_hr10(_std), test_ndcg10(_std),
     *     test_ndcg10_DOMAIN, p_t_vs_reference, p_wilcoxon_vs_reference
     */
    static Map<String, Object> metrics(List<RunResult> runs, List<RunResult> reference, IntPredicate group, List<Domain> domains) {
        List<Integer> members = new ArrayList<>();
        List<PerUserFile.Row> first = runs.get(0).test();
        for (int i = 0; i < first.size(); i++) {
            if (group.test(i)) {
                members.add(i);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n_test", members.size());
        double[] valid = new double[runs.size()];
        double[] hr = new double[runs.size()];
        double[] ndcg = new double[runs.size()];
        for (int r = 0; r < runs.size(); r++) {
            List<PerUserFile.Row> v = runs.get(r).valid();
            double s = 0;
            for (PerUserFile.Row row : v) {
                s += row.ndcg10();
            }
            valid[r] = s / v.size();
            List<PerUserFile.Row> t = runs.get(r).test();
            for (int i : members) {
                hr[r] += t.get(i).hit10();
                ndcg[r] += t.get(i).ndcg10();
            }
            hr[r] /= Math.max(1, members.size());
            ndcg[r] /= Math.max(1, members.size());
        }
        put(m, "valid_ndcg10", valid);
        put(m, "test_hr10", hr);
        put(m, "test_ndcg10", ndcg);
        for (Domain d : domains) {
            double sum = 0;
            int n = 0;
            for (RunResult run : runs) {
                for (int i : members) {
                    PerUserFile.Row row = run.test().get(i);
                    if (row.domain().equals(d.name())) {
                        sum += row.ndcg10();
                        n++;
                    }
                }
            }
            m.put("test_ndcg10_" + d.name().toLowerCase(Locale.ROOT), n == 0 ? null : sum / n);
        }
        if (reference == null) {
            m.put("p_t_vs_reference", null);
            m.put("p_wilcoxon_vs_reference", null);
        } else {
            double[] a = perUser(reference, members);
            double[] b = perUser(runs, members);
            m.put("p_t_vs_reference", PairedTests.pairedT(a, b));
            m.put("p_wilcoxon_vs_reference", PairedTests.wilcoxon(a, b));
        }
        return m;
    }

    /** The row's cells under {@link #headers}. */
    static List<String> cells(Map<String, Object> m, List<Domain> domains) {
        List<String> c = new ArrayList<>();
        c.add(String.valueOf(m.get("n_test")));
        c.add(meanStd(m, "valid_ndcg10"));
        c.add(meanStd(m, "test_hr10"));
        c.add(meanStd(m, "test_ndcg10"));
        for (Domain d : domains) {
            Object v = m.get("test_ndcg10_" + d.name().toLowerCase(Locale.ROOT));
            c.add(v == null ? "-" : String.format(Locale.ROOT, "%.4f", (Double) v));
        }
        c.add(p(m.get("p_t_vs_reference")));
        c.add(p(m.get("p_wilcoxon_vs_reference")));
        return c;
    }

    /** Each member's test NDCG@10, averaged over the runs (seeds); the runs must list the same users. */
    private static double[] perUser(List<RunResult> runs, List<Integer> members) {
        double[] v = new double[members.size()];
        List<PerUserFile.Row> first = runs.get(0).test();
        for (RunResult run : runs) {
            for (int k = 0; k < members.size(); k++) {
                PerUserFile.Row row = run.test().get(members.get(k));
                if (!row.key().equals(first.get(members.get(k)).key())) {
                    throw new IllegalStateException(run.directory() + ": test user " + (members.get(k) + 1) + " is " + row.key()
                            + ", not " + first.get(members.get(k)).key());
                }
                v[k] += row.ndcg10() / runs.size();
            }
        }
        return v;
    }

    private static void put(Map<String, Object> m, String key, double[] perSeed) {
        double mean = 0;
        for (double x : perSeed) {
            mean += x / perSeed.length;
        }
        m.put(key, mean);
        m.put(key + "_std", perSeed.length < 2 ? 0.0 : new StandardDeviation(true).evaluate(perSeed));
    }

    private static String meanStd(Map<String, Object> m, String key) {
        double mean = (Double) m.get(key);
        double std = (Double) m.get(key + "_std");
        return std == 0 ? String.format(Locale.ROOT, "%.4f", mean) : String.format(Locale.ROOT, "%.4f ± %.4f", mean, std);
    }

    private static String p(Object p) {
        return p == null ? "ref" : String.format(Locale.ROOT, "%.3g", (Double) p);
    }
}
