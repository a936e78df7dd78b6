package org.fewgen.util;

import ai.djl.Device;

import java.util.Locale;

/**
 * How glibc's malloc, which libtorch's CPU allocator calls, is set for this process.
 *
 * <p>With glibc's defaults every tensor above 32 MiB is a fresh {@code mmap} that is unmapped when
 * the tensor is freed, and threads other than the process's first allocate from arenas that map
 * anything large. A training step frees and reallocates gigabytes of activations, so each step
 * page-faults them all in again: on the 2-core VM of docs/benchmarks.md, 10 million minor faults
 * in six 256²/b4 steps and a third of the process's CPU time in the kernel. {@link #RECOMMENDED}
 * keeps one arena, never maps, and returns memory to the system only above 256 MiB of free space
 * at the top of the heap: the same step then took 2811–3318 ms instead of 5277–6151 ms, at the price of a higher peak
 * resident set (the heap cannot hand back holes below its top).
 *
 * <p>glibc reads {@code GLIBC_TUNABLES} only when a process starts, so the {@code fewgen}
 * launcher and the test runner set it; a program that embeds fewgen sets it for its own JVM.
 */
public final class NativeMalloc {

    /** The {@code GLIBC_TUNABLES} value the launcher exports; the launcher's copy must equal it. */
    public static final String RECOMMENDED =
            "glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=268435456";

    private NativeMalloc() {
    }

    /** {@code GLIBC_TUNABLES} of this process, or {@code "glibc defaults"} when unset. */
    public static String describe() {
        String t = System.getenv("GLIBC_TUNABLES");
        return t == null || t.isBlank() ? "glibc defaults" : "GLIBC_TUNABLES=" + t;
    }

    /**
     * A one-line hint when tensors live on the CPU of a Linux process whose malloc runs with glibc's
     * defaults, else null: a CPU user who started the JVM without the launcher loses a large part
     * of each step to page faults (on a GPU the CUDA caching allocator holds the tensors).
     */
    public static String hint(Device device) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String t = System.getenv("GLIBC_TUNABLES");
        if (device.isGpu() || !os.contains("linux") || (t != null && !t.isBlank())) {
            return null;
        }
        return "note: malloc runs with glibc's defaults, which page-fault every large tensor in again each step; "
                + "start the JVM with GLIBC_TUNABLES=" + RECOMMENDED + " (the fewgen launcher does) for faster CPU steps";
    }
}
