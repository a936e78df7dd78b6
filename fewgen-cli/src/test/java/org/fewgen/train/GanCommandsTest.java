package org.fewgen.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.cli.FewgenCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI side of training: option resolution, --dry-run, one-line errors naming the flag. */
class GanCommandsTest {

    @TempDir
    Path tmp;

    record Outcome(int code, String out, String err) {
    }

    static Outcome run(String... args) {
        CommandLine cl = FewgenCommand.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = cl.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void dryRunPrintsEveryResolvedOption() {
        Outcome o = run("gan", "train", "--data", "builtin:shapes", "--res", "64", "--generator", "conv", "--batch", "16",
                "--kimg", "2", "--ngf", "32", "--seed", "5", "--mirror", "--dry-run");
        assertThat(o.code()).as(o.err()).isZero();
        TrainConfig c = TrainConfig.fromJson(o.out());
        assertThat(c.generator().resolution()).isEqualTo(64);
        assertThat(c.generator().conv().name()).isEqualTo("CONV");
        assertThat(c.run().batch()).isEqualTo(16);
        assertThat(c.optimizer().emaKimg()).isEqualTo(5.0);
        assertThat(c.run().mirror()).isTrue();
        assertThat(c.optimizer().lr()).isEqualTo(2e-4);
        assertThat(c.optimizer().beta1()).isZero();
        assertThat(c.optimizer().beta2()).isEqualTo(0.99);
        assertThat(c.discriminator().backbone()).isEqualTo("mobilenetv2_100");
        assertThat(c.discriminator().headConv().name()).isEqualTo("CONV");
    }

    @Test
    void augmentationPolicyAndLearningRateReachTheConfig() {
        Outcome o = run("gan", "train", "--data", "builtin:shapes", "--aug", "none", "--lr", "1e-3", "--d-input", "160",
                "--dry-run");
        assertThat(o.code()).as(o.err()).isZero();
        TrainConfig c = TrainConfig.fromJson(o.out());
        assertThat(c.discriminator().diffAugment()).isFalse();
        assertThat(c.optimizer().lr()).isEqualTo(1e-3);
        assertThat(c.discriminator().featureInputSize()).isEqualTo(160);
        TrainConfig t = TrainConfig.fromJson(run("gan", "train", "--data", "x", "--aug", "translation", "--dry-run").out());
        assertThat(t.discriminator().diffAugment()).isTrue();
        assertThat(t.discriminator().augPolicy()).isEqualTo("translation");
        assertThat(run("gan", "train", "--data", "x", "--aug", "color,blur", "--dry-run").err())
                .startsWith("fewgen: error: augmentation policy 'color,blur': unknown operation 'blur'");
    }

    @Test
    void demoRunsItsConfigurationAndSaysWhereEverythingIs() throws Exception {
        Outcome o = run("demo", "--kimg", "0.016", "--out", tmp.toString(), "--fid-samples", "0");
        assertThat(o.code()).as(o.err()).isZero();
        Path runDir = tmp.resolve("00000-fastgan-conv-digits-500-64");
        assertThat(o.out()).contains("samples:    " + runDir.resolve("fakes_000000.016.png"),
                "checkpoint: " + runDir.resolve("snapshot-000000.016.safetensors"), "real images: " + runDir.resolve("reals.png"));
        JsonObject config = JsonParser.parseString(Files.readString(runDir.resolve("config.json"))).getAsJsonObject()
                .getAsJsonObject("config");
        TrainConfig c = TrainConfig.fromJson(config.toString());
        assertThat(c.discriminator().featureInputSize()).isEqualTo(128);
        assertThat(c.discriminator().headConv().name()).isEqualTo("DSC");
        assertThat(c.generator().conv().name()).isEqualTo("CONV");
        assertThat(c.generator().resolution()).isEqualTo(64);
        assertThat(c.run().data()).isEqualTo("builtin:digits:500");
        assertThat(c.run().totalSteps()).isEqualTo(2);
        // recorded once, as typed (the subcommand's names used to appear twice)
        assertThat(JsonParser.parseString(Files.readString(runDir.resolve("config.json"))).getAsJsonObject()
                .getAsJsonObject("provenance").get("command_line").getAsString())
                .isEqualTo("fewgen demo --kimg 0.016 --out " + tmp + " --fid-samples 0");
        assertThat(run("demo", "--fid-samples", "1").err()).startsWith("fewgen: error: --fid-samples");
    }

    @Test
    void demoPrintsTheFidCurveOfItsRun() throws Exception {
        Path metrics = tmp.resolve("metrics.jsonl");
        Files.writeString(metrics, """
                {"event":"start"}
                {"event":"metric","fid":40.0,"kimg":0.0}
                {"kimg":0.5,"loss_G":1.0}
                {"event":"metric","fid":8.0,"kimg":7.0}
                """);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        org.fewgen.cli.DemoCommandAccess.printFid(metrics, "FID (test)", new java.io.PrintStream(bytes, true));
        assertThat(bytes.toString()).isEqualTo(
                "FID (test) vs the training images: 40.0 (kimg 0.0) -> 8.0 (kimg 7.0); 5.0x lower than at the start"
                        + System.lineSeparator());
    }

    @Test
    void badOptionsGiveOneLineNamingTheFlag() {
        assertThat(run("gan", "train", "--data", "x", "--generator", "big", "--dry-run").err())
                .isEqualTo("fewgen: error: --generator 'big': must be conv or dsc" + System.lineSeparator());
        assertThat(run("gan", "train", "--data", "x", "--res", "100", "--dry-run").err()).startsWith("fewgen: error: --res");
        assertThat(run("gan", "train", "--data", "x", "--res", "32", "--dry-run").err()).startsWith("fewgen: error: --res");
        assertThat(run("gan", "train", "--data", "x", "--ngf", "12", "--dry-run").err()).startsWith("fewgen: error: --ngf");
        assertThat(run("gan", "train", "--data", "x", "--kimg", "-1", "--dry-run").err()).startsWith("fewgen: error: --kimg");
        assertThat(run("gan", "train", "--data", "x", "--d-input", "96", "--dry-run").err())
                .startsWith("fewgen: error: --d-input 96: must be a multiple of 32 and at least 128");
        assertThat(run("gan", "train", "--res", "64", "--dry-run").err()).startsWith("fewgen: error: --data is required");
        assertThat(run("gan", "train", "--resume", tmp.toString(), "--dry-run").err())
                .startsWith("fewgen: error: --resume " + tmp + ": not a run folder");
        Outcome o = run("gan", "generate", "--checkpoint", tmp.resolve("nope").toString(), "--out", tmp.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--checkpoint").contains("no such file or run folder");
        assertThat(run("gan", "generate", "--checkpoint", tmp.toString(), "--out", tmp.toString()).err())
                .contains("no complete snapshot");
        assertThat(run("gan", "generate", "--checkpoint", tmp.toString(), "--out", tmp.toString(), "--seeds", "a-b").err())
                .contains("--seeds a-b");
    }

    @Test
    void resumeTakesTheRunsOptionsAndRefusesArchitectureChanges() throws Exception {
        Path run = tmp.resolve("00000-run");
        Files.createDirectories(run);
        TrainConfig saved = TrainConfig.builder().data("builtin:shapes").resolution(64).ngf(32).batch(8).kimg(1).build();
        JsonObject root = new JsonObject();
        root.add("config", saved.toJsonObject());
        Files.writeString(run.resolve("config.json"), root.toString());

        Outcome longer = run("gan", "train", "--resume", run.toString(), "--kimg", "5", "--dry-run");
        assertThat(longer.code()).as(longer.err()).isZero();
        TrainConfig c = TrainConfig.fromJson(longer.out());
        assertThat(c.run().kimg()).isEqualTo(5);
        assertThat(c.generator().ngf()).isEqualTo(32);
        assertThat(c.run().data()).isEqualTo("builtin:shapes");

        assertThat(run("gan", "train", "--resume", run.toString(), "--res", "128", "--dry-run").err())
                .isEqualTo("fewgen: error: --res 128: differs from the resumed run's 64 (fixed for a run:"
                        + " cannot change on resume)" + System.lineSeparator());
        assertThat(run("gan", "train", "--resume", run.toString(), "--generator", "conv", "--dry-run").err())
                .contains("--generator conv: differs from the resumed run's dsc");
        assertThat(JsonParser.parseString(longer.out()).getAsJsonObject().getAsJsonObject("run").get("kimg").getAsDouble())
                .isEqualTo(5);
    }

    @Test
    void resumeReadsTheFlatConfigOfEarlierVersionsAndWritesTheNestedForm() throws Exception {
        Path run = tmp.resolve("00000-old");
        Files.createDirectories(run);
        JsonObject root = new JsonObject();
        root.add("config", JsonParser.parseString(TrainConfigJsonTest.FLAT));
        Files.writeString(run.resolve("config.json"), root.toString());
        Outcome o = run("gan", "train", "--resume", run.toString(), "--kimg", "5", "--dry-run");
        assertThat(o.code()).as(o.err()).isZero();
        JsonObject nested = JsonParser.parseString(o.out()).getAsJsonObject();
        assertThat(nested.keySet()).containsExactly("generator", "discriminator", "optimizer", "run");
        TrainConfig c = TrainConfig.fromJson(o.out());
        assertThat(c).isEqualTo(TrainConfig.Builder.from(TrainConfig.fromJson(TrainConfigJsonTest.FLAT)).kimg(5).build());
        assertThat(run("gan", "train", "--resume", run.toString(), "--ngf", "64", "--dry-run").err())
                .isEqualTo("fewgen: error: --ngf 64: differs from the resumed run's 32 (fixed for a run:"
                        + " cannot change on resume)" + System.lineSeparator());
    }

    @Test
    void seedListsAndGridLayouts() {
        assertThat(Sampler.parseSeeds("0-3,10")).containsExactly(0L, 1L, 2L, 3L, 10L);
        assertThat(Sampler.parseSeeds("7")).containsExactly(7L);
        float[] a = {1, 0};
        float[] b = {0, 1};
        float[] mid = Sampler.interpolate(a, b, 0.5, true);
        assertThat(mid[0]).isCloseTo((float) Math.sqrt(0.5), org.assertj.core.api.Assertions.within(1e-6f));
        assertThat(Sampler.interpolate(a, b, 0.5, false)).containsExactly(0.5f, 0.5f);
        assertThat(Sampler.interpolate(a, b, 1.0, true)[1]).isCloseTo(1f, org.assertj.core.api.Assertions.within(1e-6f));
    }
}
