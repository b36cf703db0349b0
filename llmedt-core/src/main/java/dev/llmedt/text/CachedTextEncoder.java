package dev.llmedt.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link TextEncoder} answered from a {@link TextCache}; see {@link TextCache#cached(TextEncoder)}. */
final class CachedTextEncoder implements TextEncoder {

    /** Appended to the model id of query entries, which may differ from document entries. */
    static final String QUERY_SUFFIX = " #query";

    private final TextCache cache;
    private final TextEncoder delegate;

    CachedTextEncoder(TextCache cache, TextEncoder delegate) {
        this.cache = cache;
        this.delegate = delegate;
    }

    @Override
    public String modelId() {
        return delegate.modelId();
    }

    @Override
    public int dimension() {
        return delegate.dimension();
    }

    @Override
    public float[][] encode(List<String> texts) {
        return encode(texts, false);
    }

    @Override
    public float[][] encodeQueries(List<String> texts) {
        return encode(texts, true);
    }

    private float[][] encode(List<String> texts, boolean queries) {
        TextEncoder.checkTexts(texts);
        String id = queries ? delegate.modelId() + QUERY_SUFFIX : delegate.modelId();
        int dim = delegate.dimension();
        float[][] out = new float[texts.size()][];
        Map<String, List<Integer>> missing = new LinkedHashMap<>();
        for (int i = 0; i < out.length; i++) {
            String text = texts.get(i);
            List<Integer> waiting = missing.get(text);
            if (waiting != null) {
                waiting.add(i);
                cache.countMisses(1);
                continue;
            }
            out[i] = cache.getEmbedding(id, text, dim);
            if (out[i] == null) {
                waiting = new ArrayList<>(1);
                waiting.add(i);
                missing.put(text, waiting);
            }
        }
        if (missing.isEmpty()) {
            return out;
        }
        List<String> todo = new ArrayList<>(missing.keySet());
        float[][] computed = queries ? delegate.encodeQueries(todo) : delegate.encode(todo);
        if (computed.length != todo.size()) {
            throw new LanguageModelException("encoder " + delegate.modelId() + " returned " + computed.length
                    + " vectors for " + todo.size() + " texts");
        }
        for (int k = 0; k < todo.size(); k++) {
            float[] v = computed[k];
            if (v == null || v.length != dim) {
                throw new LanguageModelException("encoder " + delegate.modelId() + " returned a vector of length "
                        + (v == null ? "null" : v.length) + " for text " + k + ", its dimension is " + dim);
            }
            cache.putEmbedding(id, todo.get(k), v);
            boolean first = true;
            for (int i : missing.get(todo.get(k))) {
                out[i] = first ? v : v.clone();
                first = false;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "cached(" + delegate + ")";
    }
}
