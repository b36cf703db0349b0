package dev.llmedt.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link TextGenerator} answered from a {@link TextCache}; see {@link TextCache#cached(TextGenerator)}. */
final class CachedTextGenerator implements TextGenerator {

    private final TextCache cache;
    private final TextGenerator delegate;

    CachedTextGenerator(TextCache cache, TextGenerator delegate) {
        this.cache = cache;
        this.delegate = delegate;
    }

    @Override
    public String modelId() {
        return delegate.modelId();
    }

    @Override
    public String generate(String prompt) {
        String id = delegate.modelId();
        String cached = cache.getText(id, prompt);
        if (cached != null) {
            return cached;
        }
        String out = delegate.generate(prompt);
        cache.putText(id, prompt, out);
        return out;
    }

    @Override
    public List<String> generateAll(List<String> prompts) {
        String id = delegate.modelId();
        String[] out = new String[prompts.size()];
        Map<String, List<Integer>> missing = new LinkedHashMap<>();
        for (int i = 0; i < out.length; i++) {
            String p = prompts.get(i);
            List<Integer> waiting = missing.get(p);
            if (waiting != null) {
                waiting.add(i);
                cache.countMisses(1);
                continue;
            }
            out[i] = cache.getText(id, p);
            if (out[i] == null) {
                waiting = new ArrayList<>(1);
                waiting.add(i);
                missing.put(p, waiting);
            }
        }
        if (!missing.isEmpty()) {
            List<String> todo = new ArrayList<>(missing.keySet());
            List<String> generated = delegate.generateAll(todo);
            if (generated.size() != todo.size()) {
                throw new LanguageModelException("generator " + id + " returned " + generated.size() + " answers for "
                        + todo.size() + " prompts");
            }
            for (int k = 0; k < todo.size(); k++) {
                cache.putText(id, todo.get(k), generated.get(k));
                for (int i : missing.get(todo.get(k))) {
                    out[i] = generated.get(k);
                }
            }
        }
        return List.of(out);
    }

    @Override
    public String toString() {
        return "cached(" + delegate + ")";
    }
}
