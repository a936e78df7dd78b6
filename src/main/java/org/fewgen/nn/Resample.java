package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Resizing and pooling of {@code (N, C, H, W)} maps through libtorch directly (DJL's
 * {@code NDArrayEx.interpolation} ignores {@code alignCorners}).
 */
public final class Resample {

    // libtorch interpolation modes as DJL's native code numbers them
    private static final int NEAREST = 0;
    private static final int BILINEAR = 2;

    private Resample() {
    }

    /** Nearest-neighbour ×2 upsampling, {@code (N, C, H, W) → (N, C, 2H, 2W)}. */
    public static NDArray nearest2x(NDArray x) {
        Shape s = x.getShape();
        return JniUtils.interpolate(Tensors.pt(x), new long[] {s.get(2) * 2, s.get(3) * 2}, NEAREST, false);
    }

    /** Bilinear resize to {@code (h, w)}, with PyTorch's {@code align_corners} meaning. */
    public static NDArray bilinear(NDArray x, long h, long w, boolean alignCorners) {
        return JniUtils.interpolate(Tensors.pt(x), new long[] {h, w}, BILINEAR, alignCorners);
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
