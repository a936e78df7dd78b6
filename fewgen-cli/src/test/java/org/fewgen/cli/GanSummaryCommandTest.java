package org.fewgen.cli;

import ai.djl.ndarray.NDManager;
import org.fewgen.gan.ConvKind;
import org.fewgen.gan.FastGanGenerator;
import org.fewgen.gan.GeneratorConfig;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

class GanSummaryCommandTest {

    private static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    @Test
    void printsTheTableAndTheThreeTotals() {
        CommandRun r = run("gan", "summary", "--res", "64", "--generator", "dsc", "--d-conv", "dsc", "--ngf", "16");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        long expectedG;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            expectedG = new FastGanGenerator(m, new GeneratorConfig(64, 16, 256, ConvKind.DSC)).parameterCount();
        }
        String out = r.out();
        assertThat(out).contains("generator parameters: " + expectedG + "\n");
        assertThat(out).containsPattern("discriminator trainable parameters: [1-9][0-9]+\n");
        // the bundled MobileNetV2 up to its 320-channel stage
        assertThat(out).containsPattern("feature network parameters: [1-9][0-9]+\n");
        assertThat(out).contains("G.feat_64").contains("G.se_64").contains("(1, 3, 64, 64)")
                .contains("D.resize").contains("(1, 3, 224, 224)").contains("D.discriminator.mini_discs.3")
                .contains("(1, 64)");
        assertThat(out).doesNotContain("G.feat_128");
    }

    @Test
    void badOptionsGiveOneLineNamingTheOption() {
        CommandRun r = run("gan", "summary", "--res", "64", "--generator", "sep");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().trim()).isEqualTo("fewgen: error: --generator 'sep': must be conv or dsc");
        r = run("gan", "summary", "--res", "96", "--generator", "conv");
        assertThat(r.err().trim()).isEqualTo("fewgen: error: --res 96: must be a power of two from 64 to 1024");
        r = run("gan", "summary", "--res", "64", "--generator", "conv", "--backbone", "resnet");
        assertThat(r.err().trim()).startsWith("fewgen: error: --backbone: unknown feature network 'resnet'");
    }
}
