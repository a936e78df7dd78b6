package org.fewgen.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.fewgen.nn.Conv2d;
import org.fewgen.nn.Module;
import org.fewgen.nn.Resample;
import org.fewgen.nn.Tensors;

import java.util.SplittableRandom;

/**
 * The random, frozen projection of Projected GAN (Sauer et al. 2021,
 * https://arxiv.org/abs/2111.01007): cross-channel mixing (CCM: a 1×1 conv per stage, to
 * 64/128/256/512 channels) and cross-scale mixing (CSM: from the coarsest stage down, add the
 * coarser result, bilinear ×2 with {@code align_corners=true}, 1×1 conv halving the channels,
 * except the finest which keeps 64). Names as the reference's {@code scratch}:
 * {@code layer0_ccm … layer3_ccm}, {@code layer0_csm.out_conv … layer3_csm.out_conv}.
 *
 * <p>Stage maps {@code (N, C_k, S/2^k, S/2^k)} (S = input/4) → four maps
 * {@code (N, [64, 64, 128, 256][k], 2S/2^k, 2S/2^k)}.
 *
 * <p>Weights are PyTorch's default convolution initialisation drawn from a {@link SplittableRandom}
 * seeded with {@code seed}, so the projection is reproducible without touching the engine's
 * global random state; the module is frozen (no gradients) and has no training behaviour.
 */
public class RandomProjector extends Module {

    /** Output channels of the CCM at stage k (cout 64, expand). */
    static final int[] CCM_CHANNELS = {64, 128, 256, 512};
    /** Output channels of the CSM at stage k. */
    static final int[] OUT_CHANNELS = {64, 64, 128, 256};

    private final Conv2d[] ccm = new Conv2d[4];
    private final Conv2d[] csm = new Conv2d[4];

    public RandomProjector(NDManager manager, int[] stageChannels, long seed) {
        super(manager);
        if (stageChannels.length != 4) {
            throw new IllegalArgumentException("projector needs 4 stages, got " + stageChannels.length);
        }
        for (int k = 0; k < 4; k++) {
            ccm[k] = addChild("layer" + k + "_ccm", new Conv2d(manager, stageChannels[k], CCM_CHANNELS[k], 1, 1, 0, 1, true));
        }
        // registered coarse to fine, as the reference builds them
        for (int k = 3; k >= 0; k--) {
            csm[k] = addChild("layer" + k + "_csm", new FusionBlock(manager, CCM_CHANNELS[k], OUT_CHANNELS[k])).outConv;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int k = 0; k < 4; k++) {
            fillDefaultInit(ccm[k], rnd);
        }
        for (int k = 3; k >= 0; k--) {
            fillDefaultInit(csm[k], rnd);
        }
        setTrainable(false);
    }

    /** One CSM step; the reference's {@code FeatureFusionBlock} with its {@code out_conv}. */
    static final class FusionBlock extends Module {
        final Conv2d outConv;

        FusionBlock(NDManager manager, int in, int out) {
            super(manager);
            outConv = addChild("out_conv", new Conv2d(manager, in, out, 1, 1, 0, 1, true));
        }
    }

    /** PyTorch's default conv init: weight and bias U(−1/√fan_in, 1/√fan_in). */
    private static void fillDefaultInit(Conv2d conv, SplittableRandom rnd) {
        Shape ws = conv.getWeight().getShape();
        double bound = 1.0 / Math.sqrt(ws.get(1) * ws.get(2) * ws.get(3));
        fillUniform(conv.getWeight(), bound, rnd);
        fillUniform(conv.getBias(), bound, rnd);
    }

    private static void fillUniform(NDArray p, double bound, SplittableRandom rnd) {
        float[] values = new float[Math.toIntExact(p.getShape().size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        try (NDArray src = p.getManager().create(values, p.getShape())) {
            Tensors.copyInto(src, p);
        }
    }

    /**
     * @param stages the feature network's four stage maps, finest first
     * @return the four projected maps, finest first
     */
    public NDArray[] forward(NDArray[] stages) {
        NDArray[] mixed = new NDArray[4];
        for (int k = 0; k < 4; k++) {
            mixed[k] = ccm[k].forward(stages[k]);
        }
        NDArray[] out = new NDArray[4];
        NDArray coarser = null;
        for (int k = 3; k >= 0; k--) {
            NDArray in = coarser == null ? mixed[k] : coarser.add(mixed[k]);
            // a 1×1 conv and a bilinear resize commute (interpolation weights sum to 1, so even
            // the bias passes through); convolving first mixes 4× fewer pixels
            NDArray y = csm[k].forward(in);
            long h = y.getShape().get(2);
            long w = y.getShape().get(3);
            out[k] = Resample.bilinear(y, 2 * h, 2 * w, true);
            coarser = out[k];
        }
        return out;
    }
}
