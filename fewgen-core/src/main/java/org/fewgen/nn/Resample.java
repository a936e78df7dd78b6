package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Resizing and pooling of {@code (N, C, H, W)} maps.
 *
 * <p>Bilinear resizing does not use libtorch's {@code interpolate} through DJL: DJL's native
 * bridge switches anti-aliasing on for every bilinear call, which changes downsampling and gives
 * wrong values with {@code align_corners=true}; and {@code NDArrayEx.interpolation} ignores
 * {@code alignCorners}. A bilinear resize is separable and linear, so it is computed as two small
 * matrix products with interpolation matrices built from PyTorch's source-index rules
 * ({@code F.interpolate(mode='bilinear', antialias=False)}), which also gives its gradient.
 */
public final class Resample {

    private Resample() {
    }

    /**
     * Nearest-neighbour ×2 upsampling, {@code (N, C, H, W) → (N, C, 2H, 2W)}, by whichever of two
     * exact forms is faster for the map's size. Forward + backward of {@code sum(up(x)·g)} on this
     * machine (2026-11-26, best of 5, with fewgen's malloc settings):
     *
     * <pre>
     * map                 upsample_nearest2d   repeat along H and W   W by matrix, H by broadcast
     * (16, 256, 32, 32)   104 ms               141 ms                  45 ms
     * (16, 128, 64, 64)    86 ms               267 ms                  90 ms
     * (4, 64, 128, 128)    49 ms               133 ms                  62 ms
     * </pre>
     *
     * libtorch's kernel, as DJL reaches it, writes its output through a slow copy on maps up to
     * 32²; {@code repeat}'s backward sums over a size-2 innermost axis, which libtorch does slowly.
     * Below 64² the W axis is therefore doubled by a product with a constant 0/1 matrix
     * {@code (W, 2W)} (each output is one input times 1 plus zeros, so values are exact; its
     * backward is one matrix product) and the H axis by a broadcast, whose backward sums two
     * contiguous rows. The choice depends on the shape only, so a run is reproducible.
     */
    public static NDArray nearest2x(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        if (h < NEAREST_KERNEL_FROM || w < NEAREST_KERNEL_FROM) {
            NDArray wide = x.matMul(doublingMatrix(x, Math.toIntExact(w)));
            return wide.reshape(n, c, h, 1, 2 * w).broadcast(new Shape(n, c, h, 2, 2 * w)).reshape(n, c, 2 * h, 2 * w);
        }
        return JniUtils.interpolate(Tensors.pt(x), new long[] {h * 2, w * 2}, NEAREST, false);
    }

    /** {@code (w, 2w)} with ones at {@code (i, 2i)} and {@code (i, 2i + 1)}, in x's type and device. */
    private static NDArray doublingMatrix(NDArray x, int w) {
        float[] e = new float[w * 2 * w];
        for (int i = 0; i < w; i++) {
            e[i * 2 * w + 2 * i] = 1;
            e[i * 2 * w + 2 * i + 1] = 1;
        }
        NDArray m = Tensors.fromHost(x.getManager(), e, new Shape(w, 2L * w), x.getDevice());
        return x.getDataType() == m.getDataType() ? m : m.toType(x.getDataType(), false);
    }

    /** Map side from which {@link #nearest2x} uses libtorch's upsampling kernel. */
    static final int NEAREST_KERNEL_FROM = 64;
    // libtorch interpolation modes as DJL's native code numbers them
    private static final int NEAREST = 0;

    /**
     * Bilinear resize to {@code (h, w)} with PyTorch's {@code align_corners} meaning (no
     * anti-aliasing, as {@code F.interpolate}'s default).
     */
    public static NDArray bilinear(NDArray x, long h, long w, boolean alignCorners) {
        NDArray rows = resizeAxis(x, 2, Math.toIntExact(h), alignCorners);
        return resizeAxis(rows, 3, Math.toIntExact(w), alignCorners);
    }

    /**
     * Input sizes from which an axis is resized by gathering its two neighbours and blending them,
     * rather than by a matrix product: the product costs one multiply-add per input pixel for
     * every output pixel, which only pays off (dense, well-vectorised) on small maps.
     */
    static final int GATHER_FROM_SIZE = 256;

    private static NDArray resizeAxis(NDArray x, int axis, int out, boolean alignCorners) {
        int in = Math.toIntExact(x.getShape().get(axis));
        if (in == out) { // the identity in both modes
            return x;
        }
        return in >= GATHER_FROM_SIZE ? lerpAlong(x, axis, out, alignCorners)
                : matrixAlong(x, axis, out, alignCorners);
    }

