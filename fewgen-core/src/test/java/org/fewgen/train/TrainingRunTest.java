package org.fewgen.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingRunTest {

    @TempDir
    Path tmp;

    private static TrainingRun.Result train(TrainConfig c) throws IOException {
        return TrainingRun.start(c, new TinyGan(), new TinyGan.Data(c), Device.cpu(), new TrainingRun.Options());
    }

    @Test
    void tinyRunWritesEveryPromisedFile() throws IOException {
        TrainConfig c = TinyGan.config(tmp).build();
        TrainingRun.Result r = train(c);

        Path run = r.runDir();
        assertThat(run.getFileName().toString()).isEqualTo("00000-fastgan-dsc-tiny-64");
        assertThat(r.steps()).isEqualTo(8);
        assertThat(r.nimg()).isEqualTo(32);

        JsonObject cfg = JsonParser.parseString(Files.readString(run.resolve("config.json"))).getAsJsonObject();
        JsonObject config = cfg.getAsJsonObject("config");
        assertThat(config.getAsJsonObject("run").get("batch").getAsInt()).isEqualTo(4);
        assertThat(config.getAsJsonObject("optimizer").get("emaKimg").getAsDouble()).isEqualTo(4 * 10.0 / 32);
        assertThat(TrainConfig.fromJson(config.toString())).isEqualTo(c);
        assertThat(cfg.getAsJsonObject("provenance").get("djl").getAsString()).isNotBlank();
        assertThat(cfg.getAsJsonObject("provenance").get("device").getAsString()).contains("cpu");

        BufferedImage reals = ImageIO.read(run.resolve("reals.png").toFile());
        assertThat(reals.getWidth()).isEqualTo(4 * 64); // 16 images in a 4x4 grid of 64x64
        BufferedImage init = ImageIO.read(run.resolve("fakes_init.png").toFile());
        assertThat(init.getWidth()).isEqualTo(8 * 64);
        assertThat(run.resolve("fakes_000000.016.png")).exists();
        assertThat(run.resolve("fakes_000000.032.png")).exists();
        assertThat(r.lastFakes()).isEqualTo(run.resolve("fakes_000000.032.png"));
        assertThat(run.resolve("snapshot-000000.016.safetensors")).exists();
        assertThat(r.lastSnapshot()).isEqualTo(run.resolve("snapshot-000000.032.safetensors"));

        JsonObject latest = JsonParser.parseString(Files.readString(run.resolve("latest.json"))).getAsJsonObject();
        assertThat(latest.get("snapshot").getAsString()).isEqualTo("snapshot-000000.032.safetensors");
        assertThat(latest.get("step").getAsLong()).isEqualTo(8);

        List<JsonObject> lines = MetricsLog.read(run.resolve("metrics.jsonl"));
        assertThat(lines.get(0).get("event").getAsString()).isEqualTo("start");
        List<JsonObject> stats = lines.stream().filter(o -> o.has("loss_G")).toList();
        assertThat(stats).hasSize(4); // every 2 steps
        for (JsonObject s : stats) {
            assertThat(s.keySet()).contains("kimg", "loss_G", "loss_D", "D_real", "D_fake", "img_per_s", "seconds",
                    "rss_mib");
            assertThat(Double.isFinite(s.get("D_real").getAsDouble())).isTrue();
            assertThat(s.get("loss_D").getAsDouble()).isGreaterThanOrEqualTo(0);
        }
        assertThat(lines.stream().filter(o -> o.has("event") && o.get("event").getAsString().equals("snapshot")))
                .hasSize(2);

        Map<String, String> meta = Snapshot.validate(r.lastSnapshot());
        assertThat(meta.get("step")).isEqualTo("8");
        assertThat(meta.get("opt_G_step")).isEqualTo("8");
        assertThat(TrainConfig.fromJson(meta.get("config"))).isEqualTo(c);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> t = SafeTensors.read(r.lastSnapshot(), m).tensors();
            assertThat(t).containsKeys("G.fc.weight", "G.bn.running_mean", "G_ema.fc.weight", "D.features.weight",
                    "D.out.weight", "opt_G.v.fc.weight", "opt_D.v.out.weight");
            // the frozen feature conv has no optimizer state, and beta1 = 0 keeps no first moment
            assertThat(t).doesNotContainKeys("opt_D.v.features.weight", "opt_G.m.fc.weight");
        }
        // a second run gets the next number
        assertThat(train(TrainConfig.Builder.from(c).kimg(0.004).build()).runDir().getFileName().toString()).startsWith("00001-");
    }

    @Test
    void resumeAfterSnapshotIsBitIdenticalToUninterruptedRun() throws IOException {
        TrainConfig full = TinyGan.config(tmp.resolve("a")).build();
        Path uninterrupted = train(full).lastSnapshot();

        TrainConfig half = TinyGan.config(tmp.resolve("b")).kimg(0.016).build();
        TrainingRun.Result first = train(half);
        assertThat(first.steps()).isEqualTo(4);
        TrainingRun.Result resumed = TrainingRun.resume(TrainConfig.Builder.from(full).out(tmp.resolve("b").toString()).build(), new TinyGan(),
                new TinyGan.Data(full), Device.cpu(), RunDir.open(first.runDir()), new TrainingRun.Options());
        assertThat(resumed.steps()).isEqualTo(8);
        assertThat(resumed.runDir()).isEqualTo(first.runDir());

        assertSameTensors(uninterrupted, resumed.lastSnapshot());
        List<JsonObject> lines = MetricsLog.read(first.runDir().resolve("metrics.jsonl"));
        assertThat(lines.stream().filter(o -> o.has("event")).map(o -> o.get("event").getAsString()))
                .containsSubsequence("start", "snapshot", "end", "resume", "snapshot", "end");
    }

    private static void assertSameTensors(Path a, Path b) throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> ta = SafeTensors.read(a, m).tensors();
            Map<String, NDArray> tb = SafeTensors.read(b, m).tensors();
            assertThat(tb.keySet()).isEqualTo(ta.keySet());
            List<String> different = new ArrayList<>();
            for (String k : ta.keySet()) {
                if (!java.util.Arrays.equals(ta.get(k).toByteArray(), tb.get(k).toByteArray())) {
                    different.add(k);
                }
            }
            assertThat(different).as("tensors that differ bit for bit").isEmpty();
        }
    }

    @Test
    void truncatedSnapshotIsSkippedInFavourOfThePreviousOne() throws IOException {
        TrainConfig c = TinyGan.config(tmp).build();
        TrainingRun.Result r = train(c);
        Path newest = r.lastSnapshot();
        long size = Files.size(newest);
        try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
            ch.truncate(size / 2);
        }
        // and a temporary file left behind by a kill mid-write
        Files.write(r.runDir().resolve(".snapshot-000000.048.safetensors.123.tmp"), new byte[100]);

        List<String> messages = new ArrayList<>();
        Path chosen = Snapshot.latestComplete(r.runDir(), messages::add).orElseThrow();
        assertThat(chosen.getFileName().toString()).isEqualTo("snapshot-000000.016.safetensors");
        assertThat(messages).singleElement().asString()
                .contains("skipping incomplete snapshot snapshot-000000.032.safetensors").contains("truncated");

        List<String> seen = new ArrayList<>();
        TrainingRun.Options opts = new TrainingRun.Options().progress(new Recorder(seen));
        TrainingRun.Result resumed = TrainingRun.resume(c, new TinyGan(), new TinyGan.Data(c), Device.cpu(),
                RunDir.open(r.runDir()), opts);
        assertThat(resumed.steps()).isEqualTo(8);
        assertThat(seen).anyMatch(s -> s.contains("resumed") && s.contains("snapshot-000000.016"));
        assertThat(Snapshot.validate(resumed.lastSnapshot()).get("step")).isEqualTo("8");
    }

    @Test
    void aRunFolderWithTheFlatConfigOfEarlierVersionsResumesAndSamples() throws IOException {
        JsonObject flat = JsonParser.parseString(TrainConfigJsonTest.FLAT).getAsJsonObject();
        flat.addProperty("out", tmp.toString());
        flat.addProperty("kimg", 0.016); // one step of 16
        flat.addProperty("snapKimg", 0.016);
        TrainConfig c = TrainConfig.fromJson(flat.toString());
        Path run = train(c).runDir();
        // config.json and the snapshot's metadata as the flat record wrote them
        Path cfg = run.resolve(RunDir.CONFIG);
        JsonObject file = JsonParser.parseString(Files.readString(cfg)).getAsJsonObject();
        file.add("config", flat);
        Files.writeString(cfg, file.toString());
        Path snap = run.resolve("snapshot-000000.016.safetensors");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            SafeTensors.Content content = SafeTensors.read(snap, m);
            Map<String, String> meta = new java.util.LinkedHashMap<>(content.metadata());
            assertThat(meta.get(Snapshot.META_CONFIG_HASH)).isEqualTo("bd704773aea424f9");
            meta.put(Snapshot.META_CONFIG, flat.toString());
            SafeTensors.write(snap, content.tensors(), meta);
        }

        TrainConfig saved = TrainConfig.fromJson(file.getAsJsonObject("config").toString());
        assertThat(saved).isEqualTo(c);
        TrainingRun.Result resumed = TrainingRun.resume(TrainConfig.Builder.from(saved).kimg(0.048).build(),
                new TinyGan(), new TinyGan.Data(c), Device.cpu(), RunDir.open(run), new TrainingRun.Options());
        assertThat(resumed.steps()).isEqualTo(3);
        try (Sampler sampler = new Sampler(snap, new TinyGan(), Device.cpu())) {
            assertThat(sampler.config()).isEqualTo(c);
            assertThat(sampler.generate(sampler.latent(5))).hasSize(3 * 64 * 64);
        }
    }

    @Test
    void resumeRefusesArchitectureChangesNamingTheFlag() throws IOException {
        TrainConfig c = TinyGan.config(tmp).kimg(0.016).build();
        TrainingRun.Result r = train(c);
        TrainConfig wider = TrainConfig.Builder.from(c).ngf(16).zDim(16).build();
        assertThatThrownBy(() -> TrainingRun.resume(wider, new TinyGan(), new TinyGan.Data(wider), Device.cpu(),
                RunDir.open(r.runDir()), new TrainingRun.Options()))
                .hasMessage("ngf 16: differs from the resumed run's 8 (fixed for a run: cannot change on resume)");
    }

    @Test
    void singleNonFiniteLossSkipsTheUpdateAndRepeatedOnesReloadTheSnapshot() throws IOException {
        TrainConfig c = TinyGan.config(tmp).kimg(0.048).build(); // 12 steps, snapshots at steps 4, 8, 12
        List<String> seen = new ArrayList<>();
        // step 2 once; steps 5, 6, 7 in a row -> reload of the step-4 snapshot. Steps 5..7 run again
        // after the reload, so each injection fires only once.
        java.util.Set<Long> fired = new java.util.HashSet<>();
        TrainingRun.Options opts = new TrainingRun.Options().progress(new Recorder(seen))
                .nonFiniteInjector(s -> (s == 2 || s == 5 || s == 6 || s == 7) && fired.add(s));
        TrainingRun.Result r = TrainingRun.start(c, new TinyGan(), new TinyGan.Data(c), Device.cpu(), opts);
        assertThat(r.steps()).isEqualTo(12);

        List<JsonObject> events = MetricsLog.read(r.metrics()).stream().filter(o -> o.has("event")).toList();
        List<JsonObject> nonFinite = events.stream().filter(o -> o.get("event").getAsString().equals("nonfinite"))
                .toList();
        assertThat(nonFinite).extracting(o -> o.get("step").getAsLong()).containsExactly(2L, 5L, 6L, 7L);
        assertThat(nonFinite.get(0).get("phase").getAsString()).isEqualTo("G");
        JsonObject reload = events.stream().filter(o -> o.get("event").getAsString().equals("reload")).findFirst()
                .orElseThrow();
        assertThat(reload.get("snapshot").getAsString()).isEqualTo("snapshot-000000.016.safetensors");
        assertThat(reload.get("failed_step").getAsLong()).isEqualTo(7);
        assertThat(reload.get("recovery").getAsLong()).isEqualTo(1);
        assertThat(seen).anyMatch(s -> s.contains("reloaded snapshot-000000.016") && s.contains("unchanged"));
        assertThat(Snapshot.validate(r.lastSnapshot()).get("recoveries")).isEqualTo("1");
    }

    @Test
    void nonFiniteLossLeavesWeightsUntouched() {
        TrainConfig c = TinyGan.config(tmp).build();
        TinyGan.Data data = new TinyGan.Data(c);
        try (GanTrainer t = new GanTrainer(c, new TinyGan(), Device.cpu())) {
            t.trainStep(data, false);
            t.setNonFiniteInjector(s -> s == 1);
            float[] g = t.generator().namedParameters().get("fc.weight").toFloatArray();
            float[] d = t.discriminator().namedParameters().get("out.weight").toFloatArray();
            GanTrainer.StepResult r = t.trainStep(data, true);
            assertThat(r.gSkipped()).isTrue();
            assertThat(r.lossG()).isNaN();
            assertThat(t.generator().namedParameters().get("fc.weight").toFloatArray()).isEqualTo(g);
            assertThat(t.discriminator().namedParameters().get("out.weight").toFloatArray()).isEqualTo(d);
            assertThat(t.step()).isEqualTo(2);
            GanTrainer.StepResult next = t.trainStep(data, true);
            assertThat(next.nonFinite()).isFalse();
            assertThat(t.generator().namedParameters().get("fc.weight").toFloatArray()).isNotEqualTo(g);
        }
    }

    /** Records progress messages. */
    static final class Recorder implements Progress {
        final List<String> seen;

        Recorder(List<String> seen) {
            this.seen = seen;
        }

        @Override public void start(long nimg, long totalNimg) { }
        @Override public void update(long nimg, double imgPerSec, String status) { seen.add("update " + status); }
        @Override public void message(String line) { seen.add(line); }
        @Override public void close() { }
    }
}
