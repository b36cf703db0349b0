package dev.llmedt.examples;

import dev.llmedt.Recommender;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.model.Provenance;
import dev.llmedt.serving.TrainedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained model opened for serving from a file ({@link TrainedModel#open}: an llmedt model file, SASRec
 * or LLM-EDT, or an ONNX export), with the command line's checks: the data's domains and item
 * catalogue, and a domain by name.
 */
final class TrainedModels implements AutoCloseable {

    final TrainedModel recommender;
    final List<Domain> domains;
    final String kind;
    private final Path file;

    private TrainedModels(Path file, TrainedModel model) {
        this.file = file;
        this.recommender = model;
        this.domains = model.domains();
        this.kind = model.kind();
    }

    /** Opens a model file, or an ONNX export when the name ends with {@code .onnx}; ONNX Runtime uses {@code threads} threads. */
    static TrainedModels open(Path file, int threads) throws IOException {
        return new TrainedModels(file, TrainedModel.open(file, threads));
    }

    /** Loads a model file (no ONNX) that was trained on the dataset's domains, as a recommender. */
    static Recommender load(Path file, CdsrDataset data) throws IOException {
        TrainedModels m = open(file, 1);
        m.requireDomains(data);
        return m.recommender;
    }

    /** Returns whether the model scores the domain (a single-domain SASRec model scores one). */
    boolean scores(Domain d) {
        return recommender.scores(d);
    }

    /**
     * Fails naming both sides when the model was trained on other domains or item counts than the
     * data, or on another item catalogue (the same sizes, but other items or another order: its
     * item ids would name other items and print other titles).
     */
    void requireDomains(CdsrDataset data) {
        EvaluateCommand.checkCompatible(domains, data);
        recommender.provenance().requireCatalog(file, data.items());
    }

    /** Returns the domain of that name, failing with the model's domain names. */
    Domain domain(String name) {
        for (Domain d : domains) {
            if (d.name().equalsIgnoreCase(name)) {
                if (!scores(d)) {
                    throw new IllegalArgumentException(file + " does not score domain " + d.name() + " (a single-domain model)");
                }
                return d;
            }
        }
        throw new IllegalArgumentException("domain '" + name + "' is not one of " + file + "'s domains "
                + domains.stream().map(Domain::name).toList());
    }

    @Override
    public void close() {
        recommender.close();
    }
}
