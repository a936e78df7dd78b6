package org.fewgen.train;

import ai.djl.Device;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryStatsTest {

    @Test
    void readsTheResidentSetInBytesAndMiBAndItsPeak() {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "Linux only");
        MemoryStats cpu = new MemoryStats(Device.cpu());
        long now = cpu.currentBytes();
        // a JVM with DJL loaded holds tens of MiB at least; kB lines must come back as bytes
        assertThat(now).isGreaterThan(20L << 20);
        assertThat(MemoryStats.rssMiB()).isBetween(now / 1048576.0 * 0.5, now / 1048576.0 * 2);
        assertThat(cpu.peakBytes()).isGreaterThanOrEqualTo(now / 2);
        assertThat(MemoryStats.peakRssMiB()).isGreaterThanOrEqualTo(MemoryStats.rssMiB() * 0.5);
        assertThat(MemoryStats.procStatusBytes("NoSuchKey:")).isEqualTo(-1);
        assertThat(MemoryStats.deviceMiB(Device.cpu())).isEqualTo(-1);
    }
}
