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

    /** The command tree (for the docs check, which lists every option). */
    static CommandLine commandLine() {
        return new CommandLine(new LlmEdtCli());
    }

    /** Runs the command line with the given output and error writers; returns the exit status. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + message(e));
            if (Boolean.getBoolean("llmedt.stacktrace")) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }

    /**
     * The message of a failure, with both the file and the reason: a file-system exception whose
     * message is only a path (access denied, no such file, ...) gets its reason, and one that is
     * only a reason gets its file.
     */
    static String message(Throwable e) {
        if (e instanceof java.io.UncheckedIOException u && u.getCause() != null) {
            return message(u.getCause());
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() == null && f.getFile() != null) {
            // The JDK's message is then the path alone.
            String reason = f instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : f instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
                    : f instanceof java.nio.file.FileAlreadyExistsException ? "already exists"
                    : f instanceof java.nio.file.NotDirectoryException ? "not a directory"
                    : f instanceof java.nio.file.DirectoryNotEmptyException ? "directory not empty"
                    : f instanceof java.nio.file.NotLinkException ? "not a symbolic link"
                    : f.getClass().getSimpleName();
            return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + reason;
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
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
