package org.fewgen.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.fewgen.nn.Autocast;
import org.fewgen.nn.Precision;
import org.fewgen.nn.Tensors;

/**
 * A practical peak for the "% of peak" column: the best throughput of one large, compute-bound
 * 3×3 convolution ({@code (8, 256, 64, 64)} input, 256 → 256 channels, padding 1), forward only.
 * It is what the machine's convolution kernels reach at their best, not a datasheet number.
 */
public final class PeakConvThroughput {

    static final int N = 8;
    static final int CHANNELS = 256;
    static final int SIDE = 64;
    static final int KERNEL = 3;

    private PeakConvThroughput() {
    }

    /** FLOPs of one such convolution: {@code 2·N·C_out·H·W·C_in·k²}. */
    public static long flopsPerConv() {
        return 2L * N * CHANNELS * SIDE * SIDE * CHANNELS * KERNEL * KERNEL;
    }

    /**
     * @param reps timed repetitions after one warm-up (the best one counts)
     * @return GFLOP/s of the fastest repetition
     */
    public static double measureGflops(Device device, int reps) {
        return measureGflops(device, reps, Precision.FP32);
    }

    /**
     * The same convolution with input and weight in {@code precision} (bf16: cast once before
     * timing, so only the bf16 convolution is timed).
     */
    public static double measureGflops(Device device, int reps, Precision precision) {
        try (NDManager m = NDManager.newBaseManager(device)) {
            return Tensors.noGrad(() -> {
                NDArray x32 = m.randomNormal(new Shape(N, CHANNELS, SIDE, SIDE));
                NDArray w32 = m.randomNormal(new Shape(CHANNELS, CHANNELS, KERNEL, KERNEL));
                boolean bf16 = precision == Precision.BF16;
                NDArray x = bf16 ? Autocast.lower(x32) : x32;
                NDArray w = bf16 ? Autocast.lower(w32) : w32;
                long best = Long.MAX_VALUE;
                for (int i = 0; i <= reps; i++) {
                    DeviceSync.sync(m);
                    long t0 = System.nanoTime();
                    NDArray y = JniUtils.convolution(Tensors.pt(x), Tensors.pt(w), null, new Shape(1, 1),
                            new Shape(1, 1), new Shape(1, 1), 1);
                    DeviceSync.sync(m);
                    long t = System.nanoTime() - t0;
                    y.close();
                    if (i > 0) {
                        best = Math.min(best, t);
                    }
                }
                return flopsPerConv() / (double) best;
            });
        }
    }
}
