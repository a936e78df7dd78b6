package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Skip-layer excitation (FastGAN, Liu et al. 2021, https://arxiv.org/abs/2101.04775): a
 * low-resolution map gates the channels of a high-resolution one. Child {@code main}:
 * adaptive average pool to 4×4, spectral-norm conv 4×4 {@code C_small → C_big} (no bias),
 * Swish, spectral-norm conv 1×1 {@code C_big → C_big} (no bias), sigmoid.
 *
 * <p>{@code small (N, C_small, h, w)}, {@code big (N, C_big, H, W)} → {@code (N, C_big, H, W)}.
 */
public class SkipExcitation extends Module {

    private final Sequential main;

    public SkipExcitation(NDManager manager, int smallChannels, int bigChannels) {
        super(manager);
        main = addChild("main", new Sequential(manager)
                .add(x -> Resample.adaptiveAvgPool(x, 4))
                .add(new SpectralConv2d(manager, smallChannels, bigChannels, 4, 1, 0, false))
                .add(Activations.SWISH)
                .add(new SpectralConv2d(manager, bigChannels, bigChannels, 1, 1, 0, false))
                .add(Activations.SIGMOID));
    }

    /** The channel gates {@code (N, C_big, 1, 1)} computed from {@code small}. */
    public NDArray gates(NDArray small) {
        return main.forward(small);
    }

    public NDArray forward(NDArray small, NDArray big) {
        return big.mul(gates(small));
    }
}
