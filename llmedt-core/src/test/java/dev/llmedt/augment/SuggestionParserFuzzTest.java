package dev.llmedt.augment;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.llmedt.testing.FuzzInput;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz test of the parser of the generator's answers (issue 20): any answer (JSON, a list, fenced
 * code, prose, garbage) gives at most {@code limit} non-blank texts of at most
 * {@link SuggestionParser#MAX_TEXT_CHARS} characters, and never an exception. Seeds:
 * {@code src/test/resources/dev/llmedt/augment/SuggestionParserFuzzTestInputs/parse/}; {@code -Pfuzz}
 * fuzzes for {@value FuzzInput#DURATION}.
 */
class SuggestionParserFuzzTest {

    @FuzzTest(maxDuration = FuzzInput.DURATION)
    void parse(byte[] input) {
        int limit = input.length == 0 ? 1 : 1 + (input[0] & 15);
        String answer = new String(input, StandardCharsets.UTF_8);
        SuggestionParser.Parsed parsed = SuggestionParser.parse(answer, limit);
        if (parsed.texts().size() > limit || parsed.beyondLimit() < 0) {
            throw new AssertionError(parsed.texts().size() + " texts for a limit of " + limit + ", " + parsed.beyondLimit() + " beyond");
        }
        for (String t : parsed.texts()) {
            if (t.isBlank() || t.length() > SuggestionParser.MAX_TEXT_CHARS) {
                throw new AssertionError("a text is non-blank and at most " + SuggestionParser.MAX_TEXT_CHARS + " characters: '" + t + "'");
            }
        }
    }
}
