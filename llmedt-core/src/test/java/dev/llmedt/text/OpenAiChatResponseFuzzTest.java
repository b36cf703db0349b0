package dev.llmedt.text;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.llmedt.testing.FuzzInput;
import java.net.URI;

/**
 * Fuzz test of the OpenAI-compatible chat response parser (issue 20): any response body gives the
 * answer's text, or the documented
 * {@link LanguageModelException} (which the clients count as a failed request), never another
 * exception. The body goes through the same steps as a real response: {@code OpenAiTransport.parse}
 * (JSON object or not), then the chat client's {@code choices[0].message.content}. No request is sent. Seeds:
 * {@code src/test/resources/dev/llmedt/text/OpenAiChatResponseFuzzTestInputs/chat/}; {@code -Pfuzz} fuzzes
 * for {@value FuzzInput#DURATION}.
 */
class OpenAiChatResponseFuzzTest {

    private static final URI UNUSED = URI.create("http://127.0.0.1:9/v1");

    @FuzzTest(maxDuration = FuzzInput.DURATION)
    void chat(byte[] body) throws Exception {
        try (OpenAiChatGenerator chat = (OpenAiChatGenerator) OpenAiCompatible.chat(UNUSED, "fuzz").build()) {
            String text;
            try {
                text = chat.content(OpenAiTransport.parse("fuzz", 200, body));
            } catch (LanguageModelException documented) {
                return;
            }
            if (text == null) {
                throw new AssertionError("a parsed answer has a text");
            }
        }
    }
}
