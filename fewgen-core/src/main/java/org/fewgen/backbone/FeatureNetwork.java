package org.fewgen.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.fewgen.nn.Module;
import org.fewgen.nn.Tensors;

/**
 * A pretrained image network cut into four stages at strides 4, 8, 16 and 32, used frozen by the
 * projected discriminator. Implementations keep timm's module names so that timm-named
 * safetensors files load name for name.
 */
public abstract class FeatureNetwork extends Module {

    private String weightsSource = "random initialisation";

    protected FeatureNetwork(NDManager manager) {
        super(manager);
    }

    /**
     * Where the weights came from, for logs and provenance: a file name with its SHA-256, or
     * {@code "random initialisation"}.
     */
    public String weightsSource() {
        return weightsSource;
    }

    void setWeightsSource(String source) {
        weightsSource = source;
    }

    /**
     * Runs the four stages.
     *
     * @param x images {@code (N, 3, H, W)}, used as given (no normalisation inside; the
     *     projected discriminator feeds G's [-1, 1] images at 224², as the reference does)
     * @return the four stage outputs, strides 4, 8, 16, 32
     */
    public abstract NDArray[] stages(NDArray x);

    /**
     * Global average pooling.
     *
     * @param x {@code (N, C, H, W)}
     * @return {@code (N, C)}
     */
    public static NDArray globalAverage(NDArray x) {
        Shape s = x.getShape();
        return JniUtils.adaptiveAvgPool(Tensors.pt(x), new Shape(1, 1)).reshape(s.get(0), s.get(1));
    }

    /** Output channels of the four stages. */
    public abstract int[] stageChannels();

    /** The name users pass to {@code --backbone} (e.g. {@code mobilenetv2_100}). */
    public abstract String name();
}
