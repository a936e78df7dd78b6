package org.fewgen.cli;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * One {@code fewgen} command run in this JVM, as the tests of every command need it: its exit code,
 * what it printed (picocli's writer and {@code System.out} together) and its error output.
 */
public record CommandRun(int code, String out, String err) {

    public static CommandRun of(String... args) {
        CommandLine cl = FewgenCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        PrintStream old = System.out;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            int code = cl.execute(args);
            return new CommandRun(code, out + stdout.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    @Override
    public String toString() {
        return "exit " + code + "\n" + out + err;
    }
}
