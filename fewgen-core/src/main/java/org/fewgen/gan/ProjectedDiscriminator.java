package org.fewgen.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.fewgen.backbone.FeatureNetwork;
import org.fewgen.nn.Module;
import org.fewgen.nn.Resample;
import org.fewgen.nn.Tensors;

import java.util.function.BiConsumer;

/**
 * Projected GAN discriminator (Sauer et al. 2021): images {@code (N, 3, R, R)} in [−1, 1] →
 * logits {@code (N, K)}, the patch logits of four heads concatenated.
 *
 * <pre>
 * images ─ DiffAugment ─ (R &lt; S: bilinear resize to S, 224 by default) ─ feature network (frozen, eval)
 *        ─ 4 stage maps (strides 4, 8, 16, 32) ─ random projector (frozen CCM + CSM)
 *        ─ 4 maps (64, 64, 128, 256 channels; 2× the stage sizes) ─ 4 patch heads (trained) ─ concat
 * </pre>
 *
 * <p>Children (reference names): {@code feature_network.pretrained} (the backbone, timm names),
 * {@code feature_network.scratch} (the projector), {@code discriminator.mini_discs.k} (the heads).
 * Only {@link #heads()} learns. The heads' nominal start sizes are those the reference computes:
 * it fixes the image size to 256 for this purpose (stage sizes 64/32/16/8, doubled by the CSM), so
 * every resolution uses 4/3/2/1 down-blocks; the actual maps at 224² are 112/56/28/14.
 */
public class ProjectedDiscriminator extends Module {

    /** Side at which the backbone's stages are measured. */
    private static final int FEATURE_INPUT_SIZE = DiscriminatorConfig.DEFAULT_FEATURE_INPUT_SIZE;
    /** Image side the reference fixes when it sizes the heads. */
    private static final int NOMINAL_IMAGE_SIZE = 256;
    private static final int[] STAGE_STRIDES = {4, 8, 16, 32};

    private final DiscriminatorConfig config;
    private final FeatureNetwork features;
    private final RandomProjector projector;
    private final MultiScaleDiscriminator heads;
    private final DiffAugment augment;

    public ProjectedDiscriminator(NDManager manager, FeatureNetwork features, DiscriminatorConfig config) {
        super(manager);
        this.config = config;
        this.features = features;
        features.setTrainable(false);
        features.setAlwaysEval(true);
        int[] stageChannels = measureStageChannels(features);
        Frozen frozen = addChild("feature_network", new Frozen(manager));
        frozen.register("pretrained", features);
        projector = frozen.register("scratch", new RandomProjector(manager, stageChannels, config.projectorSeed()));
        int[] startSizes = new int[4];
        for (int k = 0; k < 4; k++) {
            startSizes[k] = 2 * NOMINAL_IMAGE_SIZE / STAGE_STRIDES[k];
        }
        heads = addChild("discriminator", new MultiScaleDiscriminator(manager, RandomProjector.OUT_CHANNELS.clone(),
                startSizes, config.headConv() == ConvKind.DSC));
        augment = config.diffAugment() ? new DiffAugment(config.augPolicy()) : null;
    }

    /** The frozen part: backbone and projector. */
    private static final class Frozen extends Module {
        Frozen(NDManager manager) {
            super(manager);
        }

        <M extends Module> M register(String name, M m) {
            return addChild(name, m);
        }
    }

    /**
     * Runs the backbone once on a zero 224² image and checks that it delivers four maps at strides
     * 4/8/16/32 with the channels it declares (as the reference measures its backbone).
     */
    private static int[] measureStageChannels(FeatureNetwork net) {
        int[] declared = net.stageChannels();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray[] maps = Tensors.noGrad(() -> net.stages(
                    net.getManager().zeros(new Shape(1, 3, FEATURE_INPUT_SIZE, FEATURE_INPUT_SIZE))));
            if (maps.length != 4) {
                throw new IllegalStateException(net.name() + ": expected 4 stages, got " + maps.length);
            }
            int[] measured = new int[4];
            for (int k = 0; k < 4; k++) {
                Shape s = maps[k].getShape();
                long expectSide = (FEATURE_INPUT_SIZE + STAGE_STRIDES[k] - 1) / STAGE_STRIDES[k];
                if (s.get(2) != expectSide || s.get(3) != expectSide) {
                    throw new IllegalStateException(net.name() + ": stage " + k + " has shape " + s + ", expected stride "
                            + STAGE_STRIDES[k] + " (" + expectSide + "×" + expectSide + " at 224²)");
                }
                measured[k] = Math.toIntExact(s.get(1));
                if (declared != null && declared.length == 4 && declared[k] != measured[k]) {
                    throw new IllegalStateException(net.name() + ": stage " + k + " declares " + declared[k]
                            + " channels but produces " + measured[k]);
                }
            }
            return measured;
        }
    }

    public DiscriminatorConfig config() {
        return config;
    }

    /** The trainable heads ({@code discriminator.*}). */
    public MultiScaleDiscriminator heads() {
        return heads;
    }

    public FeatureNetwork featureNetwork() {
        return features;
    }

    public RandomProjector projector() {
        return projector;
    }

    /**
     * Freezes or unfreezes the heads only: the feature network and the projector stay frozen
     * whatever a training loop does between its D and G phases.
     */
    @Override
    public void setTrainable(boolean on) {
        heads.setTrainable(on);
    }

    /** Parameters that D's optimizer updates: those of the heads. */
    public long trainableParameterCount() {
        return heads.parameterCount();
    }

    /**
     * @param images {@code (N, 3, R, R)} in [−1, 1]
     * @return logits {@code (N, K)}
     */
    public NDArray forward(NDArray images) {
        return forward(images, null);
    }

    /**
     * Forward pass that reports intermediate maps to {@code observer} (null for none). The maps
     * are valid only during the call: each is freed once the next stage has used it, so that the
     * frozen feature network, whose maps autograd does not keep in the D phase, holds one block's
     * worth of memory at a time.
     */
    public NDArray forward(NDArray images, BiConsumer<String, NDArray> observer) {
        Shape s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != 3) {
            throw new IllegalArgumentException("discriminator expects images (N, 3, H, W), got " + s);
        }
        NDArray x = images;
        if (augment != null) {
            x = Tensors.scoped(() -> augment.apply(images));
            report(observer, "diffaugment", x);
        }
        int side = config.featureInputSize();
        if (s.get(2) < side || s.get(3) < side) {
            NDArray small = x;
            x = Tensors.scoped(() -> Resample.bilinear(small, side, side, false));
            Tensors.release(small, images);
            report(observer, "resize", x);
        }
        NDArray input = x;
        NDArray[] stages = features.stages(input);
        Tensors.release(input, images);
        for (int k = 0; k < stages.length; k++) {
            report(observer, "feature_network.pretrained[" + k + "]", stages[k]);
        }
        NDArray[] projected = Tensors.scopedAll(() -> projector.forward(stages));
        Tensors.releaseAll(stages, projected);
        for (int k = 0; k < projected.length; k++) {
            report(observer, "feature_network.scratch[" + k + "]", projected[k]);
        }
        NDArray logits = Tensors.scoped(() -> heads.forward(projected, observer));
        Tensors.releaseAll(projected, logits);
        report(observer, "logits", logits);
        return logits;
    }

    private static void report(BiConsumer<String, NDArray> observer, String name, NDArray x) {
        if (observer != null) {
            observer.accept(name, x);
        }
    }
}
