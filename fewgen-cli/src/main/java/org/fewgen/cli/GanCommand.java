package org.fewgen.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fewgen gan} group. */
@Command(name = "gan", mixinStandardHelpOptions = true,
        description = "Faster Projected GAN: model summary, training, generation, FID, export.",
        subcommands = {GanSummaryCommand.class, GanTrainCommand.class, GanGenerateCommand.class, GanFidCommand.class, GanExportCommand.class,
                CommandLine.HelpCommand.class})
public final class GanCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
