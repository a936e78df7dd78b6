package org.fewgen.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fewgen} command: subcommand groups for each part of the tool. */
@Command(name = "fewgen", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Data-efficient generative modelling on the JVM:",
                "Faster Projected GAN (few-shot image generation) and",
                "Uncertainty Autoencoders (learned compressed sensing)."},
        subcommands = {DemoCommand.class, GanCommand.class, CsCommand.class, DataCommand.class,
                MetricsCommand.class, WeightsCommand.class, BenchCommand.class, ServeCommand.class,
                CommandLine.HelpCommand.class})
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
        CommandLine.IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((ex, args) -> {
            // a typed option's value refused by its parser (Choices): one line, as a refused setting
            if (ex.getCause() instanceof org.fewgen.util.SettingException se
                    && ex.getArgSpec() instanceof CommandLine.Model.OptionSpec option) {
                ex.getCommandLine().getErr().println("fewgen: error: " + option.longestName()
                        + (se.value() == null ? "" : " " + se.value()) + ": " + se.reason());
                return ex.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
            }
            return usage.handleParseException(ex, args);
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable root = ex;
            if (System.getenv("FEWGEN_DEBUG") != null) {
                ex.printStackTrace();
            }
            if (root instanceof org.fewgen.util.GracefulStop.Stopped stopped) {
                commandLine.getErr().println("fewgen: " + stopped.getMessage());
                return stopped.exitCode();
            }
            commandLine.getErr().println("fewgen: error: " + describe(root));
            return 2;
        });
        return cl;
    }

    /**
     * One line for an exception. The JDK's file exceptions carry only the path as their message
     * ("fewgen: error: runs" said nothing), so the reason is added from the exception's kind.
     */
    static String describe(Throwable e) {
        if (e instanceof org.fewgen.util.SettingException se) {
            return optionOf(se.setting()) + (se.value() == null ? "" : " " + se.value()) + ": " + se.reason();
        }
        if (e instanceof java.nio.file.FileSystemException fs) {
            String why;
            if (e instanceof java.nio.file.FileAlreadyExistsException) {
                why = "already exists (a file where a folder is needed?)";
            } else if (e instanceof java.nio.file.NoSuchFileException) {
                why = "no such file or folder";
            } else if (e instanceof java.nio.file.AccessDeniedException) {
                why = "permission denied";
            } else if (e instanceof java.nio.file.NotDirectoryException) {
                why = "not a folder";
            } else if (e instanceof java.nio.file.DirectoryNotEmptyException) {
                why = "folder not empty";
            } else {
                why = e.getClass().getSimpleName();
            }
            if (fs.getReason() != null) {
                why = fs.getReason();
            }
            String where = fs.getFile() == null ? "" : fs.getFile()
                    + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile());
            return where + ": " + why;
        }
        if (e instanceof java.io.UncheckedIOException u && u.getCause() instanceof java.nio.file.FileSystemException fs) {
            return describe(fs);
        }
        if (e.getMessage() == null) {
            return e.getClass().getSimpleName();
        }
        return e.getMessage().lines().findFirst().orElse("");
    }

    /**
     * The option that sets a configuration field: the field in kebab case ({@code dInput} is
     * {@code --d-input}), except where the CLI keeps the reference's shorter names.
     */
    static String optionOf(String setting) {
        return switch (setting) {
            case "resolution" -> "--res";
            case "snapKimg" -> "--snap";
            default -> "--" + setting.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
        };
    }

    /**
     * The command line as the user typed it, for config.json. The parse result of a subcommand
     * holds every original argument, the group names included, so prefixing the subcommand's own
     * name repeated them ("fewgen gan train gan train ...").
     */
    static String commandLineOf(CommandLine.Model.CommandSpec spec) {
        return "fewgen " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs());
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        int code = commandLine().execute(args);
        System.exit(code);
    }
}
