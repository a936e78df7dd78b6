package org.fewgen.nn;

import ai.djl.ndarray.NDManager;

/**
 * FastGAN-lite up-block ({@code UpBlockSmall}): nearest ×2 upsampling, a 3×3 convolution
 * {@code C_in → 2·C_out} without bias (spectral-norm standard, or depthwise separable), batch
 * norm, GLU. Children named as the reference's {@code nn.Sequential}: {@code 1} (the conv),
 * {@code 2} (batch norm). {@code (N, C_in, H, W) → (N, C_out, 2H, 2W)}.
 */
public class UpBlock extends Sequential {

    /**
     * @param separable use {@link DepthwiseSeparableConv} (Faster Projected GAN) instead of a
     *     standard 3×3 convolution (Projected GAN)
     */
    public UpBlock(NDManager manager, int in, int out, boolean separable) {
        super(manager);
        add(Resample::nearest2x);
        add(separable
                ? new DepthwiseSeparableConv(manager, in, out * 2, 3)
                : new SpectralConv2d(manager, in, out * 2, 3, 1, 1, false));
        add(new BatchNorm2d(manager, out * 2));
        add(Activations.GLU);
    }
}
