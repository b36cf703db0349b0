package dev.llmedt.check;

import java.time.Duration;
import java.util.Objects;

/**
 * Range checks of parameters, one message format for all. Each method returns the checked value, so
 * that a setter checks and assigns in one statement ({@code this.k = Require.atLeast("k", k, 1);}),
 * and throws an {@link IllegalArgumentException} whose message names the parameter, the value and
 * the allowed range:
 *
 * <ul>
 *   <li>{@code <name> must be in [min, max], got <value>}, with the interval written in the usual
 *       notation: {@code [} and {@code ]} include the end, {@code (} and {@code )} exclude it;
 *   <li>{@code <name> must be >= <min>, got <value>} and {@code <name> must be > <min>, got <value>}
 *       for the half-lines.
 * </ul>
 *
 * <p>Numbers are written as Java writes them ({@link String#valueOf}): the int 5 as {@code 5}, the
 * double 1 as {@code 1.0}, {@code Double.POSITIVE_INFINITY} as {@code Infinity}. Every double check
 * rejects NaN (it is in no interval); infinities are ordinary values, compared with the bounds (so
 * {@link #atLeast(String, double, double)} accepts {@code +Infinity}, and a range with finite ends
 * rejects both infinities). The bounds are the caller's constants: {@code min <= max} is assumed,
 * not checked.
 *
 * <p>Internal to llmedt (see the package documentation); not an API.
 */
public final class Require {

    private Require() {
    }

    /**
     * Checks {@code value} in the closed range {@code [min, max]}.
     *
     * @return {@code value}
     * @throws IllegalArgumentException {@code <name> must be in [min, max], got <value>}
     */
    public static int inRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw outside(name, value, "[", min, max, "]");
        }
        return value;
    }

    /**
     * Checks {@code value} in the closed range {@code [min, max]}.
     *
     * @return {@code value}
     * @throws IllegalArgumentException {@code <name> must be in [min, max], got <value>}
     */
    public static long inRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw outside(name, value, "[", min, max, "]");
        }
        return value;
    }

    /**
     * Checks {@code value} in the closed range {@code [min, max]}; NaN fails.
     *
     * @return {@code value}
     * @throws IllegalArgumentException {@code <name> must be in [min, max], got <value>}
     */
    public static double inRange(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw outside(name, value, "[", min, max, "]");
        }
        return value;
    }

    /**
     * Checks {@code value} in the half-open range {@code [min, max)}: min included, max excluded;
     * NaN fails.
     *
     * @return {@code value}
     * @throws IllegalArgumentException {@code <name> must be in [min, max), got <value>}
     */
    public static double inClosedOpen(String name, double value, double min, double max) {
        if (!(value >= min && value < max)) {
            throw outside(name, value, "[", min, max, ")");
        }
        return value;
    }

    /**
     * Checks {@code value} in the half-open range {@code (min, max]}: min excluded, max included;
     * NaN fails.
     *
     * @return {@code value}
     * @throws IllegalArgumentException {@code <name> must be in (min, max], got <value>}
     */
    public static double inOpenClosed(String name, double value, double min, double max) {
        if (!(value > min && value <= max)) {
            throw outside(name, value, "(", min, max, "]");
        }
        return value;
    }

    /**
     * Checks {@code value} in the open range {@code (min, max)}: both ends excluded; NaN fails.
     *
     * @return {@code value}
     * @throws IllegalArgumentException {@code <name> must be in (min, max), got <value>}
     */
    public static double inOpen(String name, double value, double min, double max) {
        if (!(value > min && value < max)) {
            throw outside(name, value, "(", min, max, ")");
        }
        return value;
    }

    /**
     * Checks {@code value} in the closed range {@code [min, max]} of a {@link Comparable} type (a
     * {@link Duration}, say), by {@code compareTo}.
     *
     * @return {@code value}
     * @throws NullPointerException when {@code value} is null, naming the parameter
     * @throws IllegalArgumentException {@code <name> must be in [min, max], got <value>}
     */
    public static <T extends Comparable<? super T>> T inRange(String name, T value, T min, T max) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw outside(name, value, "[", min, max, "]");
        }
        return value;
    }

    /**
     * Checks {@code value >= min}, the range {@code [min, Integer.MAX_VALUE]}.
     *
     * @return {@code value}
     * @throws IllegalArgumentException {@code <name> must be >= <min>, got <value>}
     */
    public static int atLeast(String name, int value, int min) {
        if (value < min) {
            throw below(name, value, ">=", min);
        }
        return value;
    }

    /**
     * Checks {@code value >= min}, the range {@code [min, Long.MAX_VALUE]}.
     *
     * @return {@code value}
     * @throws IllegalArgumentException {@code <name> must be >= <min>, got <value>}
     */
    public static long atLeast(String name, long value, long min) {
        if (value < min) {
            throw below(name, value, ">=", min);
        }
        return value;
    }

    /**
     * Checks {@code value >= min}, the range {@code [min, +Infinity]}; NaN fails.
     *
     * @return {@code value}
     * @throws IllegalArgumentException {@code <name> must be >= <min>, got <value>}
     */
    public static double atLeast(String name, double value, double min) {
        if (!(value >= min)) {
            throw below(name, value, ">=", min);
        }
        return value;
    }

    /**
     * Checks {@code value > min}, the range {@code (min, +Infinity]}; NaN fails.
     *
     * @return {@code value}
     * @throws IllegalArgumentException {@code <name> must be > <min>, got <value>}
     */
    public static double greaterThan(String name, double value, double min) {
        if (!(value > min)) {
            throw below(name, value, ">", min);
        }
        return value;
    }

    /**
     * Checks that a duration is longer than zero.
     *
     * @return {@code value}
     * @throws NullPointerException when {@code value} is null, naming the parameter
     * @throws IllegalArgumentException {@code <name> must be > 0, got <value>} (the value as
     *     {@link Duration#toString}, e.g. {@code PT0S})
     */
    public static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw below(name, value, ">", 0);
        }
        return value;
    }

    private static IllegalArgumentException outside(String name, Object value, String open, Object min, Object max, String close) {
        return new IllegalArgumentException(name + " must be in " + open + min + ", " + max + close + ", got " + value);
    }

    private static IllegalArgumentException below(String name, Object value, String relation, Object min) {
        return new IllegalArgumentException(name + " must be " + relation + " " + min + ", got " + value);
    }
}
