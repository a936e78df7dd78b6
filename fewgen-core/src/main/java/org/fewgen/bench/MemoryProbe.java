package org.fewgen.bench;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;

import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads memory in use: the process's resident set on the CPU (from {@code /proc/self/status}),
 * device memory in use on a GPU. On Linux the resident high-water mark can be reset (writing 5
 * to {@code /proc/self/clear_refs}), which lets one process measure the peak of several
 * configurations one after the other.
 */
public final class MemoryProbe {

    private static final Pattern HWM = Pattern.compile("VmHWM:\\s+(\\d+) kB");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private final Device device;
    private long gpuPeak;

    public MemoryProbe(Device device) {
        this.device = device;
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
            MemoryUsage u = CudaUtils.getGpuMemory(device);
            return u.getUsed();
        }
        return readProc(RSS);
    }

    /** The peak since {@link #resetPeak()}, in bytes (GPU: the largest sampled value). */
    public long peakBytes() {
        if (device.isGpu()) {
            return Math.max(gpuPeak, currentBytes());
        }
        return readProc(HWM);
    }

    /** Whether the peak can be measured per configuration on this system. */
    public boolean peakIsResettable() {
        return device.isGpu() || Files.isWritable(Path.of("/proc/self/clear_refs"));
    }

    private static long readProc(Pattern p) {
        try {
            Matcher m = p.matcher(Files.readString(Path.of("/proc/self/status")));
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Resident set size of this process in bytes, or −1 where unknown (for training logs). */
    public static long residentBytes() {
        return readProc(RSS);
    }
}
