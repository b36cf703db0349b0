package dev.llmedt.onnx;

import dev.llmedt.engine.TensorLayout;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.data.Domain;
import dev.llmedt.dualphase.BackboneConfig;
import dev.llmedt.io.AtomicFiles;
import dev.llmedt.io.RecordJson;
import dev.llmedt.model.ModelFile;
import dev.llmedt.model.ModelFileException;
import dev.llmedt.output.WriteOption;
import dev.llmedt.sasrec.SasRecConfig;
import dev.llmedt.sasrec.SasRecModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports trained SASRec and LLM-EDT models to ONNX (opset {@value #OPSET}, IR version
 * {@value #IR_VERSION}), in pure Java, for any ONNX Runtime (see {@link OnnxRecommender} for
 * llmedt's).
 *
 * <p>The graph scores one target domain for a batch of histories, exactly as the Java model does:
 * <ul>
 *   <li>inputs: {@value #HISTORY} {@code int64 [batch, length]}: global item ids, oldest first,
 *       each row padded (with any value) after its real items, {@code length >= 1};
 *       {@value #LENGTHS} {@code int64 [batch]}: the number of real items of each row (0 for an
 *       empty history); {@value #DOMAIN}: the target domain's index, an {@code int64} scalar;
 *       {@value #K}: an {@code int64} scalar, the number of top items (0 when only
 *       the scores are wanted);</li>
 *   <li>outputs: {@value #SCORES} {@code float [batch, items]}: column {@code i} scores item
 *       {@code firstItem + i} of the target domain; {@value #TOP_SCORES} {@code float} and
 *       {@value #TOP_ITEMS} {@code int64 [batch, min(k, items)]}: the best items that are not in the
 *       history (global ids), best first, equal scores by smaller id, as
 *       {@link dev.llmedt.Recommender#recommend}; minus infinity pads rows with fewer unseen items.</li>
 * </ul>
 * Padding never changes a score; the model reads the last {@code maxLength} items (and, for an
 * LLM-EDT domain thread, the last {@code maxLength} items of the target domain), so histories may be
 * passed whole. Item ids must be known to the model (ONNX Runtime's Gather rejects others).
 *
 * <p>{@code metadata_props} hold the model's configuration and provenance, the domains
 * ({@value #META_DOMAINS}: index, name, first item, size, whether scored), the export time, the
 * opset and, when exported from a file, its path and SHA-256. Models whose score needs a user
 * profile ({@code profileInScore}) cannot be exported: the graph has no profile input.
 */
public final class OnnxExporter {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxExporter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The ONNX opset the graphs import. */
    public static final int OPSET = OnnxOperator.OPSET;
    /** The ONNX IR version of the files. */
    public static final long IR_VERSION = 8;
    /** The version of the graph's inputs and outputs described here, in {@value #META_GRAPH_VERSION}. */
    public static final String GRAPH_VERSION = "1";

    /** Input name: item ids {@code int64 [batch, length]}, oldest first, padded after each row's length. */
    public static final String HISTORY = "history";
    /** Input name: the number of real items of each row, {@code int64 [batch]}. */
    public static final String LENGTHS = "lengths";
    /** Input name: the target domain's index, an {@code int64} scalar. */
    public static final String DOMAIN = "domain";
    /** Input name: the number of top items, an {@code int64} scalar (0 when only the scores are wanted). */
    public static final String K = "k";
    /** Output name: the scores of every item of the target domain, {@code float [batch, items]}. */
    public static final String SCORES = "scores";
    /** Output name: the best scores of items not in the history, best first, {@code float [batch, min(k, items)]}. */
    public static final String TOP_SCORES = "top_scores";
    /** Output name: the global ids of those items, {@code int64 [batch, min(k, items)]}. */
    public static final String TOP_ITEMS = "top_items";

    /** Metadata key: the model file kind ({@code sasrec} or {@code llm-edt}). */
    public static final String META_KIND = "llmedt.kind";
    /** Metadata key: {@link #GRAPH_VERSION}. */
    public static final String META_GRAPH_VERSION = "llmedt.graph_version";
    /** Metadata key: JSON array of the domains: {@code index, name, first_item, size, scored}. */
    public static final String META_DOMAINS = "llmedt.domains";
    /** Metadata key: the window (the most recent items the network reads). */
    public static final String META_MAX_LENGTH = "llmedt.max_length";
    /** Metadata key: the model's configuration (JSON). */
    public static final String META_CONFIG = "llmedt.config";
    /** Metadata key: the model's provenance (JSON): library, data fingerprint, seed, training figures. */
    public static final String META_PROVENANCE = "llmedt.provenance";
    /** Metadata key: when the file was exported (ISO-8601). */
    public static final String META_EXPORTED_AT = "llmedt.exported_at";
    /** Metadata key: the opset. */
    public static final String META_OPSET = "llmedt.opset";
    /** Metadata key: the exported model file's path (file exports only). */
    public static final String META_SOURCE_FILE = "llmedt.source_file";
    /** Metadata key: the exported model file's SHA-256 (file exports only). */
    public static final String META_SOURCE_SHA256 = "llmedt.source_sha256";

    /** Protobuf messages are limited to 2 GiB; external data files are not written. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - (64L << 20);

    private OnnxExporter() {
    }

    /**
     * Exports a SASRec model (mixed or single-domain) to {@code out}, written atomically.
     * The file is written following the rules of {@link dev.llmedt.output}: a read-only file is
     * replaced only with {@link WriteOption#REPLACE_READ_ONLY}; a directory, device or FIFO never
     * ({@link dev.llmedt.output.OutputFileException} naming the file and the reason).
     */
    public static void export(SasRecModel model, Path out, WriteOption... options) throws IOException {
        write(specOf(model), out, Map.of(), options);
    }

    /**
     * Exports an LLM-EDT model (the global backbone and, when fine-tuned, the domain threads) to
     * {@code out}, written atomically.
     * The file is written following the rules of {@link dev.llmedt.output}: a read-only file is
     * replaced only with {@link WriteOption#REPLACE_READ_ONLY}; a directory, device or FIFO never
     * ({@link dev.llmedt.output.OutputFileException} naming the file and the reason).
     *
     * @throws IllegalArgumentException when the model adds a user profile to its score
     */
    public static void export(LlmEdtModel model, Path out, WriteOption... options) throws IOException {
        write(specOf(model), out, Map.of(), options);
    }

    /**
     * Exports the model of an llmedt model file (SASRec or LLM-EDT) to {@code out}; the metadata
     * also records the file's path and SHA-256. {@code out} is checked before the model is read.
     * The file is written following the rules of {@link dev.llmedt.output}: a read-only file is
     * replaced only with {@link WriteOption#REPLACE_READ_ONLY}; a directory, device or FIFO never
     * ({@link dev.llmedt.output.OutputFileException} naming the file and the reason).
     *
     * @throws ModelFileException when the file is not a valid SASRec or LLM-EDT model file
     * @throws IllegalArgumentException when the model adds a user profile to its score
     */
    public static void export(Path modelFile, Path out, WriteOption... options) throws IOException {
        Objects.requireNonNull(modelFile, "modelFile");
        AtomicFiles.checkWritable(out, "the ONNX file", options);
        String kind = ModelFile.kind(modelFile);
        NetworkSpec spec = switch (kind) {
            case "sasrec" -> specOf(SasRecModel.load(modelFile));
            case "llm-edt" -> specOf(LlmEdtModel.load(modelFile));
            default -> throw new ModelFileException(modelFile, "holds a '" + kind + "' model; SASRec and LLM-EDT models can be exported");
        };
        Map<String, String> source = new LinkedHashMap<>();
        source.put(META_SOURCE_FILE, modelFile.toAbsolutePath().normalize().toString());
        source.put(META_SOURCE_SHA256, HexFormat.of().formatHex(Sha256.of(modelFile)));
        write(spec, out, source, options);
    }

    static NetworkSpec specOf(SasRecModel model) {
        SasRecConfig c = model.config();
        return new NetworkSpec("sasrec", c.dim(), c.heads(), c.blocks(), c.maxLength(), (float) c.layerNormEps(), model.domains(),
                model.trainedDomain().orElse(null), false, null, false, model::tensor, RecordJson.write(c), model.provenance().json());
    }

    static NetworkSpec specOf(LlmEdtModel model) {
        if (model.scoresWithProfiles()) {
            throw new IllegalArgumentException("this LLM-EDT model adds the user's projected profile to its score (profileInScore); "
                    + "its ONNX graph would need a profile input, which the export does not have. Export a model trained without "
                    + "profileInScore");
        }
        BackboneConfig b = model.config().backbone();
        return new NetworkSpec("llm-edt", b.dim(), b.heads(), b.blocks(), b.maxLength(), (float) b.layerNormEps(), model.domains(), null,
                model.fineTuned(), domainGates(model), b.outputProjection(), model::tensor, model.config().toJson(), model.provenance().json());
    }

    /** Per domain, the factor of its thread (its gate, or 0 when unused); null when every thread counts fully. */
    private static float[] domainGates(LlmEdtModel model) {
        if (!model.fineTuned()) {
            return null;
        }
        boolean gated = model.config().fineTuning().domainGate();
        boolean any = gated;
        float[] gates = new float[model.domains().size()];
        for (Domain d : model.domains()) {
            boolean used = model.usesDomainThread(d);
            gates[d.index()] = !used ? 0 : gated ? model.tensor(TensorLayout.domainGate(d.index())).data()[0] : 1;
            any |= !used;
        }
        return any ? gates : null;
    }

    private static void write(NetworkSpec spec, Path out, Map<String, String> extra, WriteOption... options) throws IOException {
        Objects.requireNonNull(out, "out");
        OnnxMl.GraphProto graph = RecommenderGraph.build(spec, "llmedt-" + spec.kind());
        long bytes = graph.getSerializedSize();
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException("the " + spec.kind() + " model needs " + bytes + " bytes in ONNX, more than one protobuf "
                    + "message holds (2 GiB); external tensor data is not supported");
        }
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OnnxOperator.ADD.opsetProto())
                .setProducerName("llmedt")
                .setProducerVersion(libraryVersion())
                .setDomain("dev.llmedt")
                .setModelVersion(1)
                .setDocString("llmedt " + spec.kind() + " recommender exported from " + spec.provenance().path("dataset").asText("?"))
                .setGraph(graph);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(META_KIND, spec.kind());
        metadata.put(META_GRAPH_VERSION, GRAPH_VERSION);
        metadata.put(META_DOMAINS, domainsJson(spec).toString());
        metadata.put(META_MAX_LENGTH, Integer.toString(spec.maxLength()));
        metadata.put(META_CONFIG, spec.config().toString());
        metadata.put(META_PROVENANCE, spec.provenance().toString());
        metadata.put(META_EXPORTED_AT, Instant.now().toString());
        metadata.put(META_OPSET, Integer.toString(OPSET));
        metadata.putAll(extra);
        metadata.forEach((k, v) -> model.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        OnnxMl.ModelProto proto = model.build();
        AtomicFiles.write(out, proto::writeTo, options);
        LOG.info("exported the {} model ({} domains{}) to {}: {} MB, opset {}", spec.kind(), spec.domains().size(),
                spec.domainThreads() ? ", with domain threads" : "", out, String.format("%.1f", Files.size(out) / 1e6), OPSET);
    }

    private static ArrayNode domainsJson(NetworkSpec spec) {
        ArrayNode a = JSON.createArrayNode();
        for (Domain d : spec.domains()) {
            ObjectNode o = a.addObject();
            o.put("index", d.index());
            o.put("name", d.name());
            o.put("first_item", d.firstItem());
            o.put("size", d.size());
            o.put("scored", spec.scores(d));
        }
        return a;
    }

    private static String libraryVersion() {
        String v = OnnxExporter.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    /** Reads the domains recorded by the export. */
    static JsonNode domains(Map<String, String> metadata) throws IOException {
        return JSON.readTree(metadata.get(META_DOMAINS));
    }
}
