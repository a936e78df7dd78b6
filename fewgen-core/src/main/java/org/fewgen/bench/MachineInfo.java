package org.fewgen.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;
import org.fewgen.util.NativeMalloc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

/**
 * Where a benchmark ran: CPU model, cores, libtorch's thread counts, device, versions, malloc's
 * settings (on a CPU they change step times by up to 2×), date and the command line, so that
 * numbers can be compared only with numbers from the same setting.
 */
public record MachineInfo(String cpuModel, int cores, int torchIntraOpThreads, int torchInterOpThreads,
                          String device, String gpu, String engine, String java, String malloc, String date,
                          String commandLine) {

    public static MachineInfo describe(Device device, String commandLine) {
        String gpu = "";
        if (device.isGpu()) {
            try {
                gpu = "CUDA " + CudaUtils.getCudaVersionString() + ", compute capability "
                        + CudaUtils.getComputeCapability(device.getDeviceId());
            } catch (RuntimeException e) {
                gpu = "CUDA (details unavailable: " + e.getMessage() + ")";
            }
        }
        return new MachineInfo(readCpuModel(), Runtime.getRuntime().availableProcessors(), JniUtils.getNumThreads(),
                JniUtils.getNumInteropThreads(), device.toString(), gpu,
                "DJL " + Engine.getDjlVersion() + ", PyTorch " + Engine.getEngine("PyTorch").getVersion(),
                System.getProperty("java.version"), NativeMalloc.describe(), Instant.now().toString(), commandLine);
    }

    /**
     * Which of {@code wanted} the first {@code flags} line of {@code /proc/cpuinfo} lists, in the
     * given order, space-separated ("" where there is no such file).
     */
    public static String cpuFlags(String... wanted) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    Set<String> have = Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                    StringBuilder sb = new StringBuilder();
                    for (String w : wanted) {
                        if (have.contains(w)) {
                            sb.append(sb.length() == 0 ? "" : " ").append(w);
                        }
                    }
                    return sb.toString();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "";
    }

    /** The first {@code model name} line of {@code /proc/cpuinfo}, or the JVM's architecture. */
    static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
