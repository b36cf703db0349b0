package dev.llmedt.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The paired tests behind {@code compare}. */
class CompareCommandTest {

    @Test
    void usersWhereBothMethodsAgreeDoNotMakeADifferenceSignificant() {
        int n = 1000;
        double[] a = new double[n];
        double[] b = new double[n];
        a[0] = 1;
        b[1] = 0.5; // two users differ, in opposite directions; 998 agree (both miss the top 10)
        assertEquals(1.0, PairedTests.wilcoxon(a, b), 1e-9, "two opposite differences: no evidence");
        assertTrue(PairedTests.pairedT(a, b) > 0.3);
        for (int i = 0; i < 40; i++) {
            b[100 + i] = 0.6; // B better for 40 users, never worse beyond user 0
        }
        double p = PairedTests.wilcoxon(a, b);
        assertTrue(p < 1e-6, "a consistent improvement is significant: " + p);
        assertTrue(PairedTests.pairedT(a, b) < 1e-3);
        assertEquals(1.0, PairedTests.wilcoxon(a, a));
    }
}
