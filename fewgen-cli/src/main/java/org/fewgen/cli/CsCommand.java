package org.fewgen.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fewgen cs} group. */
@Command(name = "cs", mixinStandardHelpOptions = true,
        description = "Uncertainty Autoencoders and compressed-sensing baselines.",
        subcommands = {CsTrainCommand.class, CsCompareCommand.class, CsToyCommand.class, CsClassifyCommand.class, CommandLine.HelpCommand.class})
public final class CsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
