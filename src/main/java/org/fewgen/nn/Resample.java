package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
     * Nearest-neighbour ×2 upsampling, {@code (N, C, H, W) → (N, C, 2H, 2W)}. libtorch's
     * {@code upsample_nearest2d} as DJL reaches it allocates its output in an unusual layout and
     * copies it back element by element. Measured here on an (8, 256, 32, 32) map, forward and
     * backward: upsample 116 + 29 ms, a broadcast of each pixel over a 2×2 block 14 + 89 ms,
     * {@code repeat} along H and W 17 + 59 ms. So: the broadcast where no gradient is recorded
     * (the D phase's fakes, sampling), {@code repeat} where one is. All give identical values.
     */
    public static NDArray nearest2x(NDArray x) {
        if (JniUtils.isGradMode()) {
            return x.repeat(2, 2).repeat(3, 2);
        }
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        return x.reshape(n, c, h, 1, w, 1).broadcast(new Shape(n, c, h, 2, w, 2)).reshape(n, c, 2 * h, 2 * w);
    }

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
        float[] frac = new float[out];
        float scale = scale(in, out, alignCorners);
        for (int i = 0; i < out; i++) {
            float src = sourceIndex(i, scale, alignCorners);
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
        NDArray f = Tensors.fromHost(m, frac, alongShape, x.getDevice()).toType(x.getDataType(), false);
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

    /** The {@code (out, in)} matrix of 1-D linear interpolation weights. */
    private static NDArray interpolationMatrix(NDArray like, int in, int out, boolean alignCorners) {
        float[] a = new float[out * in];
        float scale = scale(in, out, alignCorners);
        for (int i = 0; i < out; i++) {
            float src = sourceIndex(i, scale, alignCorners);
            int i0 = Math.min((int) src, in - 1);
            int i1 = Math.min(i0 + 1, in - 1);
            float frac = src - i0;
            a[i * in + i0] += 1 - frac;
            a[i * in + i1] += frac;
        }
        return Tensors.fromHost(like.getManager(), a, new Shape(out, in), like.getDevice())
                .toType(like.getDataType(), false);
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
