package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The generator's first layer: a latent vector becomes a 4×4 map. Child {@code init}:
 * spectral-norm transposed conv 4×4 {@code z_dim → 2C} (no bias), batch norm, GLU.
 * {@code z (N, z_dim)} → {@code (N, C, 4, 4)}.
 */
public class InitLayer extends Module implements Layer {

    private final Sequential init;
    private final int zDim;

    public InitLayer(NDManager manager, int zDim, int channels) {
        super(manager);
        this.zDim = zDim;
        init = addChild("init", new Sequential(manager)
                .add(new SpectralConvTranspose2d(manager, zDim, channels * 2, 4, 0, false))
                .add(new BatchNorm2d(manager, channels * 2))
                .add(Activations.GLU));
    }

    /** @param z latents {@code (N, z_dim)} (or {@code (N, z_dim, 1, 1)}) */
    @Override
    public NDArray forward(NDArray z) {
        return init.forward(z.reshape(z.getShape().get(0), zDim, 1, 1));
    }
}
