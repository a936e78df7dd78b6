package org.fewgen.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One {@code fewgen} command run in this JVM, as the tests of the commands need it: its exit code
 * and what it wrote to picocli's output and error writers.
 */
public record CommandRun(int code, String out, String err) {

    public static CommandRun of(String... args) {
        CommandLine cl = FewgenCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CommandRun(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + code + "\n" + out + err;
    }
}
