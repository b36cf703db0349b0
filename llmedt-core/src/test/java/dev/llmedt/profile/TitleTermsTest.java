package dev.llmedt.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.data.ItemCatalog;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Title terms and their idf. */
class TitleTermsTest {

    @Test
    void termsAreLowerCaseLetterRunsWithoutStopWordsNumbersOrSingleLetters() {
        assertEquals(List.of("bob", "red", "mill", "gluten", "free", "pancake", "mix"),
                TitleTerms.tokens("Bob's Red Mill Gluten Free Pancake Mix, 24 Ounce (Pack of 4)"));
        assertEquals(List.of("café", "crème", "brûlée", "über", "küche"), TitleTerms.tokens("CAFÉ Crème-Brûlée &amp; Über Küche x"));
        assertEquals(List.of("teapot"), TitleTerms.tokens("16oz 4pc Teapot, 12 Teapot &quot;"));
        assertEquals(List.of("抹茶", "绿茶"), TitleTerms.tokens("抹茶 绿茶"));
        assertEquals(List.of(), TitleTerms.tokens(""));
        assertEquals(List.of(), TitleTerms.tokens("The and of, 123 - a"));
    }

    @Test
    void idfIsSmoothedOverAllTitlesAndComputedOncePerCatalog() {
        ItemCatalog catalog = ProfileFixtures.catalog();
        TitleTerms terms = TitleTerms.of(catalog);
        assertSame(terms, TitleTerms.of(catalog), "cached for the same catalog");
        int coffee = -1;
        int chef = -1;
        for (int t : terms.termsOf(0)) {
            if (terms.term(t).equals("coffee")) {
                coffee = t;
            }
        }
        for (int t : terms.termsOf(9)) {
            if (terms.term(t).equals("chef")) {
                chef = t;
            }
        }
        assertEquals(Math.log(10.0 / 4) + 1, terms.idf(coffee), 1e-12, "9 titles, 3 with coffee");
        assertEquals(Math.log(10.0 / 2) + 1, terms.idf(chef), 1e-12);
        assertEquals(0, terms.termsOf(5).length, "no title, no terms");
        assertTrue(TitleTerms.of(ProfileFixtures.catalog()) != terms, "another catalog object has its own table");
    }
}
