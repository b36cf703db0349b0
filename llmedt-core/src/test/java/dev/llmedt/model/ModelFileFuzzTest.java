package dev.llmedt.model;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.testing.FuzzInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Fuzz test of the model-file loaders (issue 20): any bytes give a model or the documented
 * {@link ModelFileException} (an {@link IOException} naming the file), never another exception, a
 * hang or unbounded memory. The input's first byte, when odd, asks for the SHA-256 trailer to be
 * made right so that the fuzzer reaches the header, tensor and configuration parsing behind it; the
 * rest is the file. Seeds: {@code src/test/resources/dev/llmedt/model/ModelFileFuzzTestInputs/load/}
 * (the golden SASRec and LLM-EDT files and a tiny container). A normal build runs them once each;
 * {@code mvn verify -pl llmedt-core -Pfuzz} fuzzes for {@value FuzzInput#DURATION}.
 */
class ModelFileFuzzTest {

    @FuzzTest(maxDuration = FuzzInput.DURATION)
    void load(byte[] input) throws IOException {
        byte[] bytes = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        if (input.length > 0 && (input[0] & 1) == 1) {
            bytes = FuzzInput.resealed(bytes);
        }
        Path dir = FuzzInput.files(new byte[0], "m.llmedt");
        Path file = dir.resolve("m.llmedt");
        Files.write(file, bytes);
        try {
            String kind = ModelFile.kind(file);
            ModelFile.read(file);
            switch (kind) {
                case "sasrec" -> SasRecModel.load(file);
                case "llm-edt" -> LlmEdtModel.load(file);
                default -> { }
            }
        } catch (ModelFileException expected) {
            // documented
        } finally {
            FuzzInput.delete(dir);
        }
    }
}
