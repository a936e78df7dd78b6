package org.fewgen.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Mixed precision for the thread that runs a forward pass, in the manner of PyTorch's autocast:
 * while a {@link Scope} of {@link Precision#BF16} is open, convolutions and matrix products
 * ({@link Conv2d}, {@link Linear}, the transposed convolution's matrix product, Inception's
 * convolutions) cast their inputs and weights to bfloat16, compute in bfloat16 (AVX512-BF16/AMX
 * on a CPU that has them) and cast their output back to float32. Everything else (batch norm and
 * its statistics, spectral norm's power iteration, activations, resizing, augmentation, losses,
 * reductions) stays float32, and so do weights, gradients and optimizer state: casts are
 * autograd operations, so each weight's gradient comes back through the cast as float32.
 *
 * <p>Unlike autocast, activations between layers stay float32: DJL 0.35.1 has no bfloat16 type
 * (a bf16 tensor reads as {@code UNKNOWN} in Java and {@code toType(BFLOAT16)} aborts the JVM), so
 * no bf16 tensor leaves this class's callers. One exception: Inception v3, which is never trained,
 * keeps its activations in bf16 from its second convolution to its pooled output, as autocast
 * would (a bf16 tensor can pass through native ops; only Java-side type checks reject it). The casts themselves run in two one-line TorchScript
 * modules ({@code to_bf16.pt}, {@code to_fp32.pt}, written by {@code tools/make_cast_modules.py}),
 * because DJL's {@code toType} runs without autograd and would cut the gradient.
 *
 * <p>The precision is per thread, as libtorch's grad mode: a forward and its backward run on one
 * thread. Outside any scope it is {@link Precision#FP32}, so code that never opens one is
 * unchanged.
 */
public final class Autocast {

    private static final ThreadLocal<Precision> CURRENT = ThreadLocal.withInitial(() -> Precision.FP32);

    /**
     * Whether depthwise convolutions (groups = input channels) compute in bf16 too. They do little
     * arithmetic per byte, so the casts around them can cost more than bf16 saves (reasoned, not
     * measured on its own; flip it to measure).
     */
    static final boolean DEPTHWISE_IN_BF16 = false;

    private Autocast() {
    }

    /** Restores the previous precision of this thread when closed. */
    public static final class Scope implements AutoCloseable {
        private final Precision previous;

        private Scope(Precision previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            CURRENT.set(previous);
        }
    }

    /**
     * Sets this thread's compute precision until the returned scope closes.
     *
     * @param precision {@link Precision#FP32} or {@link Precision#BF16} (resolve {@code auto} first)
     */
    public static Scope enter(Precision precision) {
        if (precision == Precision.AUTO) {
            throw new IllegalArgumentException("resolve precision auto before entering it");
        }
        Precision previous = CURRENT.get();
        CURRENT.set(precision);
        return new Scope(previous);
    }

    /** This thread's compute precision: {@link Precision#FP32} unless a scope is open. */
    public static Precision current() {
        return CURRENT.get();
    }

    /** Whether a matrix product or dense convolution runs in bf16 now. */
    public static boolean lowers() {
        return CURRENT.get() == Precision.BF16;
    }

    /**
     * Fewest input channels (per group) and output channels for which a convolution or matrix
     * product computes in bf16. AMX multiplies tiles of 16 rows by 32 bf16 values; below that,
     * oneDNN's bf16 kernels are slower than fp32 ones and the casts come on top: on this project's
     * 2-core Xeon the backward of G's last 3x3 convolution (256 to 3 channels) took 10x as long in
     * bf16 as in fp32, and so did the discriminator heads' final 512-to-1 convolution
     * (docs/benchmarks.md).
     */
    static final long MIN_CHANNELS = 16;

    /**
     * Whether a convolution with {@code groups} groups, {@code inChannels} input and
     * {@code outChannels} output channels runs in bf16 now: under {@link Precision#BF16}, with at
     * least {@link #MIN_CHANNELS} on both sides (per group), depthwise ones only if
     * {@link #DEPTHWISE_IN_BF16}.
     */
    public static boolean lowersConv(int groups, long inChannels, long outChannels) {
        if (!lowers()) {
            return false;
        }
        if (inChannels / groups < MIN_CHANNELS || outChannels < MIN_CHANNELS) {
            return false;
        }
        return DEPTHWISE_IN_BF16 || groups == 1 || groups != inChannels;
    }

    /** Whether a matrix product {@code (·, in) x (in, out)} runs in bf16 now (both at least {@link #MIN_CHANNELS}). */
    public static boolean lowersMatmul(long in, long out) {
        return lowers() && in >= MIN_CHANNELS && out >= MIN_CHANNELS;
    }

    /** A bf16 copy of the float32 {@code x} that passes gradients back as float32 (null stays null). */
    public static NDArray lower(NDArray x) {
        if (x == null) {
            return null;
        }
        return Casts.TO_BF16.run(x);
    }

    /** A float32 copy of the bf16 {@code x} (an op's result under {@link #lower}); passes gradients back. */
    public static NDArray raise(NDArray x) {
        return Casts.TO_FP32.run(x);
    }

    /**
     * {@code x} as float32 when it is a reduced-precision float (bf16 reads as {@code UNKNOWN} in
     * DJL), itself otherwise (float32 and float64 stay): a network output before losses.
     */
    public static NDArray toFloat32(NDArray x) {
        if (x == null) {
            return null;
        }
        return isReduced(x) ? raise(x) : x;
    }

    /** Whether {@code x} is a reduced-precision float: bf16 (which reads as {@code UNKNOWN} in DJL) or fp16. */
    public static boolean isReduced(NDArray x) {
        DataType t = x.getDataType();
        return t == DataType.UNKNOWN || t == DataType.BFLOAT16 || t == DataType.FLOAT16;
    }

    /** The two cast modules, loaded once on first use. */
    private enum Casts {
        TO_BF16("to_bf16.pt"),
        TO_FP32("to_fp32.pt");

        private final String resource;
        private volatile PtSymbolBlock module;

        Casts(String resource) {
            this.resource = resource;
        }

        NDArray run(NDArray x) {
            // IValueUtils reads structure from array names (dots, brackets): pass an unnamed view
            NDArray in = x.getName() == null ? x : x.reshape(x.getShape());
            NDList out = IValueUtils.forward(module(), new NDList(in), true);
            return out.singletonOrThrow();
        }

        private PtSymbolBlock module() {
            PtSymbolBlock m = module;
            if (m == null) {
                synchronized (this) {
                    m = module;
                    if (m == null) {
                        m = load();
                        module = m;
                    }
                }
            }
            return m;
        }

        private PtSymbolBlock load() {
            // the module has no tensors: one CPU manager serves every device; it lives as long as the JVM
            NDManager owner = NDManager.newBaseManager(Device.cpu());
            try (InputStream in = Autocast.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource org/fewgen/nn/" + resource);
                }
                return JniUtils.loadModule((PtNDManager) owner, in, false, false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load org/fewgen/nn/" + resource, e);
            }
        }
    }
}
