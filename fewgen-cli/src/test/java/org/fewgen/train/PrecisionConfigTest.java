package org.fewgen.train;

import org.fewgen.nn.Precision;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code precision} in config.json, and {@code --precision} on the command line. */
class PrecisionConfigTest {

    @Test
    void precisionRoundTripsAndOldConfigsMeanFp32() {
        TrainConfig c = TrainConfig.builder().data("builtin:shapes").resolution(64).precision(Precision.BF16).build();
        assertThat(c.toJson()).contains("\"precision\": \"bf16\"");
        assertThat(TrainConfig.fromJson(c.toJson())).isEqualTo(c);
        var json = c.toJsonObject();
        json.getAsJsonObject("run").remove("precision");
        assertThat(TrainConfig.fromJson(json.toString()).run().precision()).isEqualTo(Precision.FP32);
        assertThat(TrainConfig.builder().data("x").build().run().precision()).isEqualTo(Precision.FP32);
        // not part of the architecture: a resumed run may change it
        TrainConfig fp32 = TrainConfig.Builder.from(c).precision(Precision.FP32).build();
        assertThat(fp32.architectureHash()).isEqualTo(c.architectureHash());
        c.requireSameArchitecture(fp32);
        // auto is resolved for the device before it is recorded
        TrainConfig auto = TrainConfig.Builder.from(c).precision(Precision.AUTO).build();
        Precision here = Precision.AUTO.resolve(ai.djl.Device.cpu());
        assertThat(here).isIn(Precision.FP32, Precision.BF16);
        assertThat(auto.withResolvedPrecision(ai.djl.Device.cpu()).run().precision()).isEqualTo(here);
        assertThat(c.withResolvedPrecision(ai.djl.Device.cpu())).isSameAs(c);
    }

    @Test
    void everyCommandTakesPrecisionAndNamesABadValue() {
        GanCommandsTest.Outcome o = GanCommandsTest.run("gan", "train", "--data", "x", "--precision", "bf16", "--dry-run");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("\"precision\": \"bf16\"");
        for (String[] cmd : new String[][] {{"gan", "train", "--data", "x", "--dry-run"}, {"demo"},
                {"gan", "generate", "--checkpoint", "none", "--out", "none"}, {"metrics", "fid", "--real", "a", "--fake", "b"},
                {"bench", "gan"}}) {
            String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 2);
            args[cmd.length] = "--precision";
            args[cmd.length + 1] = "fp16";
            GanCommandsTest.Outcome bad = GanCommandsTest.run(args);
            assertThat(bad.code()).as(String.join(" ", cmd)).isEqualTo(2);
            assertThat(bad.err()).as(String.join(" ", cmd))
                    .isEqualTo("fewgen: error: --precision 'fp16': must be fp32, bf16 or auto" + System.lineSeparator());
        }
        for (String[] cmd : new String[][] {{"gan", "train"}, {"demo"}, {"gan", "generate"}, {"metrics", "fid"},
                {"bench", "gan"}}) {
            picocli.CommandLine cl = org.fewgen.cli.FewgenCommand.commandLine();
            for (String name : cmd) {
                cl = cl.getSubcommands().get(name);
            }
            assertThat(cl.getUsageMessage()).as(String.join(" ", cmd)).contains("--precision", "avx512_bf16");
        }
    }
}
