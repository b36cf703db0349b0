package dev.llmedt.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses lines of the Amazon review corpus (McAuley et al.): reviews and product metadata, one
 * JSON object per line. Single-quoted strings are accepted because older metadata dumps were
 * written as Python literals.
 */
final class AmazonJson {

    static final String REVIEWER = "reviewerID";
    static final String ASIN = "asin";
    static final String TIME = "unixReviewTime";

    /** Text field names of an item, in the order they are kept. */
    static final String BRAND = "brand";
    static final String CATEGORY = "category";
    static final String DESCRIPTION = "description";

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private AmazonJson() {
    }

    /** The fields of a review the readers use. */
    record Review(String reviewer, String asin, long time) {
    }

    /** The metadata of a product: its ASIN and its text fields ({@code title} first). */
    record Metadata(String asin, Map<String, String> text) {
    }

    /**
     * Parses a review line, streaming past the fields it does not need (such as the review text).
     *
     * @throws MalformedDataException when the line is not a JSON object or lacks a required field
     *     ({@code reviewerID}, {@code asin}: non-empty strings; {@code unixReviewTime}: an integer)
     */
    static Review review(Path file, long line, String text) throws MalformedDataException {
        String reviewer = null;
        String asin = null;
        Long time = null;
        try (JsonParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedDataException(file, line, "not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case REVIEWER -> reviewer = requiredString(file, line, field, value, parser);
                    case ASIN -> asin = requiredString(file, line, field, value, parser);
                    case TIME -> time = integer(file, line, field, value, parser);
                    default -> parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new MalformedDataException(file, line, "unexpected content after the JSON object");
            }
        } catch (MalformedDataException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw notJson(file, line, e);
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
        return new Review(require(file, line, REVIEWER, reviewer), require(file, line, ASIN, asin), require(file, line, TIME, time));
    }

    /**
     * Parses a metadata line: {@code asin} (required), {@code title}, {@code brand},
     * {@code category} (a list of strings joined with {@code " > "}) or, in older dumps,
     * {@code categories} (a list of lists: each joined with {@code " > "}, the lists with
     * {@code ", "}), and {@code description} (a string or a list of strings joined with a space).
     *
     * @throws MalformedDataException when the line is not a JSON object, lacks the ASIN or a text
     *     field has an unexpected type
     */
    static Metadata metadata(Path file, long line, String text) throws MalformedDataException {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw notJson(file, line, e);
        }
        if (node == null || !node.isObject()) {
            throw new MalformedDataException(file, line, "not a JSON object");
        }
        JsonNode asin = node.get(ASIN);
        if (asin == null || asin.isNull()) {
            throw new MalformedDataException(file, line, "missing required field '" + ASIN + "'");
        }
        if (!asin.isTextual() || asin.asText().isBlank()) {
            throw new MalformedDataException(file, line, "field '" + ASIN + "' must be a non-empty string, found " + describe(asin));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(Item.TITLE, scalar(file, line, node, Item.TITLE));
        fields.put(BRAND, scalar(file, line, node, BRAND));
        fields.put(CATEGORY, categories(file, line, node));
        fields.put(DESCRIPTION, joined(file, line, node, DESCRIPTION, " "));
        return new Metadata(asin.asText().strip(), fields);
    }

    private static String requiredString(Path file, long line, String field, JsonToken value, JsonParser parser)
            throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new MalformedDataException(file, line, "field '" + field + "' must be a string, found " + describe(value));
        }
        String s = parser.getText().strip();
        if (s.isEmpty()) {
            throw new MalformedDataException(file, line, "field '" + field + "' is empty");
        }
        return s;
    }

    private static long integer(Path file, long line, String field, JsonToken value, JsonParser parser) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new MalformedDataException(file, line, "field '" + field + "' must be an integer (unix seconds), found "
                    + describe(value));
        }
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new MalformedDataException(file, line, "field '" + field + "' is out of range: " + parser.getText());
        }
        return parser.getLongValue();
    }

    private static <T> T require(Path file, long line, String field, T value) throws MalformedDataException {
        if (value == null) {
            throw new MalformedDataException(file, line, "missing required field '" + field + "'");
        }
        return value;
    }

    /** A string (or number) field, or null when absent. */
    private static String scalar(Path file, long line, JsonNode node, String field) throws MalformedDataException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() && !value.isNumber()) {
            throw new MalformedDataException(file, line, "field '" + field + "' must be a string, found " + describe(value));
        }
        return value.asText();
    }

    /** A string, or a list of strings joined with the separator; null when absent. */
    private static String joined(Path file, long line, JsonNode node, String field, String separator)
            throws MalformedDataException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || !value.isArray()) {
            return scalar(file, line, node, field);
        }
        return join(file, line, field, value, separator);
    }

    /** {@code category} (list of strings) or else {@code categories} (list of lists of strings). */
    private static String categories(Path file, long line, JsonNode node) throws MalformedDataException {
        JsonNode category = node.get(CATEGORY);
        if (category != null && !category.isNull()) {
            return joined(file, line, node, CATEGORY, " > ");
        }
        JsonNode lists = node.get("categories");
        if (lists == null || lists.isNull()) {
            return null;
        }
        if (!lists.isArray()) {
            throw new MalformedDataException(file, line, "field 'categories' must be a list of lists of strings, found " + describe(lists));
        }
        List<String> paths = new ArrayList<>();
        for (JsonNode path : lists) {
            paths.add(path.isArray() ? join(file, line, "categories", path, " > ") : scalarElement(file, line, "categories", path));
        }
        return String.join(", ", paths);
    }

    private static String join(Path file, long line, String field, JsonNode array, String separator)
            throws MalformedDataException {
        List<String> parts = new ArrayList<>();
        for (JsonNode element : array) {
            String s = scalarElement(file, line, field, element).strip();
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        return String.join(separator, parts);
    }

    private static String scalarElement(Path file, long line, String field, JsonNode element) throws MalformedDataException {
        if (!element.isTextual() && !element.isNumber()) {
            throw new MalformedDataException(file, line, "field '" + field + "' must hold strings, found " + describe(element));
        }
        return element.asText();
    }

    private static MalformedDataException notJson(Path file, long line, JsonProcessingException e) {
        return new MalformedDataException(file, line, "not valid JSON: " + e.getOriginalMessage());
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT, POJO -> "an object";
            case ARRAY -> "a list";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL, MISSING -> "null";
            case BINARY -> "binary data";
        };
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "a list";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }
}
