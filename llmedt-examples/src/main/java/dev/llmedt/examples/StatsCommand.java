package dev.llmedt.examples;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.DatasetStatistics;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import java.io.PrintWriter;

/** {@code llmedt stats}: what a dataset holds. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Per-domain items, users and interactions; overlap users; sequence lengths per file; "
                + "users by the share of their majority domain.")
final class StatsCommand implements Callable<Integer> {

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--json", description = "Print machine-readable JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        CdsrDataset data = dataOptions.read();
        DatasetStatistics stats = DatasetStatistics.of(data);
        if (json) {
            out.println(Json.write(stats.toMap()));
            return 0;
        }
        print(out, data, stats);
        return 0;
    }

    /** Prints the statistics as tables. */
    static void print(PrintWriter out, CdsrDataset data, DatasetStatistics stats) {
        out.println("dataset " + stats.dataset() + " (domain figures over training sequences)");
        out.printf("%-12s %10s %10s %14s%n", "domain", "items", "users", "interactions");
        for (DatasetStatistics.DomainStats d : stats.domains()) {
            out.printf("%-12s %10d %10d %14d%n", d.name(), d.items(), d.users(), d.interactions());
        }
        out.println("overlap users (2+ domains): " + stats.overlapUsers());
        out.printf("%n%-20s %10s %14s %8s %6s%n", "file", "sequences", "interactions", "median", "max");
        for (DatasetStatistics.FileStats f : stats.files()) {
            out.printf("%-20s %10d %14d %8.1f %6d%n", f.source(), f.sequences(), f.interactions(), f.medianLength(), f.maxLength());
        }
        out.println();
        out.println("training users by share of their majority domain:");
        long[] hist = stats.majorityShareHistogram();
        long max = 1;
        for (long h : hist) {
            max = Math.max(max, h);
        }
        List<String> labels = DatasetStatistics.binLabels();
        for (int b = 0; b < hist.length; b++) {
            out.printf("  %-10s %8d %s%n", labels.get(b), hist[b], "#".repeat((int) (40 * hist[b] / max)));
        }
        if (!data.readReport().isEmpty()) {
            out.println();
            out.println("skipped or noticed while reading: " + data.readReport().counts());
        }
    }
}
