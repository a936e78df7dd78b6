package org.fewgen.util;

import ai.djl.Device;

import java.util.Map;

/**
 * libtorch's CPU threads (GNU OpenMP) spin-wait for each other by default. On a machine whose
 * cores are shared with other work that made a step up to 25x slower, because the spinning
 * threads wait for a descheduled one; {@code OMP_WAIT_POLICY=PASSIVE} makes them sleep. OpenMP
 * reads it only when the native library loads, so it must be in the environment at JVM start:
 * the launcher and the test configuration set it.
 */
public final class OpenMp {

    private OpenMp() {
    }

    /** A one-line note when CPU training runs with OpenMP's spinning default, else null. */
    public static String hint(Device device) {
        return hint(device, System.getenv());
    }

    static String hint(Device device, Map<String, String> env) {
        if (device.isGpu() || env.containsKey("OMP_WAIT_POLICY") || "default".equals(env.get("FEWGEN_OMP"))) {
            return null;
        }
        return "note: OMP_WAIT_POLICY is not set, so libtorch's threads spin while they wait and slow down badly when"
                + " other programs use the cores; start the JVM with OMP_WAIT_POLICY=PASSIVE (the fewgen launcher does)";
    }
}
