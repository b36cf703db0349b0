package dev.llmedt.examples;

/** The {@code N} or {@code N,N2} (phase 1, phase 2) values of options such as {@code --max-epochs} and {@code --patience}. */
public final class PerPhase {

    private PerPhase() {
    }

    /**
     * Parses {@code N} or {@code N,N2}; returns null for null.
     *
     * @throws IllegalArgumentException naming the option and the value when it is not one or two whole numbers
     */
    public static int[] parse(String option, String value) {
        if (value == null) {
            return null;
        }
        String[] parts = value.split(",", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException(option + " takes N or N,N2 (phase 1, phase 2), got '" + value + "'");
        }
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes N or N,N2 (whole numbers), got '" + value + "'");
            }
        }
        return out;
    }
}
