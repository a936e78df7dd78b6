package org.fewgen.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fewgen weights} group. */
@Command(name = "weights", mixinStandardHelpOptions = true,
        description = "Pretrained weights: import them from their published packages.",
        subcommands = {WeightsImportCommand.class, CommandLine.HelpCommand.class})
public final class WeightsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
