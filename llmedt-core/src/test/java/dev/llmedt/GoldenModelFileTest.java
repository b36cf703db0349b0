package dev.llmedt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.testing.SyntheticModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden model files (Tribuo style): a SASRec and an LLM-EDT model written by this version are kept
 * under {@code src/test/resources/golden-models/} with the scores they gave on a fixed set of
 * histories (stored as raw float bits). Every later version must keep loading them and giving the
 * same scores: within float rounding ({@value #TOLERANCE} relative, as a kernel's summation order may
 * change) and the same top-10.
 * A change of file format that breaks this must be a deliberate, versioned one (read the old format
 * too). To write the files afresh (only for a new format version, never to make a failure pass):
 * {@code mvn test -pl llmedt-core -Dtest=GoldenModelFileTest -Dllmedt.writeGoldenModels=src/test/resources/golden-models}.
 */
class GoldenModelFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIR = "/golden-models/";
    private static final int CASES = 12;
    /** Scores may move by float rounding when a kernel's summation order changes, not more. */
    private static final float TOLERANCE = 1e-5f;

    @Test
    void goldenModelFilesStillLoadAndScoreTheSame() throws Exception {
        String write = System.getProperty("llmedt.writeGoldenModels");
        if (write != null) {
            writeFixtures(Path.of(write));
        }
        Path dir = Files.createTempDirectory("golden-models");
        for (String kind : List.of("sasrec", "llm-edt")) {
            Path model = copy(kind + ".llmedt", dir);
            JsonNode expected;
            try (InputStream in = resource(kind + ".scores.json")) {
                expected = JSON.readTree(in);
            }
            Recommender loaded = kind.equals("sasrec") ? SasRecModel.load(model) : LlmEdtModel.load(model);
            List<Domain> domains = kind.equals("sasrec") ? ((SasRecModel) loaded).domains() : ((LlmEdtModel) loaded).domains();
            int compared = 0;
            for (JsonNode c : expected.path("cases")) {
                History history = History.of(toInts(c.path("history")));
                Domain target = domains.get(c.path("domain").asInt());
                float[] scores = new float[target.size()];
                loaded.score(history, target, scores);
                JsonNode bits = c.path("score_bits");
                assertEquals(target.size(), bits.size());
                float[] golden = new float[target.size()];
                for (int i = 0; i < target.size(); i++) {
                    golden[i] = Float.intBitsToFloat(bits.get(i).asInt());
                    int item = target.firstItem() + i;
                    float diff = Math.abs(golden[i] - scores[i]);
                    // Same model, same arithmetic up to the summation order of a kernel: a format or meaning change moves scores far more.
                    assertTrue(diff <= TOLERANCE * Math.max(1, Math.abs(golden[i])),
                            () -> kind + ": item " + item + " of history " + c.path("history") + " scores " + scores[item - target.firstItem()]
                                    + ", the golden file " + bits.get(item - target.firstItem()).asInt() + " (bits)");
                }
                assertEquals(top(golden, 10), top(scores, 10), kind + ": the top-10 of history " + c.path("history"));
                compared++;
            }
            assertEquals(CASES, compared, kind + ": cases in the golden file");
        }
    }

    /** The indices of the k best scores, best first, ties to the lower index. */
    private static List<Integer> top(float[] scores, int k) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            order.add(i);
        }
        order.sort((a, b) -> scores[a] != scores[b] ? Float.compare(scores[b], scores[a]) : Integer.compare(a, b));
        return order.subList(0, Math.min(k, order.size()));
    }

    private static Path copy(String name, Path dir) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = resource(name)) {
            Files.copy(in, file);
        }
        return file;
    }

    private static InputStream resource(String name) {
        InputStream in = GoldenModelFileTest.class.getResourceAsStream(DIR + name);
        assertTrue(in != null, "missing golden file " + DIR + name);
        return in;
    }

    private static int[] toInts(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /** Writes the golden files from the synthetic test models (see the class comment for when). */
    private static void writeFixtures(Path dir) throws IOException {
        Files.createDirectories(dir);
        SasRecModel sasrec = SyntheticModels.sasrec();
        sasrec.save(dir.resolve("sasrec.llmedt"));
        writeScores(sasrec, sasrec.domains(), dir.resolve("sasrec.scores.json"));
        LlmEdtModel llmEdt = SyntheticModels.llmEdt();
        llmEdt.save(dir.resolve("llm-edt.llmedt"));
        writeScores(llmEdt, llmEdt.domains(), dir.resolve("llm-edt.scores.json"));
    }

    private static void writeScores(Recommender model, List<Domain> domains, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("note", "scores of the model file beside this one, as raw float bits; see GoldenModelFileTest");
        ArrayNode cases = root.putArray("cases");
        List<EvaluationCase> test = new ArrayList<>(SyntheticModels.DATA.test().subList(0, CASES - 2));
        for (int k = 0; k < CASES; k++) {
            History history = k < CASES - 2 ? test.get(k).input() : k == CASES - 2 ? History.of() : History.of(new int[30]);
            Domain target = k < CASES - 2 ? SyntheticModels.DATA.items().domainOf(test.get(k).target()) : domains.get(k % domains.size());
            float[] scores = new float[target.size()];
            model.score(history, target, scores);
            ObjectNode c = cases.addObject();
            ArrayNode h = c.putArray("history");
            for (int i = 0; i < history.length(); i++) {
                h.add(history.item(i));
            }
            c.put("domain", target.index());
            ArrayNode bits = c.putArray("score_bits");
            for (int i = 0; i < target.size(); i++) {
                bits.add(Float.floatToRawIntBits(scores[i]));
            }
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }
}
