package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Spectrally normalised 2-D convolution, as PyTorch's {@code spectral_norm(nn.Conv2d(...))}:
 * parameter {@code weight_orig (C_out, C_in/groups, k, k)}, optional {@code bias (C_out)},
 * buffers {@code weight_u (C_out)} and {@code weight_v (C_in/groups·k·k)} (the power-iteration
 * vectors: saved, not learned, not counted as parameters). Input {@code (N, C_in, H, W)},
 * output {@code (N, C_out, (H + 2p − k)/s + 1, ...)}.
 *
 * <p>The convolution is linear in the weight, so {@code conv(x, W/σ) = conv(x, W)/σ}. When the
 * output has fewer elements than the weight (the wide, low-resolution layers of a generator) the
 * output is divided instead of the weight, which saves a pass over a large tensor.
 *
 * <p>Initialisation: PyTorch's default for {@code nn.Conv2d}, U(−1/√fan_in, 1/√fan_in); u and v
 * start as normalised Gaussian vectors.
 */
public class SpectralConv2d extends Module implements Layer {

    private final NDArray weight;
    private final NDArray bias;
    private final NDArray u;
    private final NDArray v;
    private final int stride;
    private final int padding;
    private final int groups;
    private final int outChannels;
    private final int kernel;

    /**
     * @param in input channels
     * @param out output channels
     * @param kernel square kernel size
     * @param stride stride
     * @param padding zeros on every side
     * @param groups channel groups ({@code in} for a depthwise convolution)
     * @param bias whether to add a bias
     */
    public SpectralConv2d(NDManager manager, int in, int out, int kernel, int stride, int padding, int groups,
                          boolean bias) {
        super(manager);
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("channels " + in + "->" + out + " not divisible by groups " + groups);
        }
        this.stride = stride;
        this.padding = padding;
        this.groups = groups;
        this.outChannels = out;
        this.kernel = kernel;
        long fanIn = (long) in / groups * kernel * kernel;
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        this.weight = addParameter("weight_orig",
                manager.randomUniform(-bound, bound, new Shape(out, in / groups, kernel, kernel)));
        this.bias = bias ? addParameter("bias", manager.randomUniform(-bound, bound, new Shape(out))) : null;
        this.u = addBuffer("weight_u", randomUnitVector(manager, out));
        this.v = addBuffer("weight_v", randomUnitVector(manager, fanIn));
    }

    /** A convolution with a single group. */
    public SpectralConv2d(NDManager manager, int in, int out, int kernel, int stride, int padding, boolean bias) {
        this(manager, in, out, kernel, stride, padding, 1, bias);
    }

    static NDArray randomUnitVector(NDManager manager, long n) {
        return Tensors.noGrad(() -> {
            NDArray g = manager.randomNormal(new Shape(n));
            NDArray unit = JniUtils.normalize(Tensors.pt(g), 2, 0, SpectralNorm.EPS);
            g.close();
            return unit;
        });
    }

    /** The unnormalised weight {@code (C_out, C_in/groups, k, k)}. */
    public NDArray getWeight() {
        return weight;
    }

    public NDArray getBias() {
        return bias;
    }

    /** Power-iteration vector {@code u (C_out)}. */
    public NDArray getU() {
        return u;
    }

    /**
     * The current σ estimate; in training mode this advances the power iteration by one step,
     * exactly as a training forward does.
     */
    public NDArray sigma() {
        return SpectralNorm.sigma(weight, u, v, SpectralNorm.Layout.ROWS_FIRST, isTraining());
    }

    /** {@code W/σ} as the convolution uses it (advances the power iteration in training mode). */
    public NDArray normalizedWeight() {
        return weight.div(sigma());
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray sigma = sigma();
        Shape in = x.getShape();
        long oh = (in.get(2) + 2L * padding - kernel) / stride + 1;
        long ow = (in.get(3) + 2L * padding - kernel) / stride + 1;
        long outputSize = in.get(0) * outChannels * oh * ow;
        if (bias == null && outputSize < weight.size()) {
            NDArray y = Conv2d.conv2d(x, weight, null, stride, padding, groups, Conv2d.Padding.SYMMETRIC);
            return y.divi(sigma);
        }
        return Conv2d.conv2d(x, weight.div(sigma), bias, stride, padding, groups, Conv2d.Padding.SYMMETRIC);
    }

    @Override
    public String toString() {
        return "SpectralConv2d(" + weight.getShape() + ", stride " + stride + ", padding " + padding + ", groups "
                + groups + ")";
    }
}
