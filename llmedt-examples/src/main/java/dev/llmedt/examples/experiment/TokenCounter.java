package dev.llmedt.examples.experiment;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.llmedt.onnx.OnnxTextEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * Counts tokens with the tokenizer of the embedded all-MiniLM-L6-v2 (WordPiece, special tokens
 * included, NOT truncated, unlike the encoder, which cuts at 256): the encoder's tokens for item
 * texts and profiles; for prompts, an approximation of what an LLM's tokenizer would count.
 */
final class TokenCounter implements AutoCloseable {

    /** The embedded tokenizer's resource (as llmedt-onnx ships it). */
    static final String RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    private final HuggingFaceTokenizer tokenizer;

    TokenCounter() throws IOException {
        try (InputStream in = OnnxTextEncoder.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the embedded tokenizer " + RESOURCE + " is not on the class path");
            }
            tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of("addSpecialTokens", "true", "padding", "false",
                    "truncation", "false"));
        }
    }

    /** The total number of tokens of the texts. */
    synchronized long count(List<String> texts) {
        long total = 0;
        for (int from = 0; from < texts.size(); from += 512) {
            Encoding[] e = tokenizer.batchEncode(texts.subList(from, Math.min(texts.size(), from + 512)).toArray(String[]::new), true, false);
            for (Encoding x : e) {
                total += x.getIds().length;
            }
        }
        return total;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
