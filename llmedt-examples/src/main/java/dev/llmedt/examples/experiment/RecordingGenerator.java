package dev.llmedt.examples.experiment;

import dev.llmedt.text.TextGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in generator for the cost study: counts the prompts it is sent and their tokens, keeps
 * the first few (to time on a real endpoint), and answers every prompt with a fixed text.
 */
final class RecordingGenerator implements TextGenerator {

    private final String answer;
    private final TokenCounter tokens;
    private final int keep;
    final AtomicLong calls = new AtomicLong();
    final AtomicLong promptTokens = new AtomicLong();
    final AtomicLong promptChars = new AtomicLong();
    private final List<String> kept = new ArrayList<>();

    RecordingGenerator(String answer, TokenCounter tokens, int keep) {
        this.answer = answer;
        this.tokens = tokens;
        this.keep = keep;
    }

    @Override
    public String modelId() {
        return "cost-study-recorder";
    }

    @Override
    public String generate(String prompt) {
        calls.incrementAndGet();
        promptChars.addAndGet(prompt.length());
        promptTokens.addAndGet(tokens.count(List.of(prompt)));
        synchronized (kept) {
            if (kept.size() < keep) {
                kept.add(prompt);
            }
        }
        return answer;
    }

    /** The first prompts sent (up to the number asked for). */
    List<String> kept() {
        synchronized (kept) {
            return List.copyOf(kept);
        }
    }
}
