package org.fewgen.backbone;

import ai.djl.ndarray.NDManager;

import java.nio.file.Path;
import java.util.List;

/** Creates feature networks by the name users pass to {@code --backbone}. */
public final class Backbones {

    /** The default: pretrained weights for it ship with fewgen. */
    public static final String DEFAULT = "mobilenetv2_100";

    private Backbones() {
    }

    /** Names accepted by {@link #create}. */
    public static List<String> names() {
        return List.of("mobilenetv2_100", "efficientnet_lite0");
    }

    /**
     * Builds a frozen, eval-mode feature network.
     *
     * @param name one of {@link #names()}
     * @param manager owner of its tensors
     * @param weights a timm-named safetensors file, or null for the bundled default weights
     *     (random weights with a loud warning where none are bundled)
     */
    public static FeatureNetwork create(String name, NDManager manager, Path weights) {
        throw new UnsupportedOperationException("feature networks are being built (issue 3)");
    }
}
