package org.fewgen.cs;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.TestEnv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompareTest {

    private static Compare.Settings settings(Path out, List<String> methods) {
        UaeConfig base = new UaeConfig("mnist", 1, 0.1f, "linear", new int[0], new int[] {32}, 1, 50, 1e-3f, 0f, 0f,
                1L, "", 0);
        return new Compare.Settings(List.of(5, 20), methods, base, 1, 20, 100, 5, 2, 5, false, out, out.resolve("runs"), false);
    }

    @Test
    void writesRecordsTablesAndPicturesAndKeepsThemOnARerun(@TempDir Path out) throws IOException {
        CsData small = CsData.loadMnist(TestEnv.mnist()).limit(2000, 100, 40);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Compare c = new Compare(settings(out, List.of("pca-linear", "lasso-dct")), small, manager,
                    new PrintStream(log, true));
            c.run();
            assertThat(c.table()).contains("pca-linear").contains("lasso-dct").contains("m=20");
            // every method ran in a sub-manager of its own, closed when it finished
            assertThat(manager.getManagedArrays()).isEmpty();
        }
        JsonArray arr = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonArray();
        assertThat(arr).hasSize(4);
        JsonObject pca5 = arr.get(0).getAsJsonObject();
        assertThat(pca5.get("method").getAsString()).isEqualTo("pca-linear");
        assertThat(pca5.get("measurements").getAsInt()).isEqualTo(5);
        assertThat(pca5.get("test_images").getAsInt()).isEqualTo(40);
        assertThat(pca5.get("l2_mean").getAsDouble()).isBetween(2.0, 9.0);
        assertThat(pca5.get("l2_stderr").getAsDouble()).isPositive();
        JsonObject lasso = arr.get(2).getAsJsonObject();
        assertThat(lasso.get("test_images").getAsInt()).isEqualTo(20);
        assertThat(lasso.get("lambda_grid").getAsJsonArray().size()).isGreaterThanOrEqualTo(MethodFits.LAMBDA_GRID.length);
        assertThat(lasso.has("hit_iteration_cap")).isTrue();
        // more measurements, smaller error
        assertThat(arr.get(1).getAsJsonObject().get("l2_mean").getAsDouble())
                .isLessThan(pca5.get("l2_mean").getAsDouble());
        assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(5);
        assertThat(out.resolve("error-vs-m.png")).isNotEmptyFile();
        assertThat(out.resolve("examples-m5.png")).isNotEmptyFile();

        // a second run keeps what is there and recomputes nothing
        ByteArrayOutputStream log2 = new ByteArrayOutputStream();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            new Compare(settings(out, List.of("pca-linear", "lasso-dct")), small, manager, new PrintStream(log2, true)).run();
        }
        assertThat(log2.toString()).contains("kept from the earlier results.json").doesNotContain("fitting PCA");
        assertThat(JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonArray()).hasSize(4);
    }

    @Test
    void trainedModelsLiveInTheMethodsOwnScopeAndAreFreedWithIt(@TempDir Path out) throws IOException {
        CsData small = CsData.loadMnist(TestEnv.data().resolve("mnist")).limit(1000, 100, 40);
        Compare.Settings s = new Compare.Settings(List.of(5), List.of("pca-mlp", "uae"), settings(out, List.of()).base(),
                1, 20, 100, 5, 2, 5, false, out, out.resolve("runs"), false, "fewgen cs compare --methods pca-mlp,uae");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Compare c = new Compare(s, small, manager, new PrintStream(OutputStream.nullOutputStream()));
            c.run();
            assertThat(c.records()).extracting(r -> r.method().id()).containsExactly("pca-mlp", "uae");
            CompareResult.Trained uae = (CompareResult.Trained) c.records().get(1).details();
            assertThat(uae.bestEpoch()).isEqualTo(1);
            assertThat(uae.run()).endsWith("00001-uae-mnist-m5-linear");
            assertThat(JsonParser.parseString(Files.readString(Path.of(uae.run(), "config.json"))).getAsJsonObject()
                    .getAsJsonObject("provenance").get("command_line").getAsString())
                    .isEqualTo("fewgen cs compare --methods pca-mlp,uae");
            assertThat(manager.getManagedArrays()).isEmpty();
        }
    }

    @Test
    void reportOnlyTrainsNothing(@TempDir Path out) throws IOException {
        UaeConfig base = new UaeConfig("mnist", 1, 0.1f, "linear", new int[0], new int[] {32}, 1, 50, 1e-3f, 0f, 0f,
                1L, "", 0);
        Compare.Settings s = new Compare.Settings(List.of(5), List.of("uae", "pca-mlp"), base, 1, 20, 100, 5, 2, 5,
                false, out, out.resolve("runs"), true);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Compare c = new Compare(s, null, manager, new PrintStream(log, true));
            c.run();
            assertThat(c.records()).isEmpty();
        }
        assertThat(log.toString()).contains("not run (--report-only)");
        assertThat(out.resolve("runs")).doesNotExist();
    }

    @Test
    void unknownMethodIsNamed(@TempDir Path out) {
        assertThatThrownBy(() -> new Compare(settings(out, List.of("uae", "omp")), null, null, System.out))
                .isInstanceOf(org.fewgen.util.SettingException.class)
                .hasMessage("methods omp: unknown method 'omp'; known: " + String.join(", ", CompareMethod.IDS));
        assertThat(CompareMethod.IDS).containsExactly("uae", "uae-unit", "pca-mlp", "pca-linear", "lasso-pixel",
                "lasso-dct", "csvae");
        assertThat(CompareMethod.parse("lasso-dct")).isEqualTo(CompareMethod.LASSO_DCT);
    }
}
