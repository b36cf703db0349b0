package dev.llmedt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthetic generator is deterministic and what the writer writes, the reader reads back. */
class SyntheticRoundTripTest {

    @Test
    void sameSeedSameDataDifferentSeedDifferentData() {
        assertEquals(SyntheticDataset.generate(7).fingerprint(), SyntheticDataset.generate(7).fingerprint());
        assertNotEquals(SyntheticDataset.generate(7).fingerprint(), SyntheticDataset.generate(8).fingerprint());
    }

    @Test
    void writtenDatasetReadsBackIdentically(@TempDir Path dir) throws IOException {
        CdsrDataset data = SyntheticDataset.generate(3);
        LlmcdsrWriter.write(data, dir);
        CdsrDataset back = CdsrDataset.read(dir);
        assertEquals(data.items().domainNames(), back.items().domainNames());
        assertEquals(data.items().size(), back.items().size());
        for (int i = 0; i < data.items().size(); i++) {
            assertEquals(data.items().item(i), back.items().item(i));
        }
        assertEquals(data.train().size(), back.train().size());
        assertEquals(data.trainInteractions(), back.trainInteractions());
        assertEquals(data.valid(), back.valid());
        assertEquals(data.test(), back.test());
        assertTrue(back.readReport().isEmpty(), back.readReport()::toString);
    }

    @Test
    void optionsAreValidatedWithTheParameterName() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SyntheticDataset.Options(1, 2, 10, 10, 10, 10));
        assertTrue(e.getMessage().contains("itemsPerTopic") && e.getMessage().contains("[5, 200]"), e.getMessage());
    }
}
