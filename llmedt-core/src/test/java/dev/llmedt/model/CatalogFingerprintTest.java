package dev.llmedt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Item;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.testing.LogCapture;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 20, point 5: the data fingerprint covers the item table, and model files record and check it. */
class CatalogFingerprintTest {

    private static final CdsrDataset DATA = SyntheticDataset.generate(3);

    /** The same dataset with the external ids and texts of items {@code a} and {@code b} swapped: same sizes, same interactions. */
    static CdsrDataset swapped(CdsrDataset data, int a, int b) {
        ItemCatalog c = data.items();
        List<Item> items = new ArrayList<>();
        for (int id = 0; id < c.size(); id++) {
            int from = id == a ? b : id == b ? a : id;
            items.add(new Item(id, c.item(id).domain(), c.item(from).externalId(), c.item(from).text()));
        }
        return new CdsrDataset(data.name(), new ItemCatalog(c.domains(), items), data.train(), data.valid(), data.test(),
                data.readReport());
    }

    @Test
    void reorderedItemsChangeTheCatalogueAndDataFingerprintsButNotTheInteractionsOne() {
        CdsrDataset other = swapped(DATA, 0, 1);
        assertEquals(DATA.items().size(), other.items().size());
        assertEquals(DATA.domains(), other.domains());
        assertNotEquals(DATA.items().item(0).title(), other.items().item(0).title());
        assertEquals(64, DATA.items().fingerprint().length());
        assertNotEquals(DATA.items().fingerprint(), other.items().fingerprint());
        assertNotEquals(DATA.fingerprint(), other.fingerprint(), "the data fingerprint covers the item table");
        assertEquals(DATA.interactionsFingerprint(), other.interactionsFingerprint(), "what older model files recorded");
        assertEquals(DATA.items().fingerprint(), SyntheticDataset.generate(3).items().fingerprint());
        assertEquals(DATA.fingerprint(), SyntheticDataset.generate(3).fingerprint());
        assertEquals(DATA.items().fingerprint(), swapped(other, 0, 1).items().fingerprint(), "swapped back");
    }

    @Test
    void aModelFileRecordsTheCatalogueAndRefusesAnotherNamingBothFingerprints(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.llmedt");
        ObjectNode recorded = Provenance.start(DATA, 1, 1);
        ModelFile.write(file, "sasrec", recorded.objectNode(), Provenance.fromJson(recorded),
                List.of(new ModelFile.Tensor("w", new int[] {2}, new float[] {1, 2})));
        List<String> warnings = LogCapture.warnings("item catalogue", () -> ModelFile.read(file));
        assertEquals(List.of(), warnings, "a file that records its catalogue loads without a warning");
        Provenance read = ModelFile.read(file).provenance();
        assertEquals(Optional.of(DATA.items().fingerprint()), read.catalogFingerprint());
        assertEquals(DATA.fingerprint(), read.datasetFingerprint());
        read.requireCatalog(file, DATA.items());
        CdsrDataset other = swapped(DATA, 5, 9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read.requireCatalog(file, other.items()));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(DATA.items().fingerprint())
                && e.getMessage().contains(other.items().fingerprint()), e.getMessage());
        assertEquals(DATA.fingerprint(), read.comparableFingerprint(DATA));
        assertNotEquals(read.datasetFingerprint(), read.comparableFingerprint(other));
    }

    @Test
    void anOlderModelFileWithoutTheCatalogueLoadsWithOneWarning(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sasrec.llmedt");
        try (InputStream in = CatalogFingerprintTest.class.getResourceAsStream("/golden-models/sasrec.llmedt")) {
            Files.copy(in, file);
        }
        SasRecModel[] loaded = new SasRecModel[1];
        List<String> warnings = LogCapture.warnings("item catalogue", () -> loaded[0] = SasRecModel.load(file));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(file.toString()), warnings.get(0));
        assertFalse(loaded[0].provenance().recordsCatalog());
        // It cannot be checked, so any catalogue passes; its data fingerprint compares with the interactions-only one.
        loaded[0].provenance().requireCatalog(file, swapped(DATA, 0, 1).items());
        assertEquals(DATA.interactionsFingerprint(), loaded[0].provenance().comparableFingerprint(DATA));
    }
}
