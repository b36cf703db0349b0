package dev.llmedt.spark;

/** Range checks of the jobs' configuration records; messages name the parameter, the value and the range. */
final class Checks {

    private Checks() {
    }

    static int range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    static <T> T present(String name, T value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }
}
