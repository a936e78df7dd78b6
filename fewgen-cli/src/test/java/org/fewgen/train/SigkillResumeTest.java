package org.fewgen.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.cli.FewgenCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A training process killed with SIGKILL (no shutdown hooks, no finally blocks) while it writes a
 * snapshot after every step, then resumed: every snapshot under its final name is complete, and the
 * resumed run continues from the newest of them to the end.
 */
class SigkillResumeTest {

    @TempDir
    Path tmp;

    @Test
    void runKilledWithSigkillResumesFromItsNewestCompleteSnapshot() throws Exception {
        Path out = tmp.resolve("runs");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), FewgenCommand.class.getName(),
                "gan", "train", "--data", "builtin:shapes", "--res", "64", "--ngf", "8", "--batch", "2",
                "--d-input", "128", "--d-conv", "dsc", "--kimg", "1", "--snap", "0.002", "--log-every", "1",
                "--out", out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process child = pb.start();
        Path runDir = out.resolve("00000-fastgan-dsc-shapes-64");
        try {
            // snapshots are written after every step; kill while the third or a later one is on its way
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (snapshots(runDir).size() < 3) {
                assertThat(child.isAlive()).as("training process ended early: %s",
                        Files.exists(tmp.resolve("child.log")) ? Files.readString(tmp.resolve("child.log")) : "").isTrue();
                assertThat(System.nanoTime()).as("no third snapshot within 3 minutes").isLessThan(deadline);
                Thread.sleep(20);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(child.exitValue()).isEqualTo(137);

        List<Path> complete = new ArrayList<>();
        for (Path s : snapshots(runDir)) {
            Snapshot.validate(s); // a file under its final name is never a torn write
            complete.add(s);
        }
        Optional<Path> newest = Snapshot.latestComplete(runDir, m -> { });
        assertThat(newest).isPresent();
        long resumeStep = Long.parseLong(Snapshot.validate(newest.get()).get(Snapshot.META_STEP));

        GanCommandsTest.Outcome o = GanCommandsTest.run("gan", "train", "--resume", runDir.toString(),
                "--kimg", Double.toString((resumeStep + 3) * 2 / 1000.0));
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("resumed " + runDir + " from " + newest.get().getFileName());
        JsonObject last = lastMetricsLine(runDir);
        assertThat(last.get("step").getAsLong()).isEqualTo(resumeStep + 3);
        assertThat(Snapshot.latestComplete(runDir, m -> { }).orElseThrow()).isNotEqualTo(newest.get());
    }

    private static List<Path> snapshots(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(runDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("snapshot-")
                    && p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
    }

    private static JsonObject lastMetricsLine(Path runDir) throws IOException {
        List<String> lines = Files.readAllLines(runDir.resolve(RunDir.METRICS));
        JsonObject last = null;
        for (String l : lines) {
            JsonObject o = JsonParser.parseString(l).getAsJsonObject();
            if (o.has("step")) {
                last = o;
            }
        }
        return last;
    }
}
