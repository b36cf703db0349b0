package dev.llmedt.examples;

import org.apache.commons.math3.stat.inference.TTest;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;

/**
 * Two-sided paired tests of two methods' per-user values (Apache Commons Math), shared by {@code
 * compare} and {@code experiment}: the same users in the same order in both arrays.
 */
public final class PairedTests {

    private PairedTests() {
    }

    /** Two-sided paired t-test p-value; 1 when every difference is zero (no evidence of a difference). */
    public static double pairedT(double[] a, double[] b) {
        if (a.length < 2 || allEqual(a, b)) {
            return 1;
        }
        return new TTest().pairedTTest(a, b);
    }

    /**
     * Two-sided Wilcoxon signed-rank p-value over the users whose two values differ (Wilcoxon's
     * treatment of zero differences: most users miss the top 10 with both methods, and counting
     * their zero differences would make any difference look significant); exact up to 30 such
     * users, normal approximation beyond; 1 when fewer than 2 differ.
     */
    public static double wilcoxon(double[] a, double[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                n++;
            }
        }
        if (n < 2) {
            return 1;
        }
        double[] x = new double[n];
        double[] y = new double[n];
        int k = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                x[k] = a[i];
                y[k++] = b[i];
            }
        }
        return new WilcoxonSignedRankTest().wilcoxonSignedRankTest(x, y, n <= 30);
    }

    private static boolean allEqual(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
