package dev.llmedt.examples;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.DatasetStatistics;
import dev.llmedt.data.Split;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.MostPopularRecommender;
import dev.llmedt.eval.Protocol;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code llmedt quickstart}: the whole pipeline as far as it exists, on the embedded synthetic
 * dataset (no download) or on {@code --data DIR}.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Run the pipeline end to end on a generated synthetic dataset (or --data DIR): "
                + "dataset statistics, then the most-popular baseline under full ranking on valid and test.")
final class QuickstartCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", description = "A dataset directory instead of the synthetic data.")
    Path data;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the synthetic data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        CdsrDataset dataset;
        if (data == null) {
            dataset = SyntheticDataset.generate(seed);
            out.println("Using the embedded synthetic dataset (seed " + seed + "); pass --data DIR for real data.");
        } else {
            DataOptions options = new DataOptions();
            options.data = data;
            dataset = options.read();
        }
        out.println();
        StatsCommand.print(out, dataset, DatasetStatistics.of(dataset));
        MostPopularRecommender popular = MostPopularRecommender.fit(dataset.items(), dataset.train());
        for (Split split : Split.values()) {
            out.println();
            EvaluateCommand.printReport(out, "most-popular baseline on " + dataset.name(),
                    Evaluator.of(Protocol.full()).withProgress(ConsoleProgress.create()).evaluate(popular, dataset, split));
        }
        out.flush();
        return 0;
    }
}
