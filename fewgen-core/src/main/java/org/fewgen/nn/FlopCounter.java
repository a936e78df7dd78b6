package org.fewgen.nn;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Counts the floating-point operations of the convolutions and matrix products that go through
 * fewgen's layer entry points ({@link Conv2d#conv2d}, {@link Linear}, the 1×1-input path of
 * {@link SpectralConvTranspose2d}), for the benchmark's GFLOP/s figures. Two FLOPs per
 * multiply-add.
 *
 * <p>Backward is estimated from what autograd will compute when the loss is differentiated:
 * one more product of the forward's size for the input gradient when the input requires a
 * gradient, and one for the weight gradient when the weight does (this is what libtorch's
 * convolution and linear backward kernels do; bias gradients are a reduction and not counted).
 * This assumes every recorded op contributes to the loss, which holds for a GAN training step.
 *
 * <p>Counting is off by default; the hooks then cost one read of a volatile boolean. Counting
 * is meant for one untimed step on one thread: it reads autograd flags through JNI per call.
 */
public final class FlopCounter {

    private static volatile boolean enabled;
    private static long forwardFlops;
    private static long backwardFlops;
    private static long calls;

    private FlopCounter() {
    }

    /** What was counted between {@link #start()} and {@link #stop()}. */
    public record Totals(long forwardFlops, long backwardFlops, long calls) {
        public long totalFlops() {
            return forwardFlops + backwardFlops;
        }
    }

    public static boolean isEnabled() {
        return enabled;
    }

    /** Clears the totals and starts counting. */
    public static synchronized void start() {
        forwardFlops = 0;
        backwardFlops = 0;
        calls = 0;
        enabled = true;
    }

    /** Stops counting and returns the totals since {@link #start()}. */
    public static synchronized Totals stop() {
        enabled = false;
        return new Totals(forwardFlops, backwardFlops, calls);
    }

    /**
     * Records a convolution (plain, grouped or depthwise).
     *
     * @param input {@code (N, C_in, H, W)} as passed to the kernel
     * @param weight {@code (C_out, C_in/groups, k, k)}
     * @param output {@code (N, C_out, H', W')}
     */
    static void recordConv(NDArray input, NDArray weight, NDArray output) {
        long perOutput = weight.size() / weight.getShape().get(0);
        record(output.size() * perOutput, input, weight);
    }

    /**
     * Records a matrix product {@code (M, K) × (K, N)}: {@code output.size() · K} multiply-adds.
     *
     * @param inner the contracted length K
     */
    static void recordMatmul(NDArray input, NDArray weight, NDArray output, long inner) {
        record(output.size() * inner, input, weight);
    }

    private static synchronized void record(long multiplyAdds, NDArray input, NDArray weight) {
        if (!enabled) {
            return;
        }
        long fwd = 2 * multiplyAdds;
        forwardFlops += fwd;
        calls++;
        if (JniUtils.isGradMode()) {
            if (needsGradient(input)) {
                backwardFlops += fwd;
            }
            if (needsGradient(weight)) {
                backwardFlops += fwd;
            }
        }
    }

    /**
     * Whether autograd will compute a gradient for {@code x}: a leaf that requires one, or a
     * result recorded in the graph (it has a gradient function). DJL's {@code requiresGrad}
     * answers false for such results (e.g. a layer's output, or a spectrally normalised weight
     * {@code W/σ}), and asking a leaf for its gradient function crashes the JVM. libtorch refuses
     * to clear the flag of a non-leaf, with an exception, and clearing it on a leaf that does not
     * require a gradient changes nothing: that refusal is the safe test.
     */
    private static boolean needsGradient(NDArray x) {
        PtNDArray t = Tensors.pt(x);
        if (JniUtils.requiresGrad(t)) {
            return true;
        }
        try {
            JniUtils.attachGradient(t, false);
            return false;
        } catch (EngineException e) {
            return true;
        }
    }
}
