package dev.llmedt.examples;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.LlmcdsrReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that say which dataset to read. */
final class DataOptions {

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Dataset directory: the LLMCDSR layout (num.txt, items_A.tsv, train_A.txt, ...) "
                    + "or interactions.csv + items.csv (or .tsv).")
    Path data;

    @Option(names = "--domain-names", split = ",", paramLabel = "NAME",
            description = "Display names of the LLMCDSR domains in file order (A,B,...), e.g. Food,Kitchen. Default: the letters.")
    List<String> domainNames = List.of();

    CdsrDataset read() throws IOException {
        if (Files.isRegularFile(data.resolve("num.txt"))) {
            return new LlmcdsrReader(data, domainNames).read();
        }
        if (!domainNames.isEmpty()) {
            throw new IllegalArgumentException("--domain-names applies to the LLMCDSR layout only; " + data
                    + " names its domains in its files");
        }
        return CdsrDataset.read(data);
    }
}
