package dev.llmedt.examples;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code llmedt} command line: {@code java -jar llmedt-examples/target/llmedt.jar --help}. */
@Command(name = "llmedt", mixinStandardHelpOptions = true, versionProvider = LlmEdtCli.Version.class,
        description = "LLM-EDT cross-domain sequential recommendation on the JVM.",
        subcommands = {QuickstartCommand.class, StatsCommand.class, TrainCommand.class, EvaluateCommand.class, EncodeCommand.class,
            AugmentCommand.class, CompareCommand.class, RecommendCommand.class, ExportOnnxCommand.class,
            GenerateSyntheticCommand.class, dev.llmedt.examples.experiment.ExperimentCommand.class, CommandLine.HelpCommand.class})
public final class LlmEdtCli {

    private LlmEdtCli() {
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status (0 = success). */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output and error writers; returns the exit status. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new LlmEdtCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (Boolean.getBoolean("llmedt.stacktrace")) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }

    /** Reports the library version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = LlmEdtCli.class.getPackage().getImplementationVersion();
            return new String[] {"llmedt " + (v == null ? "development build" : v)};
        }
    }
}
