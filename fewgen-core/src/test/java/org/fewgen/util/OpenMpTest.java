package org.fewgen.util;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OpenMpTest {

    @Test
    void cpuRunsWithoutASpinLimitGetANoteAndTheTestsRunAsTheLauncher() throws Exception {
        assertThat(OpenMp.hint(Device.cpu(), Map.of())).contains("GOMP_SPINCOUNT=" + OpenMp.SPIN_COUNT);
        assertThat(OpenMp.hint(Device.cpu(), Map.of("OMP_WAIT_POLICY", "ACTIVE"))).isNull();
        assertThat(OpenMp.hint(Device.cpu(), Map.of("GOMP_SPINCOUNT", "100"))).isNull();
        assertThat(OpenMp.hint(Device.cpu(), Map.of("FEWGEN_OMP", "default"))).isNull();
        // the test JVM runs as the launcher runs fewgen
        assertThat(System.getenv("GOMP_SPINCOUNT")).isEqualTo(OpenMp.SPIN_COUNT);
    }

    private static String launch(Path dir, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", dir.resolve("fewgen").toString()).redirectErrorStream(true);
        pb.environment().remove("OMP_WAIT_POLICY");
        pb.environment().remove("GOMP_SPINCOUNT");
        pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void theLauncherLimitsTheSpinUnlessTheUserChoseAPolicy(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Files.copy(Path.of("fewgen"), dir.resolve("fewgen"));
        Files.createDirectories(dir.resolve("fewgen-core/src/main"));
        Files.writeString(dir.resolve("pom.xml"), "");
        Path jar = Files.createDirectories(dir.resolve("fewgen-cli/target")).resolve("fewgen.jar");
        Files.writeString(jar, "");
        // newer than the sources, so the launcher does not build
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        Path java = Files.createDirectories(dir.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"policy=$OMP_WAIT_POLICY spin=$GOMP_SPINCOUNT\"\n");
        java.toFile().setExecutable(true);
        assertThat(launch(dir, Map.of())).isEqualTo("policy= spin=" + OpenMp.SPIN_COUNT);
        assertThat(launch(dir, Map.of("OMP_WAIT_POLICY", "PASSIVE"))).isEqualTo("policy=PASSIVE spin=");
        assertThat(launch(dir, Map.of("GOMP_SPINCOUNT", "100"))).isEqualTo("policy= spin=100");
        assertThat(launch(dir, Map.of("FEWGEN_OMP", "default"))).isEqualTo("policy= spin=");
    }
}
