package dev.llmedt.examples;

import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.DatasetStatistics;
import dev.llmedt.data.Split;
import dev.llmedt.data.SyntheticDataset;
import dev.llmedt.eval.Evaluator;
import dev.llmedt.eval.MostPopularRecommender;
import dev.llmedt.eval.Protocol;
import dev.llmedt.sasrec.SasRecConfig;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.sasrec.SasRecTrainer;
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
                + "dataset statistics, the most-popular baseline, then SASRec trained with early stopping, "
                + "both under full ranking on the test users.")
final class QuickstartCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", description = "A dataset directory instead of the synthetic data.")
    Path data;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the synthetic data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-epochs", defaultValue = "20", description = "Most SASRec epochs (default: ${DEFAULT-VALUE}).")
    int maxEpochs;

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
        Evaluator evaluator = Evaluator.of(Protocol.full());
        out.println();
        EvaluateCommand.printReport(out, "most-popular baseline on " + dataset.name(), evaluator.evaluate(popular, dataset, Split.TEST));
        out.println();
        out.println("Training SASRec (reference settings, at most " + maxEpochs + " epochs, early stopping on valid NDCG@10)...");
        out.flush();
        SasRecConfig config = SasRecConfig.builder().maxEpochs(maxEpochs).seed(seed).build();
        SasRecModel model = new SasRecTrainer(config, TrainingListener.logging()).train(dataset);
        out.println();
        EvaluateCommand.printReport(out, "SASRec on " + dataset.name(), evaluator.evaluate(model, dataset, Split.TEST));
        out.flush();
        return 0;
    }
}
