package dev.llmedt.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** {@link Require}: which values pass (ends, NaN, infinities, extremes) and the one message format. */
class RequireTest {

    /** Fixed, so that every run (and CI) checks the same examples. */
    private static final long SEED = 0x6EA5_0021L;

    private static void fails(String message, Executable check) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, check);
        assertEquals(message, e.getMessage());
    }

    @Test
    void intRangeIncludesBothEnds() {
        assertEquals(1, Require.inRange("threads", 1, 1, 256));
        assertEquals(256, Require.inRange("threads", 256, 1, 256));
        assertEquals(7, Require.inRange("one", 7, 7, 7));
        fails("threads must be in [1, 256], got 0", () -> Require.inRange("threads", 0, 1, 256));
        fails("threads must be in [1, 256], got 257", () -> Require.inRange("threads", 257, 1, 256));
        fails("threads must be in [1, 256], got -2147483648", () -> Require.inRange("threads", Integer.MIN_VALUE, 1, 256));
        assertEquals(Integer.MAX_VALUE, Require.inRange("users", Integer.MAX_VALUE, 0, Integer.MAX_VALUE));
        assertEquals(Integer.MIN_VALUE, Require.inRange("any", Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void longRangeIncludesBothEnds() {
        assertEquals(1024L, Require.inRange("maxResponseBytes", 1024L, 1024, 1L << 30));
        assertEquals(1L << 30, Require.inRange("maxResponseBytes", 1L << 30, 1024, 1L << 30));
        fails("maxResponseBytes must be in [1024, 1073741824], got 1023", () -> Require.inRange("maxResponseBytes", 1023L, 1024, 1L << 30));
        fails("maxResponseBytes must be in [1024, 1073741824], got 1073741825",
                () -> Require.inRange("maxResponseBytes", (1L << 30) + 1, 1024, 1L << 30));
        assertEquals(Long.MAX_VALUE, Require.inRange("any", Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE));
    }

    @Test
    void doubleRangesIncludeExactlyTheEndsTheirNamesSay() {
        double below = Math.nextDown(0.0);
        double above = Math.nextUp(1.0);
        double justBelowOne = Math.nextDown(1.0);
        double justAboveZero = Math.nextUp(0.0);

        assertEquals(0.0, Require.inRange("w", 0.0, 0, 1));
        assertEquals(1.0, Require.inRange("w", 1.0, 0, 1));
        fails("w must be in [0.0, 1.0], got " + below, () -> Require.inRange("w", below, 0, 1));
        fails("w must be in [0.0, 1.0], got " + above, () -> Require.inRange("w", above, 0, 1));

        assertEquals(0.0, Require.inClosedOpen("dropout", 0.0, 0, 1));
        assertEquals(justBelowOne, Require.inClosedOpen("dropout", justBelowOne, 0, 1));
        fails("dropout must be in [0.0, 1.0), got 1.0", () -> Require.inClosedOpen("dropout", 1.0, 0, 1));
        fails("dropout must be in [0.0, 1.0), got -0.1", () -> Require.inClosedOpen("dropout", -0.1, 0, 1));

        assertEquals(justAboveZero, Require.inOpenClosed("share", justAboveZero, 0, 1));
        assertEquals(1.0, Require.inOpenClosed("share", 1.0, 0, 1));
        fails("share must be in (0.0, 1.0], got 0.0", () -> Require.inOpenClosed("share", 0.0, 0, 1));
        fails("share must be in (0.0, 1.0], got " + above, () -> Require.inOpenClosed("share", above, 0, 1));

        assertEquals(justAboveZero, Require.inOpen("eps", justAboveZero, 0, 1));
        assertEquals(justBelowOne, Require.inOpen("eps", justBelowOne, 0, 1));
        fails("eps must be in (0.0, 1.0), got 0.0", () -> Require.inOpen("eps", 0.0, 0, 1));
        fails("eps must be in (0.0, 1.0), got 1.0", () -> Require.inOpen("eps", 1.0, 0, 1));
    }

    @Test
    void negativeZeroIsZero() {
        assertEquals(-0.0, Require.inRange("w", -0.0, 0, 1));
        assertEquals(-0.0, Require.inClosedOpen("w", -0.0, 0, 1));
        assertEquals(-0.0, Require.atLeast("w", -0.0, 0));
        fails("w must be in (0.0, 1.0), got -0.0", () -> Require.inOpen("w", -0.0, 0, 1));
        fails("w must be > 0.0, got -0.0", () -> Require.greaterThan("w", -0.0, 0));
    }

    @Test
    void nanFailsEveryDoubleCheck() {
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        fails("x must be in [0.0, 1.0], got NaN", () -> Require.inRange("x", nan, 0, 1));
        fails("x must be in [0.0, 1.0), got NaN", () -> Require.inClosedOpen("x", nan, 0, 1));
        fails("x must be in (0.0, 1.0], got NaN", () -> Require.inOpenClosed("x", nan, 0, 1));
        fails("x must be in (0.0, 1.0), got NaN", () -> Require.inOpen("x", nan, 0, 1));
        fails("x must be >= 0.0, got NaN", () -> Require.atLeast("x", nan, 0));
        fails("x must be > 0.0, got NaN", () -> Require.greaterThan("x", nan, 0));
        // Even a range that spans every number leaves NaN out.
        fails("x must be in [-Infinity, Infinity], got NaN", () -> Require.inRange("x", nan, -inf, inf));
        fails("x must be >= -Infinity, got NaN", () -> Require.atLeast("x", nan, -inf));
    }

    @Test
    void infinitiesAreComparedLikeOtherNumbers() {
        double inf = Double.POSITIVE_INFINITY;
        fails("x must be in [0.0, 1.0], got Infinity", () -> Require.inRange("x", inf, 0, 1));
        fails("x must be in [0.0, 1.0], got -Infinity", () -> Require.inRange("x", -inf, 0, 1));
        assertEquals(inf, Require.atLeast("x", inf, 0));
        assertEquals(inf, Require.greaterThan("temperature", inf, 0));
        fails("temperature must be > 0.0, got -Infinity", () -> Require.greaterThan("temperature", -inf, 0));
        // [0, Infinity): finite and not negative.
        assertEquals(Double.MAX_VALUE, Require.inClosedOpen("tolerance", Double.MAX_VALUE, 0, inf));
        fails("tolerance must be in [0.0, Infinity), got Infinity", () -> Require.inClosedOpen("tolerance", inf, 0, inf));
    }

    @Test
    void halfLinesIncludeTheirEndExactlyWhenTheyShouldAndNameIt() {
        assertEquals(1, Require.atLeast("k", 1, 1));
        assertEquals(Integer.MAX_VALUE, Require.atLeast("k", Integer.MAX_VALUE, 1));
        fails("k must be >= 1, got 0", () -> Require.atLeast("k", 0, 1));
        fails("afterPosition must be >= -1, got -2", () -> Require.atLeast("afterPosition", -2, -1));
        assertEquals(0L, Require.atLeast("users", 0L, 0));
        fails("users must be >= 0, got -1", () -> Require.atLeast("users", -1L, 0));
        fails("users must be >= 0, got -9223372036854775808", () -> Require.atLeast("users", Long.MIN_VALUE, 0));
        assertEquals(0.5, Require.atLeast("w", 0.5, 0.5));
        fails("w must be >= 0.5, got " + Math.nextDown(0.5), () -> Require.atLeast("w", Math.nextDown(0.5), 0.5));
        assertEquals(Double.MIN_VALUE, Require.greaterThan("temperature", Double.MIN_VALUE, 0));
        fails("temperature must be > 0.0, got 0.0", () -> Require.greaterThan("temperature", 0.0, 0));
    }

    @Test
    void comparableRangesAndDurations() {
        Duration hour = Duration.ofHours(1);
        assertEquals(Duration.ZERO, Require.inRange("backoff initial", Duration.ZERO, Duration.ZERO, hour));
        assertEquals(hour, Require.inRange("backoff initial", hour, Duration.ZERO, hour));
        fails("backoff initial must be in [PT0S, PT1H], got PT1H0.001S",
                () -> Require.inRange("backoff initial", hour.plusMillis(1), Duration.ZERO, hour));
        fails("backoff initial must be in [PT0S, PT1H], got PT-1S",
                () -> Require.inRange("backoff initial", Duration.ofSeconds(-1), Duration.ZERO, hour));
        assertEquals("backoff initial",
                assertThrows(NullPointerException.class, () -> Require.inRange("backoff initial", null, Duration.ZERO, hour)).getMessage());

        assertEquals(Duration.ofNanos(1), Require.positive("idleTimeout", Duration.ofNanos(1)));
        fails("idleTimeout must be > 0, got PT0S", () -> Require.positive("idleTimeout", Duration.ZERO));
        fails("idleTimeout must be > 0, got PT-1S", () -> Require.positive("idleTimeout", Duration.ofSeconds(-1)));
        assertEquals("idleTimeout", assertThrows(NullPointerException.class, () -> Require.positive("idleTimeout", null)).getMessage());
    }

    /** Any int against any closed range: passes exactly inside, and the message names the parameter, the value and the range. */
    @Test
    void intRangeProperty() {
        Gen<Integer> small = integers().between(-50, 50);
        Gen<Integer> edges = Generate.pick(List.of(Integer.MIN_VALUE, Integer.MIN_VALUE + 1, -1, 0, 1, Integer.MAX_VALUE - 1,
                Integer.MAX_VALUE));
        Gen<Integer> ints = small.mix(edges).mix(integers().all());
        qt().withFixedSeed(SEED).withExamples(2000).forAll(ints, ints, ints).checkAssert((value, a, b) -> {
            int v = value;
            int min = Math.min(a, b);
            int max = Math.max(a, b);
            boolean inside = !(v < min) && !(v > max);
            if (inside) {
                assertEquals(v, Require.inRange("p", v, min, max));
            } else {
                fails("p must be in [" + min + ", " + max + "], got " + v, () -> Require.inRange("p", v, min, max));
            }
            if (v >= min) {
                assertEquals(v, Require.atLeast("p", v, min));
            } else {
                fails("p must be >= " + min + ", got " + v, () -> Require.atLeast("p", v, min));
            }
        });
    }

    @Test
    void longRangeProperty() {
        Gen<Long> edges = Generate.pick(List.of(Long.MIN_VALUE, -1L, 0L, 1L, Long.MAX_VALUE));
        Gen<Long> all = longs().between(-50, 50).mix(edges).mix(longs().all());
        qt().withFixedSeed(SEED).withExamples(2000).forAll(all, all, all).checkAssert((value, a, b) -> {
            long v = value;
            long min = Math.min(a, b);
            long max = Math.max(a, b);
            if (v >= min && v <= max) {
                assertEquals(v, Require.inRange("p", v, min, max));
            } else {
                fails("p must be in [" + min + ", " + max + "], got " + v, () -> Require.inRange("p", v, min, max));
            }
            if (v >= min) {
                assertEquals(v, Require.atLeast("p", v, min));
            } else {
                fails("p must be >= " + min + ", got " + v, () -> Require.atLeast("p", v, min));
            }
        });
    }

    /**
     * Any double (NaN and the infinities included) against ranges whose ends are drawn from a few
     * values, each of the four ranges and the two half-lines: NaN never passes, an end passes exactly
     * when its bracket includes it, and the message is the one format.
     */
    @Test
    void doubleRangesProperty() {
        List<Double> ends = List.of(-1.0, 0.0, 0.5, 1.0, 10.0);
        Gen<Double> end = Generate.pick(ends);
        Gen<Double> near = Generate.pick(List.of(-1.0, Math.nextDown(-1.0), Math.nextUp(-1.0), 0.0, -0.0, Double.MIN_VALUE,
                -Double.MIN_VALUE, 0.5, Math.nextDown(0.5), Math.nextUp(0.5), 1.0, Math.nextDown(1.0), Math.nextUp(1.0), 10.0,
                Math.nextDown(10.0), Math.nextUp(10.0), Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
        Gen<Double> values = near.mix(doubles().between(-2, 12)).mix(doubles().any());
        qt().withFixedSeed(SEED).withExamples(4000).forAll(values, end, end).checkAssert((value, a, b) -> {
            double v = value;
            double min = Math.min(a, b);
            double max = Math.max(a, b);
            boolean number = !Double.isNaN(v);
            boolean aboveMin = number && v > min;
            boolean atMin = number && v == min;
            boolean belowMax = number && v < max;
            boolean atMax = number && v == max;
            check(Require::inRange, aboveMin || atMin, belowMax || atMax, "[", "]", v, min, max);
            check(Require::inClosedOpen, aboveMin || atMin, belowMax, "[", ")", v, min, max);
            check(Require::inOpenClosed, aboveMin, belowMax || atMax, "(", "]", v, min, max);
            check(Require::inOpen, aboveMin, belowMax, "(", ")", v, min, max);
            if (aboveMin || atMin) {
                assertEquals(v, Require.atLeast("p", v, min));
            } else {
                fails("p must be >= " + min + ", got " + v, () -> Require.atLeast("p", v, min));
            }
            if (aboveMin) {
                assertEquals(v, Require.greaterThan("p", v, min));
            } else {
                fails("p must be > " + min + ", got " + v, () -> Require.greaterThan("p", v, min));
            }
        });
    }

    /** Checks {@code c} passes {@code v} exactly when it is on the right side of both ends, else fails with the one message. */
    private static void check(DoubleCheck c, boolean minSide, boolean maxSide, String open, String close, double v, double min,
            double max) {
        String range = open + min + ", " + max + close;
        if (minSide && maxSide) {
            assertEquals(v, c.check("p", v, min, max), range);
        } else {
            fails("p must be in " + range + ", got " + v, () -> c.check("p", v, min, max));
        }
    }

    @FunctionalInterface
    private interface DoubleCheck {
        double check(String name, double value, double min, double max);
    }
}
