package dev.llmedt.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.prompt.PromptText;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Untrusted text in prompts: one line, cut, placeholders filled once. */
class PromptTextTest {

    @Test
    void flattensEveryKindOfLineBreakAndRemovesInvisibleCharacters() {
        assertEquals("a b c d e f g", PromptText.oneLine(" a\nb\r\n\tc\u2028d\u2029e\u0085f\u000Bg ", 100));
        assertEquals("evil txt", PromptText.oneLine("evil\u202E \u200Btxt", 100), "bidirectional override and zero-width space removed");
        assertEquals("abcde...", PromptText.oneLine("abcdefgh", 5));
        assertEquals("abcd...", PromptText.oneLine("abcd efgh", 5), "stripped before the marker");
        assertEquals("ab...", PromptText.oneLine("ab\uD83D\uDE00cd", 3), "never half a surrogate pair");
        assertEquals("", PromptText.oneLine(" \n\t ", 10));
        assertThrows(IllegalArgumentException.class, () -> PromptText.oneLine("x", 0));
    }

    @Test
    void fitKeepsTextUpToTheLimitAndCutsLongerTextWithinIt() {
        assertEquals("abcd efgh", PromptText.fit("abcd\nefgh", 9), "up to the limit: whole");
        assertEquals("a b", PromptText.fit("a\n\nb", 4));
        assertEquals("abcd...", PromptText.fit("abcdefghi", 7));
        assertEquals(7, PromptText.fit("x".repeat(50), 7).length());
        assertThrows(IllegalArgumentException.class, () -> PromptText.fit("x", 3));
    }

    @Test
    void placeholdersAreFilledInOnePass() {
        String out = PromptText.fill("{a} and {b}, {unknown} {A}", Map.of("a", "has {b} inside", "b", "B"));
        assertEquals("has {b} inside and B, {unknown} {A}", out);
        assertEquals("$1 \\", PromptText.fill("{x}", Map.of("x", "$1 \\")), "replacement text is literal");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PromptText.requirePlaceholders("myTemplate", "only {a}", "a", "b"));
        assertTrue(e.getMessage().contains("myTemplate") && e.getMessage().contains("{b}"), e.getMessage());
    }
}
