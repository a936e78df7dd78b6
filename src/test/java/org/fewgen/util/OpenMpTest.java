package org.fewgen.util;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OpenMpTest {

    @Test
    void cpuRunsWithoutAWaitPolicyGetANoteAndTheLauncherSetsPassiveUnlessOverridden() throws Exception {
        assertThat(OpenMp.hint(Device.cpu(), Map.of())).contains("OMP_WAIT_POLICY=PASSIVE");
        assertThat(OpenMp.hint(Device.cpu(), Map.of("OMP_WAIT_POLICY", "ACTIVE"))).isNull();
        assertThat(OpenMp.hint(Device.cpu(), Map.of("FEWGEN_OMP", "default"))).isNull();
        // the test JVM runs as the launcher runs fewgen
        assertThat(System.getenv("OMP_WAIT_POLICY")).isEqualTo("PASSIVE");
        String launcher = Files.readString(Path.of("fewgen"));
        assertThat(launcher).contains("export OMP_WAIT_POLICY=\"${OMP_WAIT_POLICY:-PASSIVE}\"");
    }
}
