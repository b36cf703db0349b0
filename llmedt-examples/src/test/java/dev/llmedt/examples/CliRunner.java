package dev.llmedt.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process for tests and captures what it prints. */
final class CliRunner {

    /**
     * What one command did.
     *
     * @param status the exit status
     * @param out standard output
     * @param err standard error (the CLI's messages; logs go elsewhere)
     */
    record Result(int status, String out, String err) {
    }

    private CliRunner() {
    }

    /** Runs {@code llmedt args...}. */
    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = LlmEdtCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(status, out.toString(), err.toString());
    }

    /** Asserts success and parses standard output as JSON. */
    static JsonNode json(Result r) throws IOException {
        assertEquals(0, r.status(), r.err());
        return new ObjectMapper().readTree(r.out());
    }
}
