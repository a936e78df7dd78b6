package org.fewgen.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.cli.FewgenCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bench gan --precision fp32,bf16} side by side, and {@code bench gan --infer}. */
class BenchPrecisionTest {

    private static String[] run(String... args) {
        CommandLine cl = FewgenCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        assertThat(code).as(err.toString()).isZero();
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void bothPrecisionsRunSideBySideWithTheirOwnPeakAndRatios(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("b.json");
        String out = run("bench", "gan", "--sizes", "64x2", "--generator", "dsc", "--ngf", "8", "--steps", "1",
                "--warmup", "0", "--device", "cpu", "--no-flops", "--no-phases", "--d-input", "128",
                "--precision", "fp32,bf16", "--json", json.toString())[0];
        assertThat(out).contains("precision fp32\n", "precision bf16\n", "| 64 | 2 | dsc |", "| 64 | 2 | dsc bf16 |",
                "| res | batch | G | fp32 ms/step | bf16 ms/step | time bf16/fp32 |").containsPattern("peak: fp32 [0-9]+ "
                + "GFLOP/s, bf16 [0-9]+ GFLOP/s");
        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        JsonArray configs = root.getAsJsonArray("configurations");
        assertThat(configs).hasSize(2);
        assertThat(configs.get(0).getAsJsonObject().get("precision").getAsString()).isEqualTo("fp32");
        assertThat(configs.get(1).getAsJsonObject().get("precision").getAsString()).isEqualTo("bf16");
        assertThat(root.getAsJsonObject("peak_gflops_by_precision").keySet()).containsExactly("fp32", "bf16");
        assertThat(root.getAsJsonArray("bf16_over_fp32").get(0).getAsJsonObject().get("time_bf16_over_fp32")
                .getAsDouble()).isPositive();
    }

    @Test
    void inferTimesTheGeneratorAndTheEmbeddingInEachPrecision(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("i.json");
        String out = run("bench", "gan", "--infer", "--sizes", "64x2", "--generator", "dsc", "--ngf", "8", "--steps",
                "2", "--warmup", "0", "--device", "cpu", "--precision", "fp32,bf16", "--json", json.toString())[0];
        assertThat(out).contains("| G dsc | 64 | 2 | fp32 |", "| G dsc | 64 | 2 | bf16 |");
        JsonArray results = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonArray("results");
        boolean inception = System.getenv("FEWGEN_WEIGHTS") != null || System.getenv("FEWGEN_INCEPTION_WEIGHTS") != null;
        assertThat(results).hasSize(inception ? 4 : 2);
        for (var r : results) {
            assertThat(r.getAsJsonObject().get("images_per_second").getAsDouble()).isPositive();
            assertThat(r.getAsJsonObject().getAsJsonArray("batch_ms")).hasSize(2);
        }
    }
}
