package org.fewgen.backbone;

import ai.djl.ndarray.NDManager;
import org.fewgen.nn.Conv2d.Padding;

import java.util.List;

/**
 * EfficientNet-lite0 as timm's {@code tf_efficientnet_lite0}: stem 3→32 (stride 2), a depthwise
 * separable block to 16 channels, then inverted residual stages (expansion 6, no
 * squeeze-excitation, ReLU6) to 24 (3×3), 40 (5×5), 80 (3×3), 112 (5×5), 192 (5×5) and 320 (3×3)
 * channels, {@code conv_head} 320→1280; BatchNorm eps 1e-3 and TensorFlow "same" padding, as the
 * TensorFlow-trained weights need. The backbone of the Projected GAN papers.
 *
 * <p>Stage outputs at 224² input: (N, 24, 56, 56), (N, 40, 28, 28), (N, 112, 14, 14),
 * (N, 320, 7, 7). No weights ship with fewgen: bring a timm-named safetensors file (ImageNet
 * weights of {@code tf_efficientnet_lite0} expect inputs normalised to [-1, 1]).
 */
public final class EfficientNetLite0 extends InvertedResidualNetwork {

    /** The name users pass to {@code --backbone}. */
    public static final String NAME = "efficientnet_lite0";

    private static final List<BlockStage> TABLE = List.of(
            new BlockStage(true, 1, 3, 1, 1, 16),
            new BlockStage(false, 2, 3, 2, 6, 24),
            new BlockStage(false, 2, 5, 2, 6, 40),
            new BlockStage(false, 3, 3, 2, 6, 80),
            new BlockStage(false, 3, 5, 1, 6, 112),
            new BlockStage(false, 4, 5, 2, 6, 192),
            new BlockStage(false, 1, 3, 1, 6, 320));

    public EfficientNetLite0(NDManager manager) {
        super(manager, 32, TABLE, 1280, 1e-3, Padding.SAME_TF);
    }

    @Override
    public String name() {
        return NAME;
    }
}
