package org.fewgen.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import org.fewgen.io.RunLock;
import org.fewgen.util.GracefulStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Divergence, graceful stop, the run-folder lock and failed starts, on the tiny networks. */
class RunReliabilityTest {

    @TempDir
    Path tmp;

    private TrainingRun.Result start(TrainConfig c, TrainingRun.Options o) throws IOException {
        return TrainingRun.start(c, new TinyGan(), new TinyGan.Data(c), Device.cpu(), o);
    }

    private TrainingRun.Result resume(TrainConfig c, Path dir, TrainingRun.Options o) throws IOException {
        return TrainingRun.resume(c, new TinyGan(), new TinyGan.Data(c), Device.cpu(), RunDir.open(dir), o);
    }

    @Test
    void aHugeLearningRateStopsWithAMessageNamingTheOption() throws IOException {
        TrainConfig c = TinyGan.config(tmp).lr(1e6).build();
        assertThatThrownBy(() -> start(c, new TrainingRun.Options()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("training diverged at step")
                .hasMessageContaining("--lr 1000000.0")
                .hasMessageContaining("--resume");
        Path run = tmp.resolve("00000-fastgan-dsc-tiny-64");
        List<JsonObject> events = MetricsLog.read(run.resolve(RunDir.METRICS));
        assertThat(events).anyMatch(e -> e.has("event") && e.get("event").getAsString().equals("diverged"));
        // it stopped early: no snapshot of the end of the run
        assertThat(run.resolve("snapshot-000000.032.safetensors")).doesNotExist();
        // the default learning rate trains to the end without this check firing
        Path ok = tmp.resolve("ok");
        assertThat(start(TinyGan.config(ok).build(), new TrainingRun.Options()).steps()).isEqualTo(8);
    }

    @Test
    void aStopRequestFinishesTheStepWritesASnapshotAndSaysHowToResume() throws IOException {
        TrainConfig c = TinyGan.config(tmp).snapKimg(1).build(); // no periodic snapshot before the end
        AtomicInteger checks = new AtomicInteger();
        TrainingRun.Options o = new TrainingRun.Options().stopWhen(() -> checks.incrementAndGet() >= 3, 143);
        Path run = tmp.resolve("00000-fastgan-dsc-tiny-64");
        assertThatThrownBy(() -> start(c, o))
                .isInstanceOfSatisfying(GracefulStop.Stopped.class, s -> assertThat(s.exitCode()).isEqualTo(143))
                .hasMessageContaining("stopped at step 3")
                .hasMessageContaining("Resume with: fewgen gan train --resume " + run);
        Path snap = run.resolve("snapshot-000000.012.safetensors");
        assertThat(Snapshot.validate(snap).get(Snapshot.META_STEP)).isEqualTo("3");
        assertThat(run.resolve(RunLock.FILE)).doesNotExist();
        TrainingRun.Result r = resume(c, run, new TrainingRun.Options());
        assertThat(r.steps()).isEqualTo(8);
    }

    @Test
    void aSecondWriterOfARunFolderFailsAtOnceNamingTheHolder() throws IOException {
        TrainConfig c = TinyGan.config(tmp).kimg(0.016).build();
        Path run = start(c, new TrainingRun.Options()).runDir();
        List<String> before = Files.readAllLines(run.resolve(RunDir.METRICS));
        try (RunLock held = RunLock.acquire(run, m -> { })) {
            assertThat(Files.readString(held.file())).startsWith("pid " + ProcessHandle.current().pid() + " on host ");
            TrainConfig longer = TinyGan.config(tmp).kimg(0.032).build();
            assertThatThrownBy(() -> resume(longer, run, new TrainingRun.Options()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("run folder " + run + " is in use by pid " + ProcessHandle.current().pid());
        }
        assertThat(Files.readAllLines(run.resolve(RunDir.METRICS))).isEqualTo(before);
    }

    @Test
    void aStaleLockIsTakenOverWithAWarningAndLeftoverTemporaryFilesAreRemoved() throws IOException {
        TrainConfig c = TinyGan.config(tmp).kimg(0.016).build();
        Path run = start(c, new TrainingRun.Options()).runDir();
        long dead = deadPid();
        Files.writeString(run.resolve(RunLock.FILE), "pid " + dead + " on host " + host() + " since then\n");
        Path leftover = run.resolve(".snapshot-000000.016.safetensors.12345.tmp");
        Files.writeString(leftover, "half a snapshot");
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        TrainingRun.Result r = resume(TinyGan.config(tmp).kimg(0.024).build(), run,
                new TrainingRun.Options().progress(new Progress.Lines(new java.io.PrintStream(log, true))));
        List<String> messages = log.toString().lines().toList();
        assertThat(r.steps()).isEqualTo(6);
        assertThat(messages).anyMatch(m -> m.startsWith("warning: taking over the stale lock of pid " + dead));
        assertThat(messages).anyMatch(m -> m.contains(leftover.getFileName() + ", left by an interrupted write"));
        assertThat(leftover).doesNotExist();
    }

    @Test
    void aSnapshotWithNonFiniteValuesIsRefusedNamingTheTensorAndLeavesTheFolderAsItWas() throws IOException {
        Path run = start(TinyGan.config(tmp).build(), new TrainingRun.Options()).runDir();
        Path snap = run.resolve("snapshot-000000.032.safetensors");
        byte[] bytes = Files.readAllBytes(snap);
        long headerLen = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        com.google.gson.JsonObject header = com.google.gson.JsonParser.parseString(
                new String(bytes, 8, (int) headerLen, java.nio.charset.StandardCharsets.UTF_8)).getAsJsonObject();
        String name = header.keySet().stream().filter(k -> k.startsWith(Snapshot.PREFIX_G)).findFirst().orElseThrow();
        long begin = header.getAsJsonObject(name).getAsJsonArray("data_offsets").get(0).getAsLong();
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putFloat((int) (8 + headerLen + begin), Float.POSITIVE_INFINITY);
        Files.write(snap, bytes);
        String config = Files.readString(run.resolve(RunDir.CONFIG));
        List<String> metrics = Files.readAllLines(run.resolve(RunDir.METRICS));
        assertThatThrownBy(() -> resume(TinyGan.config(tmp).kimg(0.064).build(), run, new TrainingRun.Options()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(snap.toString())
                .hasMessageContaining("'" + name + "' holds 1 non-finite value");
        assertThat(Files.readString(run.resolve(RunDir.CONFIG))).isEqualTo(config);
        assertThat(Files.readAllLines(run.resolve(RunDir.METRICS))).isEqualTo(metrics);
        assertThat(run.resolve(RunLock.FILE)).doesNotExist();
    }

    @Test
    void aFailedStartLeavesNoRunFolder() {
        TrainConfig c = TinyGan.config(tmp).build();
        NetworkFactory broken = new NetworkFactory() {
            @Override
            public Net generator(NDManager manager, TrainConfig config) {
                return new TinyGan().generator(manager, config);
            }

            @Override
            public Net discriminator(NDManager manager, TrainConfig config) {
                throw new IllegalArgumentException("--backbone-weights x.safetensors: tensor 'a' has shape (1), expected (2)");
            }
        };
        assertThatThrownBy(() -> TrainingRun.start(c, broken, new TinyGan.Data(c), Device.cpu(), new TrainingRun.Options()))
                .hasMessageContaining("--backbone-weights");
        assertThat(tmp.toFile().list()).isEmpty();
    }

    static long deadPid() throws IOException {
        try {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            return p.pid();
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    static String host() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    }

    static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
