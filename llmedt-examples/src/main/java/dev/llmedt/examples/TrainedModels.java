package dev.llmedt.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmedt.LlmEdtModel;
import dev.llmedt.Recommender;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.model.ModelFile;
import dev.llmedt.model.ModelFileException;
import dev.llmedt.model.Provenance;
import dev.llmedt.onnx.OnnxRecommender;
import dev.llmedt.sasrec.SasRecModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trained model opened for serving from a file: an llmedt model file (SASRec or LLM-EDT) or an
 * ONNX export ({@code .onnx}), with the domains it was trained on and the ones it scores.
 */
final class TrainedModels implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainedModels.class);

    final Recommender recommender;
    final List<Domain> domains;
    final String kind;
    private final Path file;
    private final OnnxRecommender onnx;
    private final SasRecModel sasrec;
    private final JsonNode provenance;

    private TrainedModels(Path file, Recommender recommender, List<Domain> domains, String kind, OnnxRecommender onnx, SasRecModel sasrec,
            JsonNode provenance) {
        this.file = file;
        this.provenance = provenance;
        this.recommender = recommender;
        this.domains = domains;
        this.kind = kind;
        this.onnx = onnx;
        this.sasrec = sasrec;
    }

    /** Opens a model file, or an ONNX export when the name ends with {@code .onnx}; ONNX Runtime uses {@code threads} threads. */
    static TrainedModels open(Path file, int threads) throws IOException {
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            OnnxRecommender onnx = OnnxRecommender.builder(file).threads(threads).build();
            JsonNode provenance;
            try {
                provenance = new ObjectMapper().readTree(onnx.metadata().getOrDefault("llmedt.provenance", "{}"));
            } catch (IOException | RuntimeException e) {
                onnx.close();
                throw new ModelFileException(file, "invalid llmedt.provenance metadata: " + e.getMessage());
            }
            if (provenance.has(Provenance.DATASET_FINGERPRINT) && !Provenance.recordsCatalog(provenance)) {
                LOG.warn("{}: exported before model files recorded their item catalogue: it loads, but recommend cannot check that the "
                        + "data's items are the ones it was trained on (retrain and export again to record it)", file);
            }
            return new TrainedModels(file, onnx, onnx.domains(), "onnx " + onnx.metadata().get("llmedt.kind"), onnx, null, provenance);
        }
        String kind = ModelFile.kind(file);
        return switch (kind) {
            case "sasrec" -> {
                SasRecModel m = SasRecModel.load(file);
                yield new TrainedModels(file, m, m.domains(), kind, null, m, m.provenance());
            }
            case "llm-edt" -> {
                LlmEdtModel m = LlmEdtModel.load(file);
                if (m.scoresWithProfiles()) {
                    throw new ModelFileException(file, "holds an LLM-EDT model that adds the user's profile to its score; use "
                            + "'evaluate --embeddings' for it (recommend and export-onnx serve models without profileInScore)");
                }
                yield new TrainedModels(file, m, m.domains(), kind, null, null, m.provenance());
            }
            default -> throw new ModelFileException(file, "holds a '" + kind + "' model; SASRec and LLM-EDT models (or their .onnx "
                    + "exports) can serve");
        };
    }

    /** Loads a model file (no ONNX) that was trained on the dataset's domains, as a recommender. */
    static Recommender load(Path file, CdsrDataset data) throws IOException {
        TrainedModels m = open(file, 1);
        m.requireDomains(data);
        return m.recommender;
    }

    /** Returns whether the model scores the domain (a single-domain SASRec model scores one). */
    boolean scores(Domain d) {
        if (onnx != null) {
            return onnx.scores(d);
        }
        return sasrec == null || sasrec.scores(d);
    }

    /**
     * Fails naming both sides when the model was trained on other domains or item counts than the
     * data, or on another item catalogue (the same sizes, but other items or another order: its
     * item ids would name other items and print other titles).
     */
    void requireDomains(CdsrDataset data) {
        EvaluateCommand.checkCompatible(domains, data);
        Provenance.requireCatalog(file, provenance, data.items());
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
        if (onnx != null) {
            onnx.close();
        }
    }
}
