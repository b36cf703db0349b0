package dev.llmedt.dualphase;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmedt.Recommender;
import dev.llmedt.data.Domain;
import dev.llmedt.data.History;
import dev.llmedt.model.ModelFile;
import dev.llmedt.model.ModelFileException;
import dev.llmedt.model.Provenance;
import dev.llmedt.output.WriteOption;
import dev.llmedt.text.TextEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained LLM-EDT recommender, as {@link LlmEdt#builder()}{@code ...fit(data)} returns it. The
 * score of item {@code e} of target domain {@code d} for a history is {@code <h_global + h_d, e>}:
 * {@code h_global} is the phase-1 backbone's last hidden state over the mixed history, {@code h_d}
 * the domain thread's (the same frozen blocks over the history's items of domain {@code d} with the
 * domain's own positions, then its residual adapter and, when configured, a learned scalar gate;
 * zero when the history holds no item of {@code d} or when the model was not fine-tuned). Item
 * vectors are the phase-1 item representation, computed once for the whole catalogue.
 *
 * <p>Thread-safe: each concurrent caller borrows a working set (activation buffers sized to its
 * call, at most 32 histories at a time, and weight copies), of which there are at most one per
 * available processor (further callers wait their turn); one left idle for 60 s is dropped when
 * the model is next called. Save it with
 * {@link #save} and load it with {@link #load}; the file records the configuration, the domains,
 * every tensor and the provenance (data fingerprint, encoder, augmentation, profiles, seed,
 * versions, validation figures). Implemented by the library only.
 */
public interface LlmEdtModel extends Recommender {

    /**
     * Loads a model file written by {@link #save}.
     *
     * @throws ModelFileException when the file is not a valid LLM-EDT model file (names the file and the problem)
     */
    static LlmEdtModel load(Path file) throws IOException {
        return LlmEdtModelFiles.load(file);
    }

    /**
     * Loads the phase 1 to reuse for a configuration ({@code LlmEdt.builder().phaseOne(...)}): an
     * LLM-EDT model file, or a mixed-domain SASRec model file, which is exactly the phase 1 of the
     * {@code id} item representation without augmentation (its item table becomes the ID table).
     *
     * @throws ModelFileException when the file is neither, a single-domain SASRec model, or a SASRec
     *     model whose network differs from the configuration's backbone
     */
    static LlmEdtModel loadPhaseOne(Path file, DualPhaseConfig config) throws IOException {
        return LlmEdtModelFiles.loadPhaseOne(file, config);
    }


    /** Returns the configuration it was trained with. */
    DualPhaseConfig config();

    /** Returns the domains (names and item-id ranges) the model was trained on. */
    List<Domain> domains();

    /** Returns whether phase 2 (domain threads) is part of the model. */
    boolean fineTuned();

    /**
     * Returns whether the domain's thread is part of its scores: phase 2 ran and, when the model
     * selected per domain on validation, the thread beat the phase-1 model alone on that domain's
     * validation users (see {@link dev.llmedt.dualphase.FineTuningConfig#selectPerDomain()}).
     *
     * @throws IllegalArgumentException when the domain is not one of the model's
     */
    boolean usesDomainThread(Domain domain);

    /**
     * Returns what the item text embeddings were ({@code model_id}, {@code dimension},
     * {@code template}, {@code pca_dimension}, {@code items_without_text}), or a JSON null for the
     * id representation.
     */
    JsonNode itemText();

    /** Returns the provenance (library and commit, JVM, data fingerprints, seed, training figures; encoder, augmentation, profiles in its JSON). */
    Provenance provenance();

    /**
     * Returns whether the score includes the user's projected profile; such a model scores with
     * profiles through {@link #withProfiles} (or {@link #scoreBatch(List, Domain, float[][], float[][])});
     * its own {@code score}, {@code recommend} and evaluation score every user as one without a
     * profile (the profile term zero) and log a warning once.
     */
    boolean scoresWithProfiles();

    /**
     * Returns this model as a recommender that computes each scored history's profile with the
     * source (needed when {@link #scoresWithProfiles()}; otherwise the source is not used).
     */
    Recommender withProfiles(ProfileSource source);

    /**
     * Scores the target domain for several histories, with their profile vectors when the model
     * scores with profiles.
     *
     * @param profiles one profile vector per history (a zero vector: no profile), or null for no profile term
     */
    void scoreBatch(List<History> histories, Domain target, float[][] scores, float[][] profiles);

    /**
     * Writes the model file (format in {@link ModelFile}) atomically, as {@link ModelFile#write} does:
     * a read-only file is replaced only with {@link WriteOption#REPLACE_READ_ONLY}; a directory,
     * device or FIFO never.
     *
     * @throws dev.llmedt.output.OutputFileException naming the file and the reason when it is refused or cannot be written
     */
    void save(Path file, WriteOption... options) throws IOException;

    /**
     * Returns a copy of this model with new items at the end of a domain, without retraining: each
     * item's text embedding goes through the model's PCA (when it had one) and its item adapter (the
     * domain's adapter when there is one per domain), as in training; the ID part of a hybrid model
     * is zero for them. For the llm representation a new item with the text of an existing item
     * scores exactly as that item. The new items get the ids {@code domain.endItem() ..
     * domain.endItem() + n - 1}; the ids of later domains' items move up by {@code n} (see the
     * returned model's {@link #domains()}). Re-export the returned model to serve it with ONNX.
     *
     * @param domain one of this model's domains
     * @param textEmbeddings one embedding per new item, made by the encoder the model was trained with
     *     (its id and dimension are in {@link #itemText()}) from the item text rendered by the same template
     * @throws IllegalStateException when the model has no text part (id representation) or no item adapter
     * @throws IllegalArgumentException when the domain is not the model's, no embedding is given, or an
     *     embedding has the wrong dimension, is zero or is not finite (names which)
     */
    LlmEdtModel withNewItems(Domain domain, float[][] textEmbeddings);

    /**
     * Returns {@link #withNewItems(Domain, float[][])} for item texts embedded by {@code encoder},
     * which must be the encoder the model was trained with (same model id).
     *
     * @param texts each new item's text, rendered by the template the model was trained with
     *     ({@code itemText().path("template")}); not blank
     * @throws IllegalArgumentException when the encoder is not the model's or a text is blank
     */
    LlmEdtModel withNewItems(Domain domain, List<String> texts, TextEncoder encoder);

    /** Returns the names of the model's tensors, in file order. */
    List<String> tensorNames();

    /**
     * Returns a copy of one of the model's tensors (for exporters: the values the model scores with).
     *
     * @throws java.util.NoSuchElementException when the model has no tensor of that name (names them)
     */
    ModelFile.Tensor tensor(String name);
}
