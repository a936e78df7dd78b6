package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * 2-D convolution, weight {@code (C_out, C_in/groups, kH, kW)}, optional bias {@code (C_out)}.
 * Input {@code (N, C_in, H, W)}, output {@code (N, C_out, H', W')}.
 *
 * <p>{@link Padding#SAME_TF} reproduces TensorFlow/Keras "same" padding, which pads the bottom
 * and right more than the top and left when the total is odd (at stride 2 on an even input: 0
 * before, 1 after). Pretrained Keras networks need it to give their original outputs.
 *
 * <p>Under {@link Autocast} bf16 the convolution computes in bf16 on casts of input, weight and
 * bias, and its output is cast back to float32.
 *
 * <p>Initialisation follows PyTorch's default: U(−1/√fan_in, 1/√fan_in) for weight and bias.
 */
public class Conv2d extends Module implements Layer {

    /** How the input is padded. */
    public enum Padding {
        /** {@code padding} zeros on every side, as PyTorch's {@code Conv2d(padding=p)}. */
        SYMMETRIC,
        /** TensorFlow "same": output = ceil(input / stride), extra zero row/column at bottom/right. */
        SAME_TF
    }

    private final NDArray weight;
    private final NDArray bias;
    private final int stride;
    private final int padding;
    private final int groups;
    private final Padding mode;
    private final int kernel;

    /**
     * @param manager owner of the tensors
     * @param in input channels
     * @param out output channels
     * @param kernel square kernel size
     * @param stride stride
     * @param padding symmetric padding (ignored with {@link Padding#SAME_TF})
     * @param groups channel groups (in for depthwise)
     * @param bias whether to add a bias
     * @param mode padding mode
     */
    public Conv2d(NDManager manager, int in, int out, int kernel, int stride, int padding, int groups, boolean bias,
                  Padding mode) {
        super(manager);
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("channels " + in + "->" + out + " not divisible by groups " + groups);
        }
        this.stride = stride;
        this.padding = padding;
        this.groups = groups;
        this.mode = mode;
        this.kernel = kernel;
        float bound = (float) (1.0 / Math.sqrt((double) in / groups * kernel * kernel));
        this.weight = addParameter("weight",
                manager.randomUniform(-bound, bound, new Shape(out, in / groups, kernel, kernel)));
        this.bias = bias ? addParameter("bias", manager.randomUniform(-bound, bound, new Shape(out))) : null;
    }

    /** A PyTorch-style convolution with symmetric padding. */
    public Conv2d(NDManager manager, int in, int out, int kernel, int stride, int padding, int groups, boolean bias) {
        this(manager, in, out, kernel, stride, padding, groups, bias, Padding.SYMMETRIC);
    }

    public NDArray getWeight() {
        return weight;
    }

    public NDArray getBias() {
        return bias;
    }

    @Override
    public NDArray forward(NDArray x) {
        return conv2d(x, weight, bias, stride, padding, groups, mode);
    }

    /**
     * Functional convolution with an explicit weight (e.g. a spectrally normalised one).
     *
     * @param x input {@code (N, C_in, H, W)}
     * @param weight {@code (C_out, C_in/groups, k, k)}
     * @param bias {@code (C_out)} or null
     */
    public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding, int groups,
                                 Padding mode) {
        NDArray input = x;
        int pad = padding;
        if (mode == Padding.SAME_TF) {
            long k = weight.getShape().get(2);
            long h = x.getShape().get(2);
            long w = x.getShape().get(3);
            long padH = samePadTotal(h, k, stride);
            long padW = samePadTotal(w, k, stride);
            if (padH % 2 == 0 && padW % 2 == 0 && padH == padW) {
                pad = (int) (padH / 2);
            } else {
                input = padTf(x, padH, padW);
                pad = 0;
            }
        }
        NDArray y;
        if (Autocast.lowersConv(groups, input.getShape().get(1), weight.getShape().get(0))) {
            NDArray b = Autocast.lower(bias);
            y = Autocast.raise(JniUtils.convolution(Tensors.pt(Autocast.lower(input)), Tensors.pt(Autocast.lower(weight)),
                    b == null ? null : Tensors.pt(b), new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1),
                    groups));
        } else {
            y = JniUtils.convolution(Tensors.pt(input), Tensors.pt(weight), bias == null ? null : Tensors.pt(bias),
                    new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), groups);
        }
        if (FlopCounter.isEnabled()) {
            FlopCounter.recordConv(input, weight, y);
        }
        return y;
    }

    static long samePadTotal(long size, long k, int stride) {
        long out = (size + stride - 1) / stride;
        return Math.max((out - 1) * stride + k - size, 0);
    }

    private static NDArray padTf(NDArray x, long padH, long padW) {
        // F.pad order: last dim first (left, right, top, bottom); TF puts the odd pixel after
        long[] pads = {padW / 2, padW - padW / 2, padH / 2, padH - padH / 2};
        return JniUtils.pad(Tensors.pt(x), pads, 0);
    }

    @Override
    public String toString() {
        return "Conv2d(" + weight.getShape() + ", stride " + stride + ", groups " + groups + ", " + mode + ")";
    }

    public int getKernel() {
        return kernel;
    }
}
