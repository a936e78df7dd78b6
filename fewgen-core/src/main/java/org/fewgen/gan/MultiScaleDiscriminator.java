package org.fewgen.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.fewgen.nn.Module;

import java.util.function.BiConsumer;

/**
 * The trainable part of the projected discriminator (the reference's {@code MultiScaleD}): one
 * {@link PatchDiscriminator} per projected scale, children {@code mini_discs.0 … mini_discs.3};
 * their patch logits are flattened and concatenated.
 */
public class MultiScaleDiscriminator extends Module {

    private final PatchDiscriminator[] heads;

    /**
     * @param channels input channels per scale, finest first
     * @param startSizes nominal side length per scale, finest first
     * @param separable depthwise separable down-blocks
     */
    public MultiScaleDiscriminator(NDManager manager, int[] channels, int[] startSizes, boolean separable) {
        super(manager);
        Holder holder = addChild("mini_discs", new Holder(manager));
        heads = new PatchDiscriminator[channels.length];
        for (int k = 0; k < channels.length; k++) {
            heads[k] = holder.add(Integer.toString(k), new PatchDiscriminator(manager, channels[k], startSizes[k], separable));
        }
    }

    /** A plain container, so that heads are named {@code mini_discs.k} as in the reference. */
    private static final class Holder extends Module {
        Holder(NDManager manager) {
            super(manager);
        }

        PatchDiscriminator add(String name, PatchDiscriminator head) {
            return addChild(name, head);
        }
    }

    public PatchDiscriminator head(int k) {
        return heads[k];
    }

    public int headCount() {
        return heads.length;
    }

    /**
     * @param features projected maps, finest first, each {@code (N, C_k, H_k, W_k)}
     * @param observer receives each head's output (null for none)
     * @return logits {@code (N, Σ_k patches_k)}
     */
    public NDArray forward(NDArray[] features, BiConsumer<String, NDArray> observer) {
        NDList logits = new NDList(heads.length);
        for (int k = 0; k < heads.length; k++) {
            NDArray out = heads[k].forward(features[k]);
            if (observer != null) {
                observer.accept("discriminator.mini_discs." + k, out);
            }
            logits.add(out.reshape(out.getShape().get(0), -1));
        }
        return NDArrays.concat(logits, 1);
    }
}
