package org.fewgen.train;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Process and device memory: the resident set on the CPU (from {@code /proc/self/status}) and
 * device memory in use on a GPU. The static readers give MiB for metrics lines; an instance
 * measures a peak. On Linux the resident high-water mark can be reset (writing 5 to
 * {@code /proc/self/clear_refs}), which lets one process measure the peak of several
 * configurations one after the other (benchmarks).
 */
public final class MemoryStats {

    private static final double MIB = 1024.0 * 1024.0;

    private final Device device;
    private long gpuPeak;

    public MemoryStats(Device device) {
        this.device = device;
    }

    /** Resident set size now ({@code VmRSS}), or -1 where /proc is unavailable. */
    public static double rssMiB() {
        long b = procStatusBytes("VmRSS:");
        return b < 0 ? -1 : b / MIB;
    }

    /** Peak resident set size of the process ({@code VmHWM}), or -1. */
    public static double peakRssMiB() {
        long b = procStatusBytes("VmHWM:");
        return b < 0 ? -1 : b / MIB;
    }

    /** Memory in use on a GPU (whole device, as the driver reports it), or -1 for the CPU. */
    public static double deviceMiB(Device device) {
        if (device == null || !device.isGpu()) {
            return -1;
        }
        try {
            return CudaUtils.getGpuMemory(device).getUsed() / MIB;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Starts a new peak measurement. */
    public void resetPeak() {
        gpuPeak = 0;
        if (device.isGpu()) {
            // libtorch keeps freed blocks cached; without this the driver would still report the
            // previous configuration's memory as in use
            JniUtils.emptyCudaCache();
        } else {
            try {
                Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            } catch (IOException | UnsupportedOperationException e) {
                // not Linux, or not permitted: the peak then covers the whole process
            }
        }
    }

    /** Call between steps on a GPU so the sampled peak sees every step. */
    public void sample() {
        if (device.isGpu()) {
            gpuPeak = Math.max(gpuPeak, currentBytes());
        }
    }

    /** Memory in use now: resident set (CPU) or device memory in use (GPU), in bytes. */
    public long currentBytes() {
        if (device.isGpu()) {
            return CudaUtils.getGpuMemory(device).getUsed();
        }
        return procStatusBytes("VmRSS:");
    }

    /** The peak since {@link #resetPeak()}, in bytes (GPU: the largest sampled value). */
    public long peakBytes() {
        if (device.isGpu()) {
            return Math.max(gpuPeak, currentBytes());
        }
        return procStatusBytes("VmHWM:");
    }

    /** Whether the peak can be measured per configuration on this system. */
    public boolean peakIsResettable() {
        return device.isGpu() || Files.isWritable(Path.of("/proc/self/clear_refs"));
    }

    /** A {@code kB} line of /proc/self/status in bytes, or -1 (not Linux: memory is simply not reported). */
    static long procStatusBytes(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }
}
