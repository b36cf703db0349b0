package dev.llmedt.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

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

    String job() {
        return job;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** Checks an option's value against [min, max], naming the option, the value and the range. */
    void checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(job + ": --" + name + " must be in [" + min + ", " + max + "], got " + value);
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

    /** The model of {@code --model FILE}: the Java model, or with {@code --onnx true} ONNX Runtime on {@code --threads N}. */
    ModelSource model() {
        return Boolean.parseBoolean(get("onnx", "false")) ? ModelSource.onnxModel(required("model"), getInt("threads", 1))
                : ModelSource.javaModel(required("model"));
    }

    /**
     * Runs a {@code main}'s work with a session opened only when the work first asks for it (so bad options fail before
     * Spark starts) and stopped at the end, also when the work fails.
     */
    static void withSession(String appName, Consumer<Supplier<SparkSession>> work) {
        SparkSession[] opened = new SparkSession[1];
        try {
            work.accept(() -> {
                if (opened[0] == null) {
                    opened[0] = SparkSession.builder().appName(appName).getOrCreate();
                }
                return opened[0];
            });
        } finally {
            if (opened[0] != null) {
                opened[0].stop();
            }
        }
    }

    /** The encoder of {@code main}'s options: {@code --encoder-factory CLASS}, {@code --encoder-dir DIR} or the embedded MiniLM. */
    static TextEncoderFactory encoder(String factoryClass, String directory, int threads) {
        if (factoryClass != null && directory != null) {
            throw new IllegalArgumentException("--encoder-factory and --encoder-dir exclude each other");
        }
        if (factoryClass != null) {
            return TextEncoderFactory.ofClass(factoryClass);
        }
        return directory == null ? TextEncoderFactory.embeddedMiniLm(threads) : TextEncoderFactory.onnxDirectory(directory, threads);
    }
}
