package org.fewgen.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.fewgen.nn.Module;

/**
 * A pretrained image network cut into four stages at strides 4, 8, 16 and 32, used frozen by the
 * projected discriminator. Implementations keep timm's module names so that timm-named
 * safetensors files load name for name.
 */
public abstract class FeatureNetwork extends Module {

    protected FeatureNetwork(NDManager manager) {
        super(manager);
    }

    /**
     * Runs the four stages.
     *
     * @param x images {@code (N, 3, H, W)}
     * @return the four stage outputs, strides 4, 8, 16, 32
     */
    public abstract NDArray[] stages(NDArray x);

    /** Output channels of the four stages. */
    public abstract int[] stageChannels();

    /** The name users pass to {@code --backbone} (e.g. {@code mobilenetv2_100}). */
    public abstract String name();
}
