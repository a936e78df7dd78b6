package org.fewgen.backbone;

import ai.djl.ndarray.NDManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** Creates feature networks by the name users pass to {@code --backbone}. */
public final class Backbones {

    /** The default: pretrained weights for it ship with fewgen. */
    public static final String DEFAULT = "mobilenetv2_100";

    private static final Logger LOG = LoggerFactory.getLogger(Backbones.class);

    private Backbones() {
    }

    /** Names accepted by {@link #create}. */
    public static List<String> names() {
        return List.of(MobileNetV2.NAME, EfficientNetLite0.NAME);
    }

    /**
     * Builds a frozen, eval-mode feature network.
     *
     * @param name one of {@link #names()}
     * @param manager owner of its tensors
     * @param weights a timm-named safetensors file, or null for the bundled default weights
     *     (random weights with a loud warning where none are bundled)
     * @throws IllegalArgumentException for an unknown name, or a file whose tensor names or
     *     shapes do not fit (the message names the first tensor that does not)
     * @throws UncheckedIOException when the file cannot be read (the message names it)
     */
    public static FeatureNetwork create(String name, NDManager manager, Path weights) {
        InvertedResidualNetwork net = switch (name) {
            case MobileNetV2.NAME -> new MobileNetV2(manager);
            case EfficientNetLite0.NAME -> new EfficientNetLite0(manager);
            default -> throw new IllegalArgumentException("unknown backbone '" + name + "' (choose one of "
                    + String.join(", ", names()) + ")");
        };
        try (NDManager scratch = manager.newSubManager()) {
            PretrainedWeights.Loaded loaded;
            if (weights != null) {
                loaded = PretrainedWeights.readFile(weights, scratch);
            } else if (name.equals(MobileNetV2.NAME)) {
                loaded = PretrainedWeights.readResource(PretrainedWeights.MOBILENETV2_RESOURCE,
                        PretrainedWeights.MOBILENETV2_SHA256, scratch);
            } else {
                loaded = null;
            }
            if (loaded != null) {
                PretrainedWeights.loadInto(net, loaded, "classifier", net::attachClassifier);
                net.setWeightsSource(loaded.origin() + " (sha256 " + loaded.sha256() + ")");
                LOG.info("feature network {}: weights from {}", name, net.weightsSource());
            } else {
                net.initialiseRandomly();
                warnRandom(name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        net.setTrainable(false);
        net.setAlwaysEval(true);
        net.foldBatchNorm(true);
        return net;
    }

    private static void warnRandom(String name) {
        String msg = "feature network " + name + " has RANDOM weights: no pretrained weights ship for it and none"
                + " were given (--backbone-weights FILE, timm names). Projected GAN quality will suffer badly.";
        System.err.println();
        System.err.println("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
        System.err.println("WARNING: " + msg);
        System.err.println("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
        System.err.println();
        LOG.warn(msg);
    }
}
