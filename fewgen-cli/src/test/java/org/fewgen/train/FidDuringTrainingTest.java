package org.fewgen.train;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.TestEnv;
import org.fewgen.data.ImageSet;
import org.fewgen.data.ImageSources;
import org.fewgen.data.Transform;
import org.fewgen.gan.ConvKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FID of the EMA generator during training ({@code --metric-every}) and from a finished run
 * ({@code fewgen gan fid}), with the offline Inception file and a handful of images.
 */
class FidDuringTrainingTest {

    @TempDir
    Path tmp;

    @Test
    void metricEventsDuringTrainingAndGanFidAfterwards() throws Exception {
        Path inception = TestEnv.weights().resolve("inception_v3.nsfwjs.safetensors");
        TrainConfig c = TrainConfig.builder().data("builtin:shapes:6").out(tmp.toString()).resolution(64)
                .generator(ConvKind.DSC).ngf(8).batch(2).kimg(0.004).snapKimg(0.004).logEvery(1).seed(5)
                .device("cpu").build();
        ImageSet set = ImageSources.load(c.run().data(), 64, Transform.CENTER_CROP, null, null);
        TrainingRun.Result r;
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        try (ImageSetData data = new ImageSetData(set, c.run().batch(), false, c.run().seed());
             FidMonitor monitor = new FidMonitor(new FidMonitor.Settings(0.002, 3, inception, false), set,
                     Device.cpu(), 4, quiet)) {
            r = TrainingRun.start(c, new FastGanNetworks(), data, Device.cpu(),
                    new TrainingRun.Options().metric(0.002, monitor));
        }
        List<JsonObject> metricEvents = Files.readAllLines(r.metrics()).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject())
                .filter(o -> o.has("event") && o.get("event").getAsString().equals("metric")).toList();
        // the untrained generator at kimg 0, then every 0.002 kimg (2 steps of 2 images each)
        assertThat(metricEvents).hasSize(3);
        assertThat(metricEvents.stream().map(e -> e.get("kimg").getAsDouble())).containsExactly(0.0, 0.002, 0.004);
        for (JsonObject e : metricEvents) {
            assertThat(e.get("fid").getAsDouble()).isFinite().isGreaterThan(0);
        }

        Path json = tmp.resolve("fid.json");
        GanCommandsTest.Outcome run = GanCommandsTest.run("gan", "fid", "--checkpoint", r.runDir().toString(), "--data",
                "builtin:shapes:6", "--num", "3", "--inception-weights", inception.toString(), "--device", "cpu",
                "--batch", "4", "--json", json.toString());
        assertThat(run.code()).as(run.toString()).isZero();
        JsonObject j = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertThat(j.get("fid").getAsDouble()).isFinite().isGreaterThan(0);
        assertThat(j.get("checkpoint").getAsString()).endsWith(".safetensors");

        GanCommandsTest.Outcome bad = GanCommandsTest.run("gan", "fid", "--checkpoint", tmp.resolve("nope").toString(),
                "--data", "builtin:shapes:6", "--inception-weights", inception.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.toString()).contains("--checkpoint").contains("nope");
    }
}
