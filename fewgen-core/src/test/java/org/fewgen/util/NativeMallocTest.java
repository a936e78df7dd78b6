package org.fewgen.util;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NativeMallocTest {

    @Test
    void launcherAndTestRunnerExportTheRecommendedSettings() throws Exception {
        List<String> exports = Files.readAllLines(Path.of("fewgen")).stream()
                .map(String::trim).filter(l -> l.startsWith("export GLIBC_TUNABLES=")).toList();
        assertThat(exports).containsExactly("export GLIBC_TUNABLES=" + NativeMalloc.RECOMMENDED);
        assertThat(Files.readString(Path.of("pom.xml")))
                .contains("<GLIBC_TUNABLES>" + NativeMalloc.RECOMMENDED + "</GLIBC_TUNABLES>");
    }

    @Test
    void describesTheSettingsThisJvmStartedWith() {
        // surefire starts the test JVM with the recommended settings
        assertThat(System.getenv("GLIBC_TUNABLES")).isEqualTo(NativeMalloc.RECOMMENDED);
        assertThat(NativeMalloc.describe()).isEqualTo("GLIBC_TUNABLES=" + NativeMalloc.RECOMMENDED);
        assertThat(NativeMalloc.hint(Device.cpu())).isNull();
    }

    @Test
    void launcherLeavesAnExplicitSettingAndTheSystemOptOutAlone() throws Exception {
        // the launcher's malloc block, run by bash in three environments
        List<String> lines = Files.readAllLines(Path.of("fewgen"));
        int from = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("if [ -z \"${GLIBC_TUNABLES")) {
                from = i;
            }
        }
        assertThat(from).as("malloc block in the launcher").isNotNegative();
        String block = String.join("\n", lines.subList(from, from + 3)) + "\necho \"${GLIBC_TUNABLES:-}\"";

        assertThat(runBash(block, Map.of())).isEqualTo(NativeMalloc.RECOMMENDED);
        assertThat(runBash(block, Map.of("FEWGEN_MALLOC", "system"))).isEmpty();
        assertThat(runBash(block, Map.of("GLIBC_TUNABLES", "glibc.malloc.arena_max=2"))).isEqualTo("glibc.malloc.arena_max=2");
    }

    private static String runBash(String script, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
        pb.environment().remove("GLIBC_TUNABLES");
        pb.environment().remove("FEWGEN_MALLOC");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
