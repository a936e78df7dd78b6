package org.fewgen.metrics;

import org.fewgen.nn.Resample;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.fewgen.nn.Tensors;

/**
 * Turns a batch of images into what an Inception v3 variant expects: float32, (N, 3, 299, 299),
 * on the network's device, in the variant's value range.
 *
 * <p>Accepted inputs, (N, 3, H, W) on any device: {@code uint8} in [0, 255] (data sets), or a
 * float type in [-1, 1] (generator output; values outside are clamped, as when saving images).
 * Both are first mapped to [0, 1], resized with bilinear interpolation (no antialiasing, as
 * {@code torch.nn.functional.interpolate} does in pytorch-fid), then mapped to the variant's range.
 */
public final class InceptionInput {

    /** Side length of Inception v3's input. */
    public static final int SIZE = 299;

    /** The value range the first convolution was trained on. */
    public enum Range {
        /** {@code 2x - 1}: the TF Inception graph of FID and the timm/torchvision ImageNet weights. */
        MINUS_ONE_TO_ONE,
        /** {@code x}: the nsfwjs fine-tuned network (its head and upper blocks were trained on [0, 1]). */
        ZERO_TO_ONE
    }

    private InceptionInput() {
    }

    /**
     * @param images (N, 3, H, W) uint8 in [0, 255] or float in [-1, 1]
     * @param device where the network runs
     * @param range the variant's input range
     * @param alignCorners bilinear sampling convention: false for pytorch-fid, true for tfjs/nsfwjs
     * @return (N, 3, 299, 299) float32 on {@code device}, in the manager of {@code images}' copy on that device
     */
    public static NDArray prepare(NDArray images, Device device, Range range, boolean alignCorners) {
        return prepare(images, device, range, alignCorners, SIZE);
    }

    /** As {@link #prepare(NDArray, Device, Range, boolean)} for a network whose input side is {@code size}. */
    public static NDArray prepare(NDArray images, Device device, Range range, boolean alignCorners, int size) {
        var shape = images.getShape();
        if (shape.dimension() != 4 || shape.get(1) != 3) {
            throw new IllegalArgumentException("images must be (N, 3, H, W) RGB, got " + shape);
        }
        NDArray x = images.toDevice(device, false);
        NDArray unit;
        if (x.getDataType() == DataType.UINT8) {
            unit = x.toType(DataType.FLOAT32, false).div(255f);
        } else if (x.getDataType().isFloating()) {
            unit = x.toType(DataType.FLOAT32, false).clip(-1f, 1f).add(1f).mul(0.5f);
        } else {
            throw new IllegalArgumentException("images must be uint8 [0,255] or float [-1,1], got " + x.getDataType());
        }
        NDArray sized = unit;
        if (shape.get(2) != size || shape.get(3) != size) {
            // fewgen's own bilinear resize: DJL's native interpolate always anti-aliases, which
            // pytorch-fid (F.interpolate, bilinear, align_corners=False) does not
            sized = Resample.bilinear(unit, size, size, alignCorners);
        }
        return range == Range.MINUS_ONE_TO_ONE ? sized.mul(2f).sub(1f) : sized;
    }
}
