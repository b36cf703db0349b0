package dev.llmedt.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmedt.data.Domain;
import dev.llmedt.data.Item;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.testing.HashingEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ItemEmbeddingsTest {

    /** Items 0..5: 1 and 4 without text, 2 and 5 with the same title. */
    private static ItemCatalog catalog() {
        List<Item> items = new ArrayList<>();
        String[] titles = {"green tea", null, "cast iron pan", "rice", null, "cast iron pan"};
        for (int i = 0; i < titles.length; i++) {
            items.add(new Item(i, i < 3 ? 0 : 1, "x" + i, titles[i] == null ? Map.of() : Map.of(Item.TITLE, titles[i])));
        }
        return new ItemCatalog(List.of(new Domain(0, "Food", 0, 3), new Domain(1, "Kitchen", 3, 3)), items);
    }

    @Test
    void encodesEveryItemInIdOrderWithZeroVectorsForItemsWithoutText() {
        HashingEncoder model = new HashingEncoder(12);
        List<long[]> progress = new ArrayList<>();
        ItemEmbeddings e = ItemEmbeddings.encode(catalog(), model, ItemTextTemplate.titles(),
                (task, done, total) -> progress.add(new long[] {done, total}));
        assertEquals(6, e.rows());
        assertEquals(12, e.dimension());
        assertEquals(2, e.itemsWithoutText());
        assertEquals(3, model.encodedTexts(), "distinct texts only, never the empty ones");
        assertFalse(e.hasText(1));
        assertArrayEquals(new float[12], e.vector(4));
        assertArrayEquals(model.encode("green tea"), e.vector(0));
        assertArrayEquals(e.vector(2), e.vector(5));
        assertEquals(1f, e.cosine(2, 5), 1e-6);
        assertEquals(0f, e.cosine(0, 1));
        assertEquals("hashing-12", e.modelId());
        assertEquals("{title}", e.template());
        assertArrayEquals(new long[] {3, 3}, progress.get(progress.size() - 1));
    }

    @Test
    void writesLittleEndianFloat32WithASidecarAndReadsItBack(@TempDir Path dir) throws IOException {
        ItemEmbeddings e = ItemEmbeddings.encode(catalog(), new HashingEncoder(4), ItemTextTemplate.titles(), (t, d, n) -> { });
        Path file = dir.resolve("out/items.f32");
        e.write(file);
        byte[] raw = Files.readAllBytes(file);
        assertEquals(6 * 4 * 4, raw.length);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(e.vector(0)[1], b.getFloat(4));
        assertEquals(e.vector(2)[3], b.getFloat((2 * 4 + 3) * 4));
        JsonNode meta = new ObjectMapper().readTree(ItemEmbeddings.sidecar(file).toFile());
        assertEquals(6, meta.get("rows").asInt());
        assertEquals(4, meta.get("dimension").asInt());
        assertEquals("hashing-4", meta.get("model_id").asText());
        assertEquals(2, meta.get("items_without_text").asInt());
        ItemEmbeddings back = ItemEmbeddings.read(file);
        assertArrayEquals(e.toArray(), back.toArray());
        assertEquals(e.modelId(), back.modelId());
        assertEquals(2, back.itemsWithoutText());
    }

    @Test
    void alteredOrTruncatedFilesAreRefusedWithTheFileName(@TempDir Path dir) throws IOException {
        ItemEmbeddings e = ItemEmbeddings.encode(catalog(), new HashingEncoder(4), ItemTextTemplate.titles(), (t, d, n) -> { });
        Path file = dir.resolve("items.f32");
        e.write(file);
        byte[] raw = Files.readAllBytes(file);
        raw[5] ^= 0x40;
        Files.write(file, raw);
        IOException bad = assertThrows(IOException.class, () -> ItemEmbeddings.read(file));
        assertTrue(bad.getMessage().contains(file.toString()) && bad.getMessage().contains("checksum"), bad.getMessage());
        Files.write(file, java.util.Arrays.copyOf(raw, raw.length - 4));
        IOException cut = assertThrows(IOException.class, () -> ItemEmbeddings.read(file));
        assertTrue(cut.getMessage().contains("bytes, but 6 x 4"), cut.getMessage());
    }

    @Test
    void anEncoderReturningNonUnitVectorsIsAClearError() {
        TextEncoder broken = new TextEncoder() {
            @Override
            public String modelId() {
                return "broken";
            }

            @Override
            public int dimension() {
                return 2;
            }

            @Override
            public float[][] encode(List<String> texts) {
                float[][] out = new float[texts.size()][];
                for (int i = 0; i < out.length; i++) {
                    out[i] = new float[] {3, 4};
                }
                return out;
            }
        };
        LanguageModelException e = assertThrows(LanguageModelException.class,
                () -> ItemEmbeddings.encode(catalog(), broken, ItemTextTemplate.titles(), (t, d, n) -> { }));
        assertTrue(e.getMessage().contains("broken") && e.getMessage().contains("item 0"), e.getMessage());
    }

    @Test
    void normalizeRefusesNaNAndZeroVectorsNamingTheInput() {
        LanguageModelException nan = assertThrows(LanguageModelException.class,
                () -> TextEncoder.normalize(new float[] {Float.NaN, 1}, 7, "m"));
        assertTrue(nan.getMessage().contains("input 7") && nan.getMessage().contains("NaN"), nan.getMessage());
        LanguageModelException zero = assertThrows(LanguageModelException.class, () -> TextEncoder.normalize(new float[2], 3, "m"));
        assertTrue(zero.getMessage().contains("input 3") && zero.getMessage().contains("zero norm"), zero.getMessage());
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> new HashingEncoder(4).encode(List.of("a", " ")));
        assertTrue(blank.getMessage().contains("text 1"), blank.getMessage());
    }

    /** The catalogue of {@link #catalog()} with the titles of items 0 and 3 swapped: the same six rows. */
    private static ItemCatalog reordered() {
        ItemCatalog c = catalog();
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            int from = i == 0 ? 3 : i == 3 ? 0 : i;
            items.add(new Item(i, c.item(i).domain(), c.item(from).externalId(), c.item(from).text()));
        }
        return new ItemCatalog(c.domains(), items);
    }

    @Test
    void embeddingsCarryTheirCatalogueAndRefuseAnotherWithTheSameRowCount(@TempDir Path dir) throws Exception {
        ItemEmbeddings e = ItemEmbeddings.encode(catalog(), new HashingEncoder(4), ItemTextTemplate.titles(), (t, d, n) -> { });
        assertEquals(catalog().fingerprint(), e.catalogFingerprint().orElseThrow());
        Path file = dir.resolve("items.f32");
        e.write(file);
        assertEquals(catalog().fingerprint(), new ObjectMapper().readTree(ItemEmbeddings.sidecar(file).toFile())
                .path("catalog_fingerprint").asText());
        ItemEmbeddings[] back = new ItemEmbeddings[1];
        assertEquals(List.of(), dev.llmedt.testing.LogCapture.warnings("catalogue", () -> back[0] = ItemEmbeddings.read(file)));
        back[0].requireCatalog(catalog(), "the catalog");
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> back[0].requireCatalog(reordered(), "dataset syn"));
        assertTrue(other.getMessage().contains(catalog().fingerprint()) && other.getMessage().contains(reordered().fingerprint())
                && other.getMessage().contains("dataset syn"), other.getMessage());
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> back[0].requireCatalog(dev.llmedt.testing.TinyData.catalog(4, 3), "the catalog"));
        assertTrue(rows.getMessage().contains("6 rows") && rows.getMessage().contains("7 items"), rows.getMessage());
        // Training on them refuses the other catalogue too (the library's front door checks the same way).
        dev.llmedt.data.CdsrDataset data = new dev.llmedt.data.CdsrDataset("syn", reordered(), List.of(), List.of(), List.of(),
                dev.llmedt.data.ReadReport.empty());
        assertThrows(IllegalArgumentException.class, () -> dev.llmedt.dualphase.DualPhaseInput.of(data).withItemEmbeddings(back[0]));
    }

    /** The catalogue of {@link #catalog()} with its domains named A and B, as the CLI names them without --domain-names. */
    private static ItemCatalog lettered() {
        ItemCatalog c = catalog();
        return new ItemCatalog(List.of(new Domain(0, "A", 0, 3), new Domain(1, "B", 3, 3)),
                java.util.stream.IntStream.range(0, c.size()).mapToObj(c::item).toList());
    }

    @Test
    void embeddingsEncodedUnderOtherDomainNamesAreRefusedWithTheNamesAndTheFlagThatFixesIt(@TempDir Path dir) throws Exception {
        ItemEmbeddings e = ItemEmbeddings.encode(lettered(), new HashingEncoder(4), ItemTextTemplate.titles(), (t, d, n) -> { });
        Path file = dir.resolve("items.f32");
        e.write(file);
        assertEquals(List.of("A", "B"), List.of(new ObjectMapper().convertValue(
                new ObjectMapper().readTree(ItemEmbeddings.sidecar(file).toFile()).path("domains"), String[].class)));
        ItemEmbeddings back = ItemEmbeddings.read(file);
        back.requireCatalog(lettered(), "dataset syn");
        IllegalArgumentException renamed = assertThrows(IllegalArgumentException.class, () -> back.requireCatalog(catalog(), "dataset syn"));
        assertTrue(renamed.getMessage().contains("domains named [A, B]") && renamed.getMessage().contains("[Food, Kitchen]")
                && renamed.getMessage().contains("--domain-names Food,Kitchen"), renamed.getMessage());
        // A file written before the names were recorded: the message says the names may be what differs.
        com.fasterxml.jackson.databind.node.ObjectNode meta = (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper()
                .readTree(ItemEmbeddings.sidecar(file).toFile());
        meta.remove("domains");
        Files.write(ItemEmbeddings.sidecar(file), new ObjectMapper().writeValueAsBytes(meta));
        IllegalArgumentException older = assertThrows(IllegalArgumentException.class,
                () -> ItemEmbeddings.read(file).requireCatalog(catalog(), "dataset syn"));
        assertTrue(older.getMessage().contains("if only the domain names differ") && older.getMessage().contains("--domain-names"),
                older.getMessage());
        // Other items under the same names: no word about names.
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> e.requireCatalog(
                new ItemCatalog(lettered().domains(),
                java.util.stream.IntStream.range(0, 6).mapToObj(reordered()::item).toList()), "dataset syn"));
        assertTrue(!other.getMessage().contains("--domain-names"), other.getMessage());
    }

    @Test
    void anOlderEmbeddingsFileWithoutItsCatalogueReadsWithOneWarning(@TempDir Path dir) throws Exception {
        ItemEmbeddings e = ItemEmbeddings.encode(catalog(), new HashingEncoder(4), ItemTextTemplate.titles(), (t, d, n) -> { });
        Path file = dir.resolve("items.f32");
        e.write(file);
        com.fasterxml.jackson.databind.node.ObjectNode meta = (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper()
                .readTree(ItemEmbeddings.sidecar(file).toFile());
        meta.remove("catalog_fingerprint");
        Files.write(ItemEmbeddings.sidecar(file), new ObjectMapper().writeValueAsBytes(meta));
        ItemEmbeddings[] back = new ItemEmbeddings[1];
        List<String> warnings = dev.llmedt.testing.LogCapture.warnings("catalogue", () -> back[0] = ItemEmbeddings.read(file));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(back[0].catalogFingerprint().isEmpty());
        back[0].requireCatalog(reordered(), "the catalog");
        assertArrayEquals(e.toArray(), back[0].toArray());
    }

    /** Writes a matrix file as another tool would, with a sidecar naming its dtype and byte order. */
    private static Path writeForeign(Path dir, float[] values, int rows, int dim, String dtype, String byteOrder) throws IOException {
        ByteOrder order = byteOrder.equals("big_endian") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        boolean doubles = dtype.equals("float64");
        ByteBuffer b = ByteBuffer.allocate(values.length * (doubles ? 8 : 4)).order(order);
        for (float v : values) {
            if (doubles) {
                b.putDouble(v);
            } else {
                b.putFloat(v);
            }
        }
        Path file = dir.resolve(dtype + "-" + byteOrder + ".bin");
        Files.write(file, b.array());
        com.fasterxml.jackson.databind.node.ObjectNode meta = new ObjectMapper().createObjectNode();
        meta.put("format", "llmedt-item-embeddings").put("version", 1).put("rows", rows).put("dimension", dim).put("dtype", dtype)
                .put("byte_order", byteOrder).put("model_id", "m").put("template", "{title}").put("catalog_fingerprint", "f")
                .put("sha256", java.util.HexFormat.of().formatHex(sha256(b.array())));
        Files.write(ItemEmbeddings.sidecar(file), new ObjectMapper().writeValueAsBytes(meta));
        return file;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theSidecarsByteOrderAndDtypeAreHonouredOrRefused(@TempDir Path dir) throws IOException {
        float[] values = {0.6f, 0.8f, 0, 0, 0, 1};
        for (String dtype : List.of("float32", "float64")) {
            for (String order : List.of("little_endian", "big_endian")) {
                ItemEmbeddings e = ItemEmbeddings.read(writeForeign(dir, values, 3, 2, dtype, order));
                assertArrayEquals(values, e.toArray(), dtype + " " + order);
                assertEquals(1, e.itemsWithoutText());
            }
        }
        IOException half = assertThrows(IOException.class, () -> ItemEmbeddings.read(writeForeign(dir, values, 3, 2, "float16", "little_endian")));
        assertTrue(half.getMessage().contains("dtype 'float16'") && half.getMessage().contains("float32"), half.getMessage());
        IOException pdp = assertThrows(IOException.class, () -> ItemEmbeddings.read(writeForeign(dir, values, 3, 2, "float32", "pdp_endian")));
        assertTrue(pdp.getMessage().contains("byte_order 'pdp_endian'"), pdp.getMessage());
    }
}
