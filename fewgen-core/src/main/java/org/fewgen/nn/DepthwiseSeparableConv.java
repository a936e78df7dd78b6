package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Depthwise separable convolution (Chollet 2017, https://arxiv.org/abs/1610.02357): a depthwise
 * k×k convolution ({@code groups = C_in}, "same" padding) followed by a pointwise 1×1 convolution
 * {@code C_in → C_out}; both spectrally normalised and without bias, as projected-gan's
 * {@code SeparableConv2d}. Children {@code depthwise} (weight {@code (C_in, 1, k, k)}) and
 * {@code pointwise} (weight {@code (C_out, C_in, 1, 1)}).
 * Input {@code (N, C_in, H, W)}, output {@code (N, C_out, H, W)}.
 *
 * <p>Parameters: {@code C_in·k² + C_in·C_out} instead of {@code C_in·C_out·k²}: the trade that
 * Faster Projected GAN makes in the generator's up-blocks.
 */
public class DepthwiseSeparableConv extends Module implements Layer {

    private final SpectralConv2d depthwise;
    private final SpectralConv2d pointwise;

    public DepthwiseSeparableConv(NDManager manager, int in, int out, int kernel) {
        super(manager);
        depthwise = addChild("depthwise", new SpectralConv2d(manager, in, in, kernel, 1, kernel / 2, in, false));
        pointwise = addChild("pointwise", new SpectralConv2d(manager, in, out, 1, 1, 0, 1, false));
    }

    public SpectralConv2d depthwise() {
        return depthwise;
    }

    public SpectralConv2d pointwise() {
        return pointwise;
    }

    @Override
    public NDArray forward(NDArray x) {
        return pointwise.forward(depthwise.forward(x));
    }
}
