package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
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

    // libtorch interpolation modes as DJL's native code numbers them
    private static final int NEAREST = 0;

    private Resample() {
    }

    /** Nearest-neighbour ×2 upsampling, {@code (N, C, H, W) → (N, C, 2H, 2W)}. */
    public static NDArray nearest2x(NDArray x) {
        Shape s = x.getShape();
        return JniUtils.interpolate(Tensors.pt(x), new long[] {s.get(2) * 2, s.get(3) * 2}, NEAREST, false);
    }

    /**
     * Bilinear resize to {@code (h, w)} with PyTorch's {@code align_corners} meaning (no
     * anti-aliasing, as {@code F.interpolate}'s default).
     */
    public static NDArray bilinear(NDArray x, long h, long w, boolean alignCorners) {
        Shape s = x.getShape();
        int inH = Math.toIntExact(s.get(2));
        int inW = Math.toIntExact(s.get(3));
        NDArray rows = interpolationMatrix(x, inH, Math.toIntExact(h), alignCorners); // (h, inH)
        NDArray cols = interpolationMatrix(x, inW, Math.toIntExact(w), alignCorners).transpose(); // (inW, w)
        return rows.matMul(x.matMul(cols));
    }

    /** The {@code (out, in)} matrix of 1-D linear interpolation weights. */
    private static NDArray interpolationMatrix(NDArray like, int in, int out, boolean alignCorners) {
        float[] a = new float[out * in];
        float scale = alignCorners ? (out > 1 ? (float) (in - 1) / (out - 1) : 0f) : (float) in / out;
        for (int i = 0; i < out; i++) {
            float src = alignCorners ? i * scale : Math.max((i + 0.5f) * scale - 0.5f, 0f);
            int i0 = Math.min((int) src, in - 1);
            int i1 = Math.min(i0 + 1, in - 1);
            float frac = src - i0;
            a[i * in + i0] += 1 - frac;
            a[i * in + i1] += frac;
        }
        return like.getManager().create(a, new Shape(out, in)).toDevice(like.getDevice(), false)
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
