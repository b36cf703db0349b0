package dev.llmedt.serving;

import dev.llmedt.Recommender;
import dev.llmedt.data.Domain;
import dev.llmedt.model.ModelFileException;
import dev.llmedt.model.Provenance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained model opened for serving from a file this library writes: an llmedt model file (SASRec
 * or LLM-EDT) or an ONNX export ({@code .onnx}). Close it when done: an ONNX export holds native
 * memory (closing a Java model does nothing).
 *
 * <pre>{@code
 * try (TrainedModel model = TrainedModel.open(Path.of("model.bin"))) {
 *     List<ScoredItem> top = model.recommend(history, model.domains().get(1), 10);
 * }
 * }</pre>
 *
 * <p>An LLM-EDT model that adds the user's profile to its score cannot serve from its file alone
 * (it needs a profile source, see {@link dev.llmedt.dualphase.LlmEdtModel#scoresWithProfiles()}); opening it
 * fails. Load it with {@link dev.llmedt.dualphase.LlmEdtModel#load} instead.
 */
public interface TrainedModel extends Recommender, AutoCloseable {

    /**
     * Returns what the file holds: {@code sasrec} or {@code llm-edt} for a model file,
     * {@code onnx sasrec} or {@code onnx llm-edt} for an ONNX export.
     */
    String kind();

    /** Returns the domains (names and item-id ranges) the model was trained on. */
    List<Domain> domains();

    /** Returns whether the model scores the domain (a single-domain SASRec model scores only its own). */
    boolean scores(Domain domain);

    /**
     * Returns where the model comes from, as its file records it (library, data and catalogue
     * fingerprints, seed; an ONNX export's {@code llmedt.provenance} metadata).
     */
    Provenance provenance();

    /** Releases what the model holds (an ONNX Runtime session); idempotent. */
    @Override
    void close();

    /**
     * Opens a model file, or an ONNX export when the name ends with {@code .onnx} (ONNX Runtime
     * then uses as many threads as there are processors, at most 1024).
     *
     * @throws ModelFileException naming the file and the reason when it is missing, corrupt or
     *     truncated, holds a model of another kind, holds an LLM-EDT model that scores with profiles,
     *     or is an ONNX export and llmedt-onnx is not on the class or module path
     * @throws IllegalArgumentException when ONNX Runtime cannot load an {@code .onnx} file or it is not
     *     an llmedt recommender export (names the file)
     * @throws IOException when the file cannot be read
     */
    static TrainedModel open(Path file) throws IOException {
        return open(file, Math.min(Runtime.getRuntime().availableProcessors(), 1024));
    }

    /**
     * Opens a model file, or an ONNX export when the name ends with {@code .onnx}; ONNX Runtime uses
     * {@code threads} intra-op threads (a Java model scores on the caller's thread and ignores it).
     *
     * @throws IllegalArgumentException unless {@code threads} is in [1, 1024]; as {@link #open(Path)}
     * @throws ModelFileException as {@link #open(Path)}
     * @throws IOException when the file cannot be read
     */
    static TrainedModel open(Path file, int threads) throws IOException {
        return Opening.open(file, threads);
    }

    /**
     * Opens ONNX exports for {@link #open}; llmedt-onnx provides it (through {@code module-info} and
     * {@code META-INF/services}). Not for users: call {@link #open} instead.
     */
    interface OnnxOpener {

        /**
         * Opens an ONNX export with {@code threads} ONNX Runtime threads (already checked).
         *
         * @throws ModelFileException naming the file when its llmedt metadata is invalid
         * @throws IllegalArgumentException naming the file when ONNX Runtime cannot load it or it is
         *     not an llmedt recommender export
         */
        TrainedModel open(Path onnxFile, int threads) throws IOException;
    }
}
