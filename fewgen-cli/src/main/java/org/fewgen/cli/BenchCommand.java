package org.fewgen.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fewgen bench} group. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Speed and memory benchmarks.",
        subcommands = {BenchGanCommand.class, BenchSoakCommand.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
