package dev.llmedt.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.data.Domain;
import dev.llmedt.data.Item;
import dev.llmedt.data.ItemCatalog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ItemTextTemplateTest {

    private static Item item(int id, int domain, String... fields) {
        Map<String, String> text = new LinkedHashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            text.put(fields[i], fields[i + 1]);
        }
        return new Item(id, domain, "x" + id, text);
    }

    @Test
    void fieldsInOrderWithLiteralsAndPerFieldLimits() {
        ItemTextTemplate t = ItemTextTemplate.of("{title}. Brand: {brand}. {description:12}");
        Item it = item(0, 0, "title", "Green  tea\n", "brand", "Acme", "description", "Loose leaf tea from the hills");
        assertEquals("Green tea. Brand: Acme. Loose leaf", t.render(it, "Food"));
    }

    @Test
    void missingFieldsRenderEmptyAndAnItemWithNoFieldHasNoText() {
        ItemTextTemplate t = ItemTextTemplate.of("Title: {title} by {brand}");
        assertEquals("Title: Tea by", t.render(item(0, 0, "title", "Tea"), "Food"));
        assertEquals("", t.render(item(1, 0, "color", "red"), "Food"), "literal text alone is not text");
        assertEquals("", t.render(item(2, 0), "Food"));
    }

    @Test
    void perDomainPatternsAndTotalLimit() {
        ItemTextTemplate t = ItemTextTemplate.builder("{title}").domain("Kitchen", "{title} ({category})").maxChars(20).build();
        List<Domain> domains = List.of(new Domain(0, "Food", 0, 1), new Domain(1, "Kitchen", 1, 1));
        ItemCatalog catalog = new ItemCatalog(domains, List.of(item(0, 0, "title", "Tea", "category", "Drinks"),
                item(1, 1, "title", "Kettle", "category", "Appliances and other things")));
        assertEquals("Tea", t.render(catalog, 0));
        assertEquals("Kettle (Appliances", t.render(catalog, 1), "cut at a word boundary near 20 characters");
        assertEquals("{title}; Kitchen={title} ({category}); maxChars=20", t.toString());
        assertEquals(ItemTextTemplate.titles().toString(), "{title}");
    }

    @Test
    void escapedBracesAreLiteral() {
        assertEquals("{Tea}", ItemTextTemplate.of("{{{title}}}").render(item(0, 0, "title", "Tea"), "Food"));
    }

    @Test
    void malformedPatternsNameThePosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ItemTextTemplate.of("{title"));
        assertTrue(e.getMessage().contains("character 1") && e.getMessage().contains("never closed"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ItemTextTemplate.of("{title:x}"));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ItemTextTemplate.of("no fields"));
        assertTrue(e.getMessage().contains("no {field}"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ItemTextTemplate.of("a } b {title}"));
        assertTrue(e.getMessage().contains("character 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ItemTextTemplate.builder("{title}").maxChars(0));
        assertTrue(e.getMessage().contains("maxChars") && e.getMessage().contains("got 0"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> ItemTextTemplate.builder("{title}").domain("A", "{x}").domain("A", "{y}"));
    }
}
