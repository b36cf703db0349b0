package dev.llmedt.io;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one JSON style of configurations, settings and reports: snake_case keys. Records (the
 * configuration records, the augmenter's and profiler's settings, epoch summaries) are written with
 * their component names in snake_case (a {@code @JsonProperty} on a component keeps a key that files
 * on disk already use, such as the augmenter's {@code tau}); reading accepts snake_case and the
 * camelCase keys of files written before (model files keep loading). Settings read from a map
 * ({@link #readSettings}) are read strictly: every key known and present (or given a default that
 * older files read as), every value of its component's type. <b>Internal</b>.
 */
public final class RecordJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    /** Settings: no coercion ("3" is not a number, 2.5 not a whole number, 1 not text or a boolean). */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
            .build();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() { };

    private RecordJson() {
    }

    /** Writes a record (or a list of records) as a JSON tree with snake_case keys. */
    public static JsonNode write(Object value) {
        return MAPPER.valueToTree(value);
    }

    /**
     * Reads a record from a JSON tree whose keys are snake_case or (older files) camelCase.
     *
     * @throws JsonProcessingException when a field is missing, unknown or of the wrong type
     */
    public static <T> T read(JsonNode json, Class<T> type) throws JsonProcessingException {
        return MAPPER.treeToValue(snakeKeys(json), type);
    }

    /**
     * Writes a settings record as a map with snake_case keys in component order, for JSON and
     * provenance (enums as their {@code @JsonValue} label).
     */
    public static Map<String, Object> writeMap(Record value) {
        return STRICT.convertValue(value, MAP);
    }

    /**
     * Reads a settings record from a map written by {@link #writeMap} (for example parsed from JSON).
     *
     * @param owner the component, for messages ("augmenter", "profiler")
     * @param defaults values of keys that older files lack, as those files' behaviour was
     * @throws IllegalArgumentException naming the key when one is unknown (listing the known ones),
     *     missing or of the wrong type, or the record's own message when a value is out of range
     */
    public static <T extends Record> T readSettings(String owner, Map<String, ?> map, Class<T> type, Map<String, ?> defaults) {
        List<String> keys = keysOf(type);
        Set<String> unknown = new LinkedHashSet<>(map.keySet());
        unknown.removeAll(keys);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown " + owner + " settings " + unknown + "; known: " + keys);
        }
        Map<String, Object> full = new LinkedHashMap<>();
        for (String key : keys) {
            Object v = map.get(key);
            if (v == null && defaults.containsKey(key)) {
                v = defaults.get(key);
            }
            if (v == null) {
                throw new IllegalArgumentException(owner + " setting '" + key + "' is missing");
            }
            full.put(key, v);
        }
        try {
            return STRICT.convertValue(full, type);
        } catch (IllegalArgumentException e) {
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof IllegalArgumentException own) {
                    throw new IllegalArgumentException(own.getMessage(), e);   // the record's or the enum's own check
                }
            }
            if (e.getCause() instanceof JsonMappingException j && !j.getPath().isEmpty()) {
                String key = j.getPath().get(j.getPath().size() - 1).getFieldName();
                int index = keys.indexOf(key);
                String expected = index < 0 ? "of another type" : expected(type.getRecordComponents()[index].getType());
                throw new IllegalArgumentException(owner + " setting '" + key + "' must be " + expected + ", got '" + full.get(key) + "'", e);
            }
            throw new IllegalArgumentException("unreadable " + owner + " settings: " + e.getMessage(), e);
        }
    }

    private static String expected(Class<?> type) {
        if (type == int.class) {
            return "a whole number in int range";
        }
        if (type == long.class) {
            return "a whole number";
        }
        if (type == double.class || type == float.class) {
            return "a number";
        }
        if (type == boolean.class) {
            return "true or false";
        }
        return type == String.class ? "text" : "a " + type.getSimpleName();
    }

    /** The keys a settings record is written with: snake_case component names, or the name a {@code @JsonProperty} gives. */
    static List<String> keysOf(Class<? extends Record> type) {
        List<String> keys = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            JsonProperty named = c.getAccessor().getAnnotation(JsonProperty.class);
            keys.add(named != null && !named.value().isEmpty() ? named.value() : snake(c.getName()));
        }
        return keys;
    }

    /** A copy of the tree with every object key in snake_case. */
    public static JsonNode snakeKeys(JsonNode node) {
        if (node instanceof ObjectNode o) {
            ObjectNode out = MAPPER.createObjectNode();
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
                fields.add(it.next());
            }
            for (Map.Entry<String, JsonNode> f : fields) {
                out.set(snake(f.getKey()), snakeKeys(f.getValue()));
            }
            return out;
        }
        if (node instanceof ArrayNode a) {
            ArrayNode out = MAPPER.createArrayNode();
            for (JsonNode e : a) {
                out.add(snakeKeys(e));
            }
            return out;
        }
        return node;
    }

    /** {@code layerNormEps -> layer_norm_eps}, {@code validNdcg10 -> valid_ndcg10}; snake_case stays as it is. */
    static String snake(String key) {
        StringBuilder b = new StringBuilder(key.length() + 4);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    b.append('_');
                }
                b.append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
