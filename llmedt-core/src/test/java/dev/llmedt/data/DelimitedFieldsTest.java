package dev.llmedt.data;

import static dev.llmedt.data.TestData.assertMalformed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DelimitedFieldsTest {

    private static final Path FILE = Path.of("items.csv");

    private static String[] split(String line) throws MalformedDataException {
        return DelimitedFields.split(line, ',', FILE, 7);
    }

    @Test
    void plainFields() throws Exception {
        assertArrayEquals(new String[] {"a", "b", "c"}, split("a,b,c"));
        assertArrayEquals(new String[] {"", "b", ""}, split(",b,"));
        assertArrayEquals(new String[] {""}, split(""));
    }

    @Test
    void quotedFieldsHoldDelimitersAndDoubledQuotes() throws Exception {
        assertArrayEquals(new String[] {"a,b", "say \"hi\"", "", "x"}, split("\"a,b\",\"say \"\"hi\"\"\",\"\",x"));
        assertArrayEquals(new String[] {"a", "b,"}, split("a,\"b,\""));
        assertArrayEquals(new String[] {"x", ""}, split("\"x\","));
    }

    @Test
    void aQuoteInsideAnUnquotedFieldIsLiteral() throws Exception {
        assertArrayEquals(new String[] {"5\" pan", "b"}, split("5\" pan,b"));
    }

    @Test
    void otherDelimiters() throws Exception {
        assertArrayEquals(new String[] {"a b", "\"c\"", "d"}, DelimitedFields.split("a b\t\"\"\"c\"\"\"\td", '\t', FILE, 1));
    }

    @Test
    void unterminatedQuoteIsAnError() {
        assertMalformed(FILE, 7, "unterminated quote in field 2", () -> split("a,\"b,c"));
        assertMalformed(FILE, 7, "unterminated quote in field 1", () -> split("\"ab\"\""));
    }

    @Test
    void textAfterAClosingQuoteIsAnError() {
        assertMalformed(FILE, 7, "after the closing quote of field 1", () -> split("\"a\"b,c"));
    }
}
