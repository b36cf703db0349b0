package dev.llmedt.examples;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.LlmcdsrWriter;
import dev.llmedt.data.SyntheticDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import java.io.PrintWriter;

/**
 * {@code llmedt generate-synthetic}: write a small synthetic dataset in the LLMCDSR layout; with {@code --themed}, the
 * quickstart's dataset, whose titles share themes a language model can read.
 */
@Command(name = "generate-synthetic", mixinStandardHelpOptions = true,
        description = "Write a small synthetic Food/Kitchen dataset (titled items, single-domain and mixed users) "
                + "in the LLMCDSR layout, for trying everything without real data.")
final class GenerateSyntheticCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write (created if needed).")
    Path directory;

    @Mixin
    OutputOptions output;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--themed", description = "Write the quickstart's themed dataset instead: 8 themes (coffee, tea, "
            + "Italian cooking, ...) whose Food and Kitchen titles are paired by use, imbalanced users, a sparse Kitchen domain "
            + "(SyntheticDataset.themed; items also get a 'theme' column).")
    boolean themed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        output.checkDirectory(directory, "the dataset directory (--out)");
        CdsrDataset data = themed ? SyntheticDataset.themed(seed) : SyntheticDataset.generate(seed);
        LlmcdsrWriter.write(data, directory, output.writeOptions());
        out.println("wrote " + data + " to " + directory);
        return 0;
    }
}
