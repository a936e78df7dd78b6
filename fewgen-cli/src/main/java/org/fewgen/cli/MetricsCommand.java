package org.fewgen.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fewgen metrics} group. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "Image quality metrics (FID, KID).",
        subcommands = {MetricsFidCommand.class, CommandLine.HelpCommand.class})
public final class MetricsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
