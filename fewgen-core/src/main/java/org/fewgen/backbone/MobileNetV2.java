package org.fewgen.backbone;

import ai.djl.ndarray.NDManager;
import org.fewgen.nn.Conv2d.Padding;

import java.util.List;

/**
 * MobileNetV2 width 1.0 as timm's {@code mobilenetv2_100}: stem 3→32 (stride 2), a depthwise
 * separable block to 16 channels, then inverted residual stages (expansion 6, 3×3) to 24, 32,
 * 64, 96, 160 and 320 channels, {@code conv_head} 320→1280; ReLU6 everywhere.
 *
 * <p>Stage outputs at 224² input: (N, 24, 56, 56), (N, 32, 28, 28), (N, 96, 14, 14),
 * (N, 320, 7, 7).
 *
 * <p>The bundled weights are Keras weights (see {@code models/README.md}), so this network uses
 * TensorFlow "same" padding at its stride-2 convolutions and BatchNorm eps 1e-5 (the converter
 * folded Keras' 1e-3 into the running variances). With those weights the stages reproduce the
 * original network for inputs in [0, 1] (the nsfwjs convention; its ImageNet layers were
 * pretrained on [-1, 1]). timm's own {@code mobilenetv2_100} checkpoints were trained with
 * symmetric padding: build with {@link Padding#SYMMETRIC} for those.
 */
public final class MobileNetV2 extends InvertedResidualNetwork {

    /** The name users pass to {@code --backbone}. */
    public static final String NAME = "mobilenetv2_100";

    private static final List<BlockStage> TABLE = List.of(
            new BlockStage(true, 1, 3, 1, 1, 16),
            new BlockStage(false, 2, 3, 2, 6, 24),
            new BlockStage(false, 3, 3, 2, 6, 32),
            new BlockStage(false, 4, 3, 2, 6, 64),
            new BlockStage(false, 3, 3, 1, 6, 96),
            new BlockStage(false, 3, 3, 2, 6, 160),
            new BlockStage(false, 1, 3, 1, 6, 320));

    /** With TensorFlow "same" padding, as the bundled weights need. */
    public MobileNetV2(NDManager manager) {
        this(manager, Padding.SAME_TF);
    }

    /**
     * @param manager owner of the tensors (PyTorch-default random values until weights are loaded)
     * @param padding padding of the stride-2 convolutions
     */
    public MobileNetV2(NDManager manager, Padding padding) {
        super(manager, 32, TABLE, 1280, 1e-5, padding);
    }

    @Override
    public String name() {
        return NAME;
    }
}
