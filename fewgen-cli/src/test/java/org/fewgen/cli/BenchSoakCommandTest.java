package org.fewgen.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.train.MetricsLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class BenchSoakCommandTest {

    private static List<JsonObject> samples(double rssGrowth, int arrayGrowth) {
        List<JsonObject> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            JsonObject o = new JsonObject();
            o.addProperty("step", (i + 1) * 100);
            // the first samples are the warm-up: memory still climbing
            o.addProperty("rss_mib", (i < 2 ? 300 + 100 * i : 500) + rssGrowth * i);
            o.addProperty("ndarrays", 400 + arrayGrowth * i);
            out.add(o);
        }
        return out;
    }

    @Test
    void flatAfterWarmUpPassesAndAGrowingCountFails() {
        assertThat(BenchSoakCommand.judge(samples(0, 0), 0.1, 0.05).flat()).isTrue();
        BenchSoakCommand.Verdict leak = BenchSoakCommand.judge(samples(0, 5), 0.1, 0.05);
        assertThat(leak.flat()).isFalse();
        assertThat(leak.text()).startsWith("NOT flat").contains("DJL arrays by 18.7%");
        assertThat(BenchSoakCommand.judge(samples(3, 0), 0.1, 0.05).flat()).isFalse();
    }

    @Test
    void aShortSoakSamplesMemoryAndArraysAndWritesThePlot(@TempDir Path tmp) throws Exception {
        picocli.CommandLine cl = FewgenCommand.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = cl.execute("bench", "soak", "--steps", "12", "--every", "2", "--out", tmp.toString(), "--device", "cpu",
                    "--tolerance", "10");
        } finally {
            System.setOut(old);
        }
        assertThat(code).as(err + out.toString()).isZero();
        Path run;
        try (Stream<Path> s = Files.list(tmp)) {
            run = s.findFirst().orElseThrow();
        }
        List<JsonObject> lines = MetricsLog.read(run.resolve("metrics.jsonl"));
        assertThat(lines.stream().filter(o -> o.has("ndarrays") && o.has("rss_mib")).count()).isEqualTo(6);
        assertThat(run.resolve("soak.png")).isNotEmptyFile();
        assertThat(out.toString()).contains("flat: after warm-up");
        JsonObject soak = JsonParser.parseString(Files.readString(run.resolve("soak.json"))).getAsJsonObject();
        assertThat(soak.get("flat").getAsBoolean()).isTrue();
        assertThat(soak.get("verdict").getAsString()).startsWith("flat: after warm-up");
        assertThat(soak.get("samples").getAsInt()).isEqualTo(6);
        assertThat(soak.getAsJsonObject("machine").get("cpu_model").getAsString()).isNotEmpty();
        assertThat(JsonParser.parseString(Files.readString(run.resolve("config.json"))).getAsJsonObject()
                .getAsJsonObject("provenance").get("command_line").getAsString()).startsWith("fewgen bench soak --steps 12");
    }

    @Test
    void badSettingsAreOneLineErrorsNamingTheOption(@TempDir Path tmp) {
        for (String[] bad : new String[][] {{"--steps", "5", "--steps 5: must be at least 10"},
                {"--every", "0", "--every 0: must be from 1 to --steps (10000)"},
                {"--warmup", "1", "--warmup 1.0: must be in [0, 1)"},
                {"--tolerance", "0", "--tolerance 0.0: must be positive"}}) {
            picocli.CommandLine cl = FewgenCommand.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err));
            int code = cl.execute("bench", "soak", bad[0], bad[1], "--out", tmp.toString(), "--device", "cpu");
            assertThat(code).isEqualTo(2);
            assertThat(err.toString().trim()).isEqualTo("fewgen: error: " + bad[2]);
        }
    }
}
