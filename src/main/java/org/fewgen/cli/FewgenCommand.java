package org.fewgen.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fewgen} command: subcommand groups for each part of the tool. */
@Command(name = "fewgen", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Data-efficient generative modelling on the JVM:",
                "Faster Projected GAN (few-shot image generation) and",
                "Uncertainty Autoencoders (learned compressed sensing)."},
        subcommands = {DemoCommand.class, GanCommand.class, CsCommand.class, DataCommand.class,
                MetricsCommand.class, BenchCommand.class, ServeCommand.class, CommandLine.HelpCommand.class})
public final class FewgenCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Builds the command line with fewgen's error handling: one line naming the problem. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new FewgenCommand());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable root = ex;
            if (System.getenv("FEWGEN_DEBUG") != null) {
                ex.printStackTrace();
            }
            String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            commandLine.getErr().println("fewgen: error: " + msg);
            return 2;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        int code = commandLine().execute(args);
        System.exit(code);
    }
}
