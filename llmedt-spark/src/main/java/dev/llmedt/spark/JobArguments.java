package dev.llmedt.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The {@code --name value} options of a job's {@code main}, checked against the options it knows. */
final class JobArguments {

    private final String job;
    private final Map<String, String> values = new LinkedHashMap<>();

    JobArguments(String job, String[] args, Set<String> known, String usage) {
        this.job = job;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !known.contains(a.substring(2))) {
                throw new IllegalArgumentException(job + ": unknown option '" + a + "'; usage: " + usage);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(job + ": option " + a + " needs a value; usage: " + usage);
            }
            values.put(a.substring(2), args[++i]);
        }
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException(job + ": option --" + name + " is required");
        }
        return v;
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int getInt(String name, int fallback) {
        String v = values.get(name);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(job + ": option --" + name + " must be an integer, got '" + v + "'", e);
        }
    }

    double getDouble(String name, double fallback) {
        String v = values.get(name);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(job + ": option --" + name + " must be a number, got '" + v + "'", e);
        }
    }
}
