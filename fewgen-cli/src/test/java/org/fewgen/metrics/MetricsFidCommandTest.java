package org.fewgen.metrics;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.TestEnv;
import org.fewgen.cli.CommandRun;
import org.fewgen.cli.FewgenCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsFidCommandTest {

    @TempDir
    Path tmp;

    private static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    @Test
    void fidOfASetAgainstItselfIsZeroAndNamesTheNetwork() throws Exception {
        Path weights = TestEnv.weights().resolve(InceptionWeights.NSFWJS_FILE_NAME);
        Path json = tmp.resolve("fid.json");
        // 2 images per set keep the Inception forward passes (~6 GFLOP each) few
        CommandRun r = run("metrics", "fid", "--real", "builtin:shapes:2", "--fake", "builtin:shapes:2", "--resolution", "32",
                "--inception-weights", weights.toString(), "--no-cache", "--kid", "--batch", "2",
                "--json", json.toString(), "--device", "cpu");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("FID ").contains("KID ")
                .contains("network: inception_v3 nsfwjs weights sha256:c9b1f4e78cd3")
                .contains(FidEvaluator.Result.NOT_STANDARD_WARNING);
        JsonObject j = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertThat(Math.abs(j.get("fid").getAsDouble())).isLessThan(1e-3);
        assertThat(j.get("num_real").getAsInt()).isEqualTo(2);
        assertThat(j.get("network").getAsString()).startsWith("inception_v3/nsfwjs/sha256:c9b1f4e7");
        assertThat(j.get("standard_fid_network").getAsBoolean()).isFalse();
        assertThat(j.get("real_fingerprint").getAsString()).isEqualTo(j.get("fake_fingerprint").getAsString());
    }

    @Test
    void badOptionsFailWithOneLineNamingThem() {
        CommandRun missing = run("metrics", "fid", "--real", "builtin:shapes:2", "--fake", "builtin:shapes:2",
                "--inception-weights", tmp.resolve("nope.safetensors").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err().strip()).startsWith("fewgen: error: --inception-weights ")
                .contains("nope.safetensors: no such file").doesNotContain("\n");

        CommandRun variant = run("metrics", "fid", "--real", "a", "--fake", "b", "--inception-variant", "alexnet");
        assertThat(variant.err()).contains("--inception-variant must be fid, imagenet or nsfwjs, not 'alexnet'");

        CommandRun num = run("metrics", "fid", "--real", "a", "--fake", "b", "--num", "-3");
        assertThat(num.err()).contains("--num must be >= 0");
    }

    @Test
    void ganFidTakesTheSameNetworkOptionsAndChecksThemBeforeReadingTheCheckpoint() {
        String missing = tmp.resolve("no-run").toString();
        CommandRun variant = run("gan", "fid", "--checkpoint", missing, "--data", "builtin:shapes:2",
                "--inception-variant", "alexnet");
        assertThat(variant.code()).isEqualTo(2);
        assertThat(variant.err().strip()).isEqualTo(
                "fewgen: error: --inception-variant must be fid, imagenet or nsfwjs, not 'alexnet'");

        CommandRun batch = run("gan", "fid", "--checkpoint", missing, "--data", "builtin:shapes:2", "--batch", "0",
                "--no-cache");
        assertThat(batch.code()).isEqualTo(2);
        assertThat(batch.err()).contains("--batch must be >= 1, got 0");

        CommandLine.Model.CommandSpec gan = FewgenCommand.commandLine().getSubcommands().get("gan")
                .getSubcommands().get("fid").getCommandSpec();
        CommandLine.Model.CommandSpec metrics = FewgenCommand.commandLine().getSubcommands().get("metrics")
                .getSubcommands().get("fid").getCommandSpec();
        for (String name : new String[] {"--kid", "--inception-weights", "--inception-variant", "--device", "--batch",
                "--no-cache", "--json"}) {
            assertThat(gan.findOption(name)).as(name).isNotNull();
            assertThat(gan.findOption(name).description()).as(name).isEqualTo(metrics.findOption(name).description());
            assertThat(gan.findOption(name).defaultValue()).as(name).isEqualTo(metrics.findOption(name).defaultValue());
        }
    }
}
