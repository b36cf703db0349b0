package dev.llmedt.examples;

import static dev.llmedt.examples.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.data.LlmcdsrWriter;
import dev.llmedt.testing.SyntheticModels;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 20, point 7 through the command line: each failure names the file and the reason. */
class ReadFaultsCliTest {

    @TempDir
    static Path dir;
    private static Path data;
    private static Path model;

    @BeforeAll
    static void writeDataAndModel() throws Exception {
        data = dir.resolve("syn");
        LlmcdsrWriter.write(SyntheticModels.DATA, data);
        model = dir.resolve("sasrec.model");
        SyntheticModels.sasrec().save(model);
    }

    @Test
    void aCorruptModelHeaderIsNamedWithTheFileAsTheApiNamesIt() throws Exception {
        Path corrupt = dir.resolve("corrupt.model");
        byte[] bytes = Files.readAllBytes(model);
        bytes[16] = '#'; // the header's opening brace; once "error: Unexpected character ('#' ...": the JSON parser's words alone
        Files.write(corrupt, bytes);
        for (String command : new String[] {"recommend", "evaluate"}) {
            CliRunner.Result r = command.equals("recommend")
                    ? run("recommend", "--data", data.toString(), "--model", corrupt.toString(), "--history", "1", "--domain", "Food")
                    : run("evaluate", "--data", data.toString(), "--model", corrupt.toString());
            assertEquals(1, r.status(), command);
            assertEquals("error: " + corrupt + ": checksum mismatch: the file is corrupt or truncated", r.err().strip(), command);
        }
    }

    @Test
    void aDirectoryGivenAsTheModelIsNamedWithTheReason() {
        CliRunner.Result r = run("evaluate", "--data", data.toString(), "--model", data.toString());
        assertEquals(1, r.status());
        assertEquals("error: " + data + ": is a directory, not a model file", r.err().strip()); // once "error: Is a directory"
    }

    @Test
    void anEmptyTestSplitIsRefused() throws Exception {
        Path empty = dir.resolve("no-test");
        LlmcdsrWriter.write(SyntheticModels.DATA, empty);
        Files.writeString(empty.resolve("test.txt"), "");
        CliRunner.Result r = run("evaluate", "--data", empty.toString(), "--method", "popular", "--split", "test");
        assertEquals(1, r.status(), r.out()); // once n=0 and exit 0
        assertTrue(r.err().contains("test split") && r.err().contains("has no cases"), r.err());
        assertEquals(0, run("evaluate", "--data", empty.toString(), "--method", "popular", "--split", "valid").status());
    }

    @Test
    void pathOnlyExceptionsGetTheirReason() {
        assertEquals("/srv/m.model: permission denied", LlmEdtCli.message(new AccessDeniedException("/srv/m.model")));
        assertEquals("/srv/x: no such file or directory", LlmEdtCli.message(new NoSuchFileException("/srv/x")));
        assertEquals("/srv/x: No space left on device",
                LlmEdtCli.message(new java.nio.file.FileSystemException("/srv/x", null, "No space left on device")));
        assertEquals("plain reason", LlmEdtCli.message(new IllegalArgumentException("plain reason")));
    }
}
