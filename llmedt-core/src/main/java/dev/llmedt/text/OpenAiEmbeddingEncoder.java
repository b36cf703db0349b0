package dev.llmedt.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link TextEncoder} over an OpenAI-compatible {@code embeddings} endpoint. */
final class OpenAiEmbeddingEncoder implements OpenAiCompatible.Embeddings {

    private static final String PATH = "embeddings";

    private final OpenAiTransport transport;
    private final String model;
    private final int batchSize;
    private final String queryPrefix;
    private final String documentPrefix;
    private final String modelId;
    /** The configured or learnt dimension; 0 until known. */
    private final AtomicInteger dimension;

    OpenAiEmbeddingEncoder(OpenAiCompatible.EmbeddingsBuilder b, OpenAiTransport transport) {
        this.transport = transport;
        this.model = b.model;
        this.batchSize = b.batchSize;
        this.queryPrefix = b.queryPrefix;
        this.documentPrefix = b.documentPrefix;
        this.dimension = new AtomicInteger(b.dimension);
        StringBuilder id = new StringBuilder("openai-compatible/").append(model);
        if (!queryPrefix.isEmpty() || !documentPrefix.isEmpty()) {
            id.append(";query_prefix='").append(queryPrefix).append("';document_prefix='").append(documentPrefix).append('\'');
        }
        this.modelId = b.modelId != null ? b.modelId : id.toString();
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int dimension() {
        int d = dimension.get();
        if (d == 0) {
            request(List.of("dimension probe"), 0);
            d = dimension.get();
        }
        return d;
    }

    @Override
    public float[][] encode(List<String> texts) {
        return encode(texts, documentPrefix);
    }

    @Override
    public float[][] encodeQueries(List<String> texts) {
        return encode(texts, queryPrefix);
    }

    private float[][] encode(List<String> texts, String prefix) {
        TextEncoder.checkTexts(texts);
        List<Integer> starts = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += batchSize) {
            starts.add(from);
        }
        List<float[][]> parts = transport.mapConcurrently(starts, from -> {
            List<String> batch = new ArrayList<>();
            for (String t : texts.subList(from, Math.min(texts.size(), from + batchSize))) {
                batch.add(prefix + t);
            }
            return request(batch, from);
        });
        float[][] out = new float[texts.size()][];
        for (int k = 0; k < starts.size(); k++) {
            float[][] part = parts.get(k);
            System.arraycopy(part, 0, out, starts.get(k), part.length);
        }
        return out;
    }

    /** Sends one batch; {@code offset} is the batch's first input index, for messages. */
    private float[][] request(List<String> batch, int offset) {
        ObjectNode body = OpenAiTransport.JSON.createObjectNode();
        body.put("model", model);
        ArrayNode input = body.putArray("input");
        batch.forEach(input::add);
        body.put("encoding_format", "float");
        return transport.post(PATH, body, answer -> vectors(answer, batch, offset));
    }

    /** Reads the vectors of one batch's answer; a malformed answer counts as a failed request. */
    float[][] vectors(JsonNode answer, List<String> batch, int offset) {
        String where = "POST " + transport.endpoint(PATH);
        JsonNode data = answer.get("data");
        if (data == null || !data.isArray()) {
            throw new LanguageModelException(where + ": malformed response, no 'data' array: " + OpenAiTransport.excerpt(answer.toString()));
        }
        if (data.size() != batch.size()) {
            throw new LanguageModelException(where + ": malformed response, " + data.size() + " embeddings for " + batch.size() + " inputs");
        }
        float[][] out = new float[batch.size()][];
        for (int k = 0; k < data.size(); k++) {
            JsonNode item = data.get(k);
            int index = item.has("index") ? item.path("index").asInt(-1) : k;
            if (index < 0 || index >= out.length || out[index] != null) {
                throw new LanguageModelException(where + ": malformed response, embedding " + k + " has a bad or repeated index "
                        + item.get("index"));
            }
            JsonNode vec = item.get("embedding");
            if (vec == null || !vec.isArray() || vec.isEmpty()) {
                throw new LanguageModelException(where + ": malformed response, embedding " + k
                        + " is not an array of numbers (a base64 answer? this client asks for encoding_format=float)");
            }
            int expected = dimension.get();
            if (expected == 0) {
                dimension.compareAndSet(0, vec.size());
                expected = dimension.get();
            }
            if (vec.size() != expected) {
                throw new LanguageModelException(where + ": model " + model + " returned a vector of " + vec.size()
                        + " values for input " + (offset + index) + "; expected dimension " + expected);
            }
            float[] v = new float[expected];
            for (int j = 0; j < expected; j++) {
                JsonNode x = vec.get(j);
                if (!x.isNumber()) {
                    throw new LanguageModelException(where + ": malformed response, embedding " + k + " value " + j + " is " + x);
                }
                v[j] = x.floatValue();
            }
            out[index] = TextEncoder.normalize(v, offset + index, modelId);
        }
        return out;
    }

    @Override
    public OpenAiCompatible.CallStatistics statistics() {
        return transport.statistics();
    }

    @Override
    public String toString() {
        return "OpenAiCompatible.embeddings[" + modelId + " at " + transport + "]";
    }
}
