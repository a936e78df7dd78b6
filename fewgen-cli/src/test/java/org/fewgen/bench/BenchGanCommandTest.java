package org.fewgen.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.cli.CommandRun;
import org.fewgen.train.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class BenchGanCommandTest {

    private static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    @Test
    void contendTimesAgainUnderItsOwnCompetingLoadAndStopsIt() {
        long before = ProcessHandle.current().children().count();
        CommandRun r = run("bench", "gan", "--sizes", "64x2", "--generator", "dsc", "--ngf", "8", "--steps", "1",
                "--warmup", "0", "--device", "cpu", "--peak-gflops", "100", "--no-flops", "--contend", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("competing load: 1 CPU-bound processes on").contains("GOMP_SPINCOUNT=" + org.fewgen.util.OpenMp.SPIN_COUNT)
                .contains("| config | quiet ms/step | loaded ms/step | loaded / quiet |")
                .containsPattern("\\| 64x2 dsc \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+x \\|");
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isEqualTo(before);
    }

    @Test
    void oneStepOfATinyConfigurationGivesWellFormedTablesJsonAndARunFolder(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("out/bench.json");
        Path runs = dir.resolve("runs");
        CommandRun r = run("bench", "gan", "--sizes", "64x2", "--generator", "conv,dsc", "--ngf", "8", "--steps", "1",
                "--warmup", "0", "--device", "cpu", "--peak-gflops", "100", "--json", json.toString(),
                "--out", runs.toString());

        assertThat(r.code()).as(r.err()).isZero();
        String out = r.out();
        assertThat(out).contains("command: fewgen bench gan --sizes 64x2").contains("peak: 100 GFLOP/s (given")
                .contains("| res | batch | G | ms/step median |").contains("| 64 | 2 | conv |")
                .contains("| 64 | 2 | dsc |").contains("| time dsc/conv | peak memory dsc/conv |")
                .contains("| data | G fwd (G+D) |").contains("wrote " + json);

        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertThat(root.getAsJsonObject("machine").get("torch_intra_op_threads").getAsInt())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(root.get("peak_gflops").getAsDouble()).isEqualTo(100.0);
        // the test runner sets malloc as the launcher does; the report says so
        assertThat(root.getAsJsonObject("machine").get("malloc").getAsString())
                .isEqualTo("GLIBC_TUNABLES=" + System.getenv("GLIBC_TUNABLES"));
        assertThat(out).contains("; malloc: GLIBC_TUNABLES=");
        JsonArray configs = root.getAsJsonArray("configurations");
        assertThat(configs).hasSize(2);
        long[] gParams = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonObject c = configs.get(i).getAsJsonObject();
            assertThat(c.get("generator").getAsString()).isEqualTo(i == 0 ? "conv" : "dsc");
            assertThat(c.getAsJsonArray("step_ms")).hasSize(1);
            assertThat(c.get("median_ms").getAsDouble()).isPositive();
            assertThat(c.getAsJsonArray("cpu_ms")).hasSize(1);
            assertThat(c.get("median_cpu_ms").getAsDouble()).isPositive();
            assertThat(c.get("peak_mib").getAsDouble()).isPositive();
            assertThat(c.get("discriminator_trainable_params").getAsLong()).isPositive();
            assertThat(c.get("gflop_forward").getAsDouble()).isPositive();
            assertThat(c.get("gflop_backward").getAsDouble()).isPositive();
            assertThat(c.get("skipped_steps").getAsInt()).isZero();
            JsonObject phases = c.getAsJsonObject("phase_mean_ms");
            for (Phase p : Phase.values()) {
                assertThat(phases.has(p.name().toLowerCase(Locale.ROOT))).as(p.name()).isTrue();
            }
            gParams[i] = c.get("generator_params").getAsLong();
        }
        // the separable up-blocks have fewer weights
        assertThat(gParams[1]).isLessThan(gParams[0]);
        JsonObject ratio = root.getAsJsonArray("dsc_over_conv").get(0).getAsJsonObject();
        assertThat(ratio.get("time_dsc_over_conv").getAsDouble()).isPositive();
        assertThat(ratio.get("memory_dsc_over_conv").getAsDouble()).isPositive();

        // --out: a numbered run folder as training runs have, with the same numbers as --json
        Path run = runs.resolve("00000-bench-gan-64x2-conv_dsc");
        assertThat(out).contains("run folder: " + run).contains("wrote " + run.resolve("bench.json"));
        try (java.util.stream.Stream<Path> s = Files.list(runs)) {
            assertThat(s.toList()).containsExactly(run);
        }
        assertThat(Files.readString(run.resolve("bench.json"))).isEqualTo(Files.readString(json));
        assertThat(run.resolve(org.fewgen.io.RunLock.FILE)).doesNotExist();
        JsonObject config = JsonParser.parseString(Files.readString(run.resolve("config.json"))).getAsJsonObject();
        JsonObject bench = config.getAsJsonObject("benchmark");
        assertThat(bench.get("command").getAsString()).isEqualTo("bench gan");
        assertThat(bench.getAsJsonArray("sizes").get(0).getAsString()).isEqualTo("64x2");
        assertThat(bench.get("steps").getAsInt()).isEqualTo(1);
        JsonObject machine = config.getAsJsonObject("machine");
        assertThat(machine.get("cpu_model").getAsString()).isNotEmpty();
        assertThat(machine.get("cpu_flags").getAsString()).isEqualTo(MachineInfo.cpuFlags());
        assertThat(machine.get("torch_intra_op_threads").getAsInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        // the provenance block of GAN and UAE runs, from the same code
        JsonObject provenance = config.getAsJsonObject("provenance");
        assertThat(provenance.keySet()).containsExactly("fewgen", "djl", "engine", "java", "os", "cpus", "device",
                "command_line", "started", "pid", "host");
        assertThat(provenance.get("command_line").getAsString()).startsWith("fewgen bench gan --sizes 64x2");
        assertThat(provenance.get("pid").getAsLong()).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void profileWritesATraceOfOneStepWithTheConvolutions(@TempDir Path dir) throws Exception {
        CommandRun r = run("bench", "gan", "--sizes", "64x2", "--generator", "dsc", "--ngf", "8", "--steps", "1",
                "--warmup", "0", "--no-flops", "--device", "cpu", "--peak-gflops", "100", "--d-input", "128",
                "--profile", dir.resolve("prof").toString());
        assertThat(r.code()).as(r.err()).isZero();
        Path trace = dir.resolve("prof/profile-64x2-dsc.json");
        // libtorch writes the Chrome trace as a bare array of complete ("X") events
        JsonArray events = JsonParser.parseString(Files.readString(trace)).getAsJsonArray();
        assertThat(events.size()).isGreaterThan(100);
        boolean conv = false;
        for (var e : events) {
            JsonObject o = e.getAsJsonObject();
            conv |= o.has("name") && o.get("name").getAsString().equals("aten::convolution");
        }
        assertThat(conv).as("the trace records aten::convolution").isTrue();
    }

    @Test
    void badSizeAndGeneratorAreOneLineErrorsNamingTheOption() {
        CommandRun sizes = run("bench", "gan", "--sizes", "64by8", "--device", "cpu");
        assertThat(sizes.code()).isEqualTo(2);
        assertThat(sizes.err().trim()).isEqualTo("fewgen: error: --sizes: '64by8' is not RESxBATCH (e.g. 64x8)");

        CommandRun gen = run("bench", "gan", "--generator", "conv,fancy", "--device", "cpu");
        assertThat(gen.code()).isEqualTo(2);
        assertThat(gen.err().trim()).isEqualTo("fewgen: error: --generator 'fancy': must be conv or dsc");
    }
}
