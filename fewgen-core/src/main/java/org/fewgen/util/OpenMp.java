package org.fewgen.util;

import ai.djl.Device;

import java.util.Map;

/**
 * libtorch's CPU threads (GNU OpenMP) spin-wait for each other by default. On a machine whose
 * cores are shared with other work that made a step 8–25x slower, because the spinning threads
 * wait for a descheduled one. A bounded spin ({@code GOMP_SPINCOUNT}, then sleep) keeps a busy
 * machine's step under 2.5x the quiet one at a small cost when quiet; {@code OMP_WAIT_POLICY=PASSIVE}
 * (no spin at all) costs a third of the quiet speed (measured: docs/benchmarks.md). libgomp reads
 * these only when the native library loads, so they must be in the environment at JVM start: the
 * launcher and the test configuration set them.
 */
public final class OpenMp {

    /** The launcher's {@code GOMP_SPINCOUNT} (the {@code fewgen} script holds the same number). */
    public static final String SPIN_COUNT = "6000";

    private OpenMp() {
    }

    /** A one-line note when CPU training runs with OpenMP's spinning default, else null. */
    public static String hint(Device device) {
        return hint(device, System.getenv());
    }

    static String hint(Device device, Map<String, String> env) {
        if (device.isGpu() || env.containsKey("OMP_WAIT_POLICY") || env.containsKey("GOMP_SPINCOUNT")
                || "default".equals(env.get("FEWGEN_OMP"))) {
            return null;
        }
        return "note: neither GOMP_SPINCOUNT nor OMP_WAIT_POLICY is set, so libtorch's threads spin while they wait"
                + " and slow down badly when other programs use the cores; start the JVM with GOMP_SPINCOUNT="
                + SPIN_COUNT + " (the fewgen launcher does)";
    }
}
