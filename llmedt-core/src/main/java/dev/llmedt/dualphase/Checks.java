package dev.llmedt.dualphase;

/** Range checks whose messages name the parameter, the value and the allowed range. */
final class Checks {

    private Checks() {
    }

    static int range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** Checks {@code min <(=) value < max}; {@code minClosed} includes min. */
    static double open(String name, double value, double min, boolean minClosed, double max) {
        boolean ok = (minClosed ? value >= min : value > min) && value < max;
        if (!ok) {
            throw new IllegalArgumentException(name + " must be in " + (minClosed ? "[" : "(") + min + ", " + max + "), got " + value);
        }
        return value;
    }
}
