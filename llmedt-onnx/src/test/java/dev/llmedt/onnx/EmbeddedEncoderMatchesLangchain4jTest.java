package dev.llmedt.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.testing.SharedData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acceptance: the embedded encoder's vectors equal those of langchain4j's own
 * {@code AllMiniLmL6V2EmbeddingModel} (the same weights, run one text at a time without padding)
 * for 200 real food-kitchen titles, cosine >= 0.99999 each.
 */
class EmbeddedEncoderMatchesLangchain4jTest {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedEncoderMatchesLangchain4jTest.class);

    /** 200 titles drawn with a fixed seed from both domains. */
    static List<String> realTitles(int count, long seed) throws IOException {
        CdsrDataset data = CdsrDataset.read(SharedData.foodKitchen());
        ItemCatalog items = data.items();
        Random random = new Random(seed);
        List<String> titles = new ArrayList<>();
        while (titles.size() < count) {
            String t = items.item(random.nextInt(items.size())).title();
            if (!t.isBlank()) {
                titles.add(t);
            }
        }
        return titles;
    }

    @Test
    void vectorsEqualLangchain4jOnTwoHundredRealTitles() throws IOException {
        List<String> titles = realTitles(200, 20240501L);
        float[][] ours;
        try (OnnxTextEncoder encoder = OnnxTextEncoder.embeddedDefault()) {
            ours = encoder.encode(titles);
        }
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
        List<TextSegment> segments = titles.stream().map(TextSegment::from).toList();
        List<float[]> theirs = reference.embedAll(segments).content().stream().map(e -> e.vector()).toList();
        assertEquals(titles.size(), theirs.size());
        double min = 1;
        int worst = -1;
        for (int i = 0; i < titles.size(); i++) {
            assertEquals(384, theirs.get(i).length);
            double c = OnnxTextEncoderTest.cosine(ours[i], theirs.get(i));
            if (c < min) {
                min = c;
                worst = i;
            }
        }
        LOG.info("embedded encoder vs langchain4j AllMiniLmL6V2EmbeddingModel on {} food-kitchen titles: min cosine {} (title {}: '{}')",
                titles.size(), String.format("%.8f", min), worst, titles.get(worst));
        assertTrue(min >= 0.99999, "min cosine " + min + " at title " + worst + ": " + titles.get(worst));
    }
}
