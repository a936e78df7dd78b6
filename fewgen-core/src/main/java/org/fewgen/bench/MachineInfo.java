package org.fewgen.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;
import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
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
public record MachineInfo(String date, String commandLine, String cpuModel, int cores, int torchIntraOpThreads,
                          int torchInterOpThreads, String device, String gpu, String engine, String java,
                          String malloc) {

    /** The components by their snake-case names, in their order: the machine block's keys. */
    private static final Gson JSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create();
    /** The CPU flags benchmarks report: those that decide which fp32/bf16 kernels libtorch can use. */
    private static final String[] REPORTED_FLAGS = {"avx512f", "avx512_bf16", "amx_bf16", "amx_tile", "avx512_fp16"};

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
        return new MachineInfo(Instant.now().toString(), commandLine, readCpuModel(),
                Runtime.getRuntime().availableProcessors(), JniUtils.getNumThreads(), JniUtils.getNumInteropThreads(),
                device.toString(), gpu, "DJL " + Engine.getDjlVersion() + ", PyTorch " + Engine.getEngine("PyTorch").getVersion(),
                System.getProperty("java.version"), NativeMalloc.describe());
    }

    /** The machine block of a benchmark's JSON and its run folder's config.json: the components, then the CPU flags. */
    public JsonObject toJson() {
        JsonObject m = JSON.toJsonTree(this).getAsJsonObject();
        m.addProperty("cpu_flags", cpuFlags());
        return m;
    }

    /** Which of {@link #REPORTED_FLAGS} this CPU has, space-separated. */
    public static String cpuFlags() {
        return cpuFlags(REPORTED_FLAGS);
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