    private static NDArray matrixAlong(NDArray x, int axis, int out, boolean alignCorners) {
        int in = Math.toIntExact(x.getShape().get(axis));
        NDArray a = interpolationMatrix(x, in, out, alignCorners); // (out, in)
        return axis == 3 ? x.matMul(a.transpose()) : a.matMul(x);
    }

    static NDArray lerpAlong(NDArray x, int axis, int out, boolean alignCorners) {
        Shape s = x.getShape();
        int in = Math.toIntExact(s.get(axis));
        long[] lo = new long[out];
        long[] hi = new long[out];
        double[] frac = new double[out];
        boolean exact = x.getDataType() == DataType.FLOAT64;
        for (int i = 0; i < out; i++) {
            double src = sourceIndex(i, in, out, alignCorners, exact);
            lo[i] = Math.min((int) src, in - 1);
            hi[i] = Math.min(lo[i] + 1, in - 1);
            frac[i] = src - lo[i];
        }
        long[] dims = s.getShape().clone();
        dims[axis] = out;
        Shape target = new Shape(dims);
        long[] along = {1, 1, 1, 1};
        along[axis] = out;
        Shape alongShape = new Shape(along);
        NDManager m = x.getManager();
        NDArray loIdx = Tensors.fromHost(m, lo, alongShape, x.getDevice()).broadcast(target);
        NDArray hiIdx = Tensors.fromHost(m, hi, alongShape, x.getDevice()).broadcast(target);
        NDArray f = weights(m, frac, alongShape, x);
        NDArray low = x.gather(loIdx, axis);
        // in place on fresh gather results: neither is needed again by autograd
        return x.gather(hiIdx, axis).subi(low).muli(f).addi(low);
    }

    private static float scale(int in, int out, boolean alignCorners) {
        return alignCorners ? (out > 1 ? (float) (in - 1) / (out - 1) : 0f) : (float) in / out;
    }

    private static float sourceIndex(int i, float scale, boolean alignCorners) {
        return alignCorners ? i * scale : Math.max((i + 0.5f) * scale - 0.5f, 0f);
    }

    /**
     * The source position of output {@code i}. libtorch computes it in the tensor's own precision:
     * float arithmetic for float32 (which these weights then match bit for bit) and double for
     * float64, where float's 3e-7 would be the largest difference from the reference's step
     * (bench/reference/step_parity.py compares a float64 step).
     */
    private static double sourceIndex(int i, int in, int out, boolean alignCorners, boolean exact) {
        if (!exact) {
            return sourceIndex(i, scale(in, out, alignCorners), alignCorners);
        }
        double scale = alignCorners ? (out > 1 ? (double) (in - 1) / (out - 1) : 0) : (double) in / out;
        return alignCorners ? i * scale : Math.max((i + 0.5) * scale - 0.5, 0);
    }

    /** Weights computed in double as a tensor of {@code like}'s type; for float32 rounded as float arithmetic rounds them. */
    private static NDArray weights(NDManager m, double[] w, Shape shape, NDArray like) {
        if (like.getDataType() == DataType.FLOAT64) {
            return Tensors.fromHost(m, w, shape, like.getDevice());
        }
        float[] f = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            f[i] = (float) w[i];
        }
        return Tensors.fromHost(m, f, shape, like.getDevice()).toType(like.getDataType(), false);
    }

    /** The {@code (out, in)} matrix of 1-D linear interpolation weights. */
    private static NDArray interpolationMatrix(NDArray like, int in, int out, boolean alignCorners) {
        boolean exact = like.getDataType() == DataType.FLOAT64;
        double[] a = new double[out * in];
        for (int i = 0; i < out; i++) {
            double src = sourceIndex(i, in, out, alignCorners, exact);
            int i0 = Math.min((int) src, in - 1);
            int i1 = Math.min(i0 + 1, in - 1);
            double frac = src - i0;
            // float arithmetic for float32, as before: (1 - frac) rounded to float, then the sum
            a[i * in + i0] = exact ? a[i * in + i0] + (1 - frac) : (float) a[i * in + i0] + (float) (1 - frac);
            a[i * in + i1] = exact ? a[i * in + i1] + frac : (float) a[i * in + i1] + (float) frac;
        }
        return weights(like.getManager(), a, new Shape(out, in), like);
    }

    /** Adaptive average pooling to {@code (size, size)}. */
    public static NDArray adaptiveAvgPool(NDArray x, int size) {
        return JniUtils.adaptiveAvgPool(Tensors.pt(x), new Shape(size, size));
    }

    /** Average pooling with a k×k window and stride k. */
    public static NDArray avgPool(NDArray x, int k) {
        return JniUtils.avgPool(Tensors.pt(x), new Shape(k, k), new Shape(k, k), new Shape(0, 0), false, true);
    }
}
