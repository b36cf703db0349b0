package dev.llmedt.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The one JSON style of configurations and reports: snake_case keys. Records (the configuration
 * records, epoch summaries) are written with their component names in snake_case; reading accepts
 * snake_case and the camelCase keys of files written before (model files keep loading).
 * <b>Internal</b>.
 */
public final class RecordJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

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
