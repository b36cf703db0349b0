package dev.llmedt.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link TextGenerator} over an OpenAI-compatible {@code chat/completions} endpoint. */
final class OpenAiChatGenerator implements OpenAiCompatible.Chat {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiChatGenerator.class);
    private static final String PATH = "chat/completions";

    private final OpenAiTransport transport;
    private final String model;
    private final String systemPrompt;
    private final double temperature;
    private final int maxTokens;
    private final Long seed;
    private final String modelId;
    private final AtomicBoolean truncationLogged = new AtomicBoolean();

    OpenAiChatGenerator(OpenAiCompatible.ChatBuilder b, OpenAiTransport transport) {
        this.transport = transport;
        this.model = b.model;
        this.systemPrompt = b.systemPrompt;
        this.temperature = b.temperature;
        this.maxTokens = b.maxTokens;
        this.seed = b.seed;
        // The endpoint is part of the id (and so of the cache key): two servers may serve different weights under one name.
        StringBuilder id = new StringBuilder("openai-compatible/").append(model).append('@').append(transport.baseEndpoint())
                .append(";temperature=").append(temperature)
                .append(";max_tokens=").append(maxTokens);
        if (systemPrompt != null) {
            id.append(";system=").append(shortHash(systemPrompt));
        }
        if (seed != null) {
            id.append(";seed=").append(seed);
        }
        this.modelId = b.modelId != null ? b.modelId : id.toString();
    }

    private static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public String generate(String prompt) {
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be blank");
        }
        ObjectNode body = OpenAiTransport.JSON.createObjectNode();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        if (systemPrompt != null) {
            messages.addObject().put("role", "system").put("content", systemPrompt);
        }
        messages.addObject().put("role", "user").put("content", prompt);
        body.put("temperature", temperature);
        body.put("max_tokens", maxTokens);
        if (seed != null) {
            body.put("seed", seed);
        }
        return transport.post(PATH, body, this::content);
    }

    /** The answer's text (package-private for the fuzz test). */
    String content(JsonNode answer) {
        JsonNode choice = answer.path("choices").path(0);
        JsonNode content = choice.path("message").path("content");
        if (!content.isTextual()) {
            throw new LanguageModelException("POST " + transport.endpoint(PATH) + ": malformed response, no text at choices[0].message.content: "
                    + OpenAiTransport.excerpt(answer.toString()));
        }
        if ("length".equals(choice.path("finish_reason").asText()) && truncationLogged.compareAndSet(false, true)) {
            LOG.warn("model {} stopped an answer at max_tokens={}; answers may be cut (logged once)", model, maxTokens);
        }
        return content.asText();
    }

    @Override
    public OpenAiCompatible.CallStatistics statistics() {
        return transport.statistics();
    }

    @Override
    public List<String> generateAll(List<String> prompts) {
        return transport.mapConcurrently(prompts, this::generate);
    }

    @Override
    public String toString() {
        return "OpenAiCompatible.chat[" + modelId + " at " + transport + "]";
    }
}
