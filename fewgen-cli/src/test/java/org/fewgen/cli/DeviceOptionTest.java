package org.fewgen.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command that computes with DJL takes {@code --device}, as the README promises; the same
 * idea has the same option name in every command; the command list is not cut mid-sentence.
 */
class DeviceOptionTest {

    /** Leaf commands that never create a tensor: they have no device to choose. */
    private static final Set<String> NOT_COMPUTING = Set.of("fewgen serve", "fewgen data prepare", "fewgen gan export",
            "fewgen weights import");

    private static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    private static void leaves(CommandLine cl, List<CommandLine> into) {
        List<CommandLine> subs = new ArrayList<>();
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand) && !subs.contains(sub)) {
                subs.add(sub);
            }
        }
        if (subs.isEmpty()) {
            into.add(cl);
        }
        for (CommandLine sub : subs) {
            leaves(sub, into);
        }
    }

    @Test
    void helpOfEveryComputingCommandListsDevice() {
        List<CommandLine> all = new ArrayList<>();
        leaves(FewgenCommand.commandLine(), all);
        List<String> checked = new ArrayList<>();
        for (CommandLine cl : all) {
            String name = cl.getCommandSpec().qualifiedName();
            if (NOT_COMPUTING.contains(name)) {
                continue;
            }
            String[] path = name.substring("fewgen ".length()).split(" ");
            String[] args = new String[path.length + 1];
            System.arraycopy(path, 0, args, 0, path.length);
            args[path.length] = "--help";
            CommandRun r = run(args);
            assertThat(r.code()).as(name + " --help: " + r.err()).isEqualTo(0);
            assertThat(r.out()).as(name + " --help").contains("--device");
            // and says that a GPU is chosen by number, as Devices.choose accepts
            assertThat(r.out()).as(name + " --help").containsPattern("gpu(:N|\\[:N\\])");
            checked.add(name);
        }
        // the walk reached the commands that lacked --device before, and the others
        assertThat(checked).contains("fewgen gan summary", "fewgen cs toy", "fewgen cs classify", "fewgen gan train",
                "fewgen gan generate", "fewgen gan fid", "fewgen metrics fid", "fewgen demo", "fewgen cs train",
                "fewgen cs compare", "fewgen bench gan", "fewgen bench soak");
    }

    @Test
    void theAddedDeviceOptionsGoThroughTheSharedParser() {
        String expected = "fewgen: error: --device 'tpu': must be auto, cpu, gpu or gpu:N";
        CommandRun r = run("gan", "summary", "--res", "64", "--generator", "dsc", "--device", "tpu");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().trim()).isEqualTo(expected);
        r = run("cs", "toy", "--steps", "1", "--device", "tpu");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().trim()).isEqualTo(expected);
        r = run("cs", "classify", "--run", "no-such-run", "--device", "tpu");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().trim()).isEqualTo(expected);
    }

    @Test
    void sameIdeaSameOptionNameAndSummariesAreSentences() {
        List<CommandLine> all = new ArrayList<>();
        leaves(FewgenCommand.commandLine(), all);
        all.add(FewgenCommand.commandLine().getSubcommands().get("gan"));
        for (CommandLine cl : all) {
            CommandLine.Model.CommandSpec spec = cl.getCommandSpec();
            String name = spec.qualifiedName();
            // the first description line is the summary in the parent's command list
            String[] description = spec.usageMessage().description();
            assertThat(description).as(name).isNotEmpty();
            assertThat(description[0].trim()).as(name + " summary").endsWith(".");
            // a resolution is --res everywhere (--resolution at most as an alias)
            if (spec.findOption("--resolution") != null) {
                assertThat(spec.findOption("--resolution").names()).as(name).contains("--res");
            }
        }
        assertThat(FewgenCommand.commandLine().getSubcommands().get("cs").getSubcommands().get("train")
                .getCommandSpec().findOption("--out")).isNotNull();
    }

    @Test
    void sharedOptionsAreOneOptionWithOneParserEverywhere() {
        List<CommandLine> all = new ArrayList<>();
        leaves(FewgenCommand.commandLine(), all);
        String device = new CommandLine(new DeviceOption()).getCommandSpec().findOption("--device").description()[0];
        List<String> typed = new ArrayList<>();
        for (CommandLine cl : all) {
            CommandLine.Model.CommandSpec spec = cl.getCommandSpec();
            String name = spec.qualifiedName();
            CommandLine.Model.OptionSpec d = spec.findOption("--device");
            if (d != null) {
                // the DeviceOption mixin: one label, one explanation, one default
                assertThat(d.paramLabel()).as(name).isEqualTo("auto|cpu|gpu[:N]");
                assertThat(d.description()).as(name).containsExactly(device);
            }
            // conv|dsc and fp32|bf16|auto are typed, each converted by the one parser of its choice
            for (String option : List.of("--generator", "--d-conv", "--precision")) {
                CommandLine.Model.OptionSpec o = spec.findOption(option);
                if (o != null) {
                    Class<?> type = o.auxiliaryTypes()[0];
                    assertThat(type).as(name + " " + option)
                            .isEqualTo(option.equals("--precision") ? org.fewgen.nn.Precision.class : org.fewgen.gan.ConvKind.class);
                    assertThat(o.converters()).as(name + " " + option).hasSize(1);
                    assertThat(o.converters()[0]).as(name + " " + option)
                            .isInstanceOfAny(Choices.Conv.class, Choices.Arithmetic.class);
                    typed.add(name + " " + option);
                }
            }
        }
        assertThat(typed).contains("fewgen gan train --generator", "fewgen gan train --d-conv", "fewgen gan summary --d-conv",
                "fewgen bench gan --generator", "fewgen bench gan --precision", "fewgen metrics fid --precision",
                "fewgen demo --precision");
    }

    @Test
    void aRefusedChoiceIsOneLineNamingTheOptionAndTheAllowedValues() {
        CommandRun r = run("bench", "gan", "--d-conv", "wide");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("fewgen: error: --d-conv 'wide': must be conv or dsc" + System.lineSeparator());
        r = run("bench", "gan", "--generator", "conv,big");
        assertThat(r.err()).isEqualTo("fewgen: error: --generator 'big': must be conv or dsc" + System.lineSeparator());
        r = run("gan", "fid", "--checkpoint", "x", "--data", "y", "--precision", "half");
        assertThat(r.err()).isEqualTo("fewgen: error: --precision 'half': must be fp32, bf16 or auto" + System.lineSeparator());
        // other parse errors keep picocli's message with the usage
        r = run("bench", "gan", "--steps", "many");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Invalid value for option '--steps'", "Usage:");
    }
}
