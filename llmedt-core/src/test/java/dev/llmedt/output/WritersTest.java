package dev.llmedt.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmedt.data.LlmcdsrWriter;
import dev.llmedt.model.ModelFile;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.testing.SyntheticModels;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.TextCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public writers follow the rules of {@code dev.llmedt.output} and pass {@link WriteOption}s on; multi-file writers check every file first. */
class WritersTest {

    @Test
    void aModelIsSavedOverAReadOnlyFileOnlyWithReplaceReadOnly(@TempDir Path dir) throws IOException {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"));
        SasRecModel model = SyntheticModels.sasrec();
        Path file = Files.writeString(dir.resolve("m.llmedt"), "an older model");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r-----"));
        OutputFileException e = assertThrows(OutputFileException.class, () -> model.save(file));
        assertTrue(e.readOnly(), e.getMessage());
        assertEquals("an older model", Files.readString(file));
        SyntheticModels.llmEdt().save(dir.resolve("llm-edt.llmedt"));
        assertThrows(OutputFileException.class, () -> SyntheticModels.llmEdt().save(file));

        model.save(file, WriteOption.REPLACE_READ_ONLY);
        assertEquals("sasrec", ModelFile.kind(file));
        assertEquals("r--r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void embeddingsCheckTheirMetadataFileBeforeWritingTheMatrix(@TempDir Path dir) throws IOException {
        ItemEmbeddings embeddings = SyntheticModels.embeddings();
        Path matrix = dir.resolve("items.f32");
        Files.createDirectory(ItemEmbeddings.sidecar(matrix));
        OutputFileException e = assertThrows(OutputFileException.class, () -> embeddings.write(matrix));
        assertEquals("cannot write the embeddings metadata file " + ItemEmbeddings.sidecar(matrix) + ": it is a directory; give a file name",
                e.getMessage());
        assertFalse(Files.exists(matrix), "nothing written");
    }

    @Test
    void aCacheDirectoryThatIsAFileIsRefusedNamingItAndWhy(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("cache"), "x");
        assertEquals("cannot write the cache directory " + file + ": it is a regular file, not a directory",
                assertThrows(OutputFileException.class, () -> TextCache.open(file)).getMessage());
        assertEquals(dir.resolve("new/cache"), TextCache.open(dir.resolve("new/cache")).directory());
    }

    @Test
    void aDatasetIsWrittenOnlyWhenEveryFileCanBe(@TempDir Path dir) throws IOException {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"));
        Path out = dir.resolve("syn");
        Files.createDirectories(out.resolve("test.txt"));
        OutputFileException e = assertThrows(OutputFileException.class, () -> LlmcdsrWriter.write(SyntheticModels.DATA, out));
        assertEquals("cannot write the dataset file " + out.resolve("test.txt") + ": it is a directory; give a file name", e.getMessage());
        try (var files = Files.list(out)) {
            assertEquals(1, files.count(), "no file written before the refusal");
        }
        Files.delete(out.resolve("test.txt"));
        LlmcdsrWriter.write(SyntheticModels.DATA, out);
        byte[] num = Files.readAllBytes(out.resolve("num.txt"));
        Files.setPosixFilePermissions(out.resolve("num.txt"), PosixFilePermissions.fromString("r--r--r--"));
        assertTrue(assertThrows(OutputFileException.class, () -> LlmcdsrWriter.write(SyntheticModels.DATA, out)).readOnly());
        LlmcdsrWriter.write(SyntheticModels.DATA, out, WriteOption.REPLACE_READ_ONLY);
        assertArrayEquals(num, Files.readAllBytes(out.resolve("num.txt")));
    }
}
