package org.fewgen.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fewgen data} group. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Dataset preparation.",
        subcommands = {DataPrepareCommand.class, CommandLine.HelpCommand.class})
public final class DataCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
