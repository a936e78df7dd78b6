package org.fewgen.train;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process and device memory, in MiB, for metrics lines. */
public final class MemoryStats {

    private MemoryStats() {
    }

    /** Resident set size now ({@code VmRSS}), or -1 where /proc is unavailable. */
    public static double rssMiB() {
        return procStatus("VmRSS:");
    }

    /** Peak resident set size of the process ({@code VmHWM}), or -1. */
    public static double peakRssMiB() {
        return procStatus("VmHWM:");
    }

    private static double procStatus(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: memory is simply not reported
        }
        return -1;
    }

    /** Memory in use on a GPU (whole device, as the driver reports it), or -1 for the CPU. */
    public static double deviceMiB(Device device) {
        if (device == null || !device.isGpu()) {
            return -1;
        }
        try {
            return CudaUtils.getGpuMemory(device).getUsed() / (1024.0 * 1024.0);
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
