package dev.llmedt.spark;

import dev.llmedt.Recommender;
import dev.llmedt.data.Domain;
import dev.llmedt.serving.TrainedModel;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A trained model for the batch jobs: a llmedt model file (SASRec or LLM-EDT, scored by the pure-Java
 * recommender) or an exported ONNX file (scored by ONNX Runtime). The driver reads the file and
 * broadcasts its bytes (a few MB); each executor writes them to a temporary file once and loads one
 * recommender, shared by its tasks.
 *
 * @param path the model file, readable by the driver
 * @param onnx whether it is an ONNX export (otherwise a llmedt model file)
 * @param threads ONNX Runtime threads per executor, in [1, 1024] (the Java recommender scores on the task's thread)
 */
public record ModelSource(String path, boolean onnx, int threads) implements Serializable {

    /** Checks the values. */
    public ModelSource {
        Checks.present("path", path);
        Checks.range("threads", threads, 1, 1024);
    }

    /** A llmedt model file (SASRec or LLM-EDT). */
    public static ModelSource javaModel(String path) {
        return new ModelSource(path, false, 1);
    }

    /** An exported ONNX recommender. */
    public static ModelSource onnxModel(String path, int threads) {
        return new ModelSource(path, true, threads);
    }

    /** The bytes of the file and how to load them; what is broadcast. */
    record Payload(byte[] bytes, boolean onnx, int threads, String name) implements Serializable {
    }

    /** A loaded recommender and the domains it scores. */
    record Loaded(Recommender recommender, List<Domain> domains) implements AutoCloseable {

        /** Returns the domain named {@code name}. */
        Domain domain(String name) {
            for (Domain d : domains) {
                if (d.name().equals(name)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("the model has no domain '" + name + "'; its domains are "
                    + domains.stream().map(Domain::name).toList());
        }

        int itemCount() {
            Domain last = domains.get(domains.size() - 1);
            return last.endItem();
        }

        @Override
        public void close() {
            if (recommender instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing the recommender failed", e);
                }
            }
        }
    }

    /** Reads the file on the driver and checks that it loads. */
    Payload read() {
        Path file = Path.of(path);
        try {
            Payload p = new Payload(Files.readAllBytes(file), onnx, threads, file.getFileName().toString());
            load(p).close();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model file " + file, e);
        }
    }

    /** Loads a payload (on an executor): written to a temporary file, then loaded. */
    static Loaded load(Payload p) {
        try {
            Path dir = Files.createTempDirectory("llmedt-spark-model");
            // TrainedModel.open tells an ONNX export by its name; an ONNX source under another name gets the suffix.
            Path file = dir.resolve(p.onnx() && !p.name().toLowerCase(Locale.ROOT).endsWith(".onnx") ? p.name() + ".onnx" : p.name());
            Files.write(file, p.bytes());
            try {
                TrainedModel m = TrainedModel.open(file, p.threads());
                return new Loaded(m, m.domains());
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model " + p.name(), e);
        }
    }
}
