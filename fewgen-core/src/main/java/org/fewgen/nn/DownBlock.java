package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Discriminator down-block, {@code (N, C_in, H, W) → (N, C_out, H/2, W/2)}. Child {@code main}:
 * <ul>
 *   <li>standard: spectral-norm conv 4×4 stride 2 padding 1 with bias, batch norm, LeakyReLU 0.2;</li>
 *   <li>separable: {@link DepthwiseSeparableConv} 3×3, batch norm, LeakyReLU 0.2, average pool 2×2
 *       (projected-gan's {@code DownBlock(separable=True)}).</li>
 * </ul>
 */
public class DownBlock extends Module implements Layer {

    private final Sequential main;

    public DownBlock(NDManager manager, int in, int out, boolean separable) {
        super(manager);
        Sequential s = new Sequential(manager);
        if (separable) {
            s.add(new DepthwiseSeparableConv(manager, in, out, 3))
                    .add(new BatchNorm2d(manager, out))
                    .add(Activations.LEAKY_RELU_02)
                    .add(x -> Resample.avgPool(x, 2));
        } else {
            s.add(new SpectralConv2d(manager, in, out, 4, 2, 1, true))
                    .add(new BatchNorm2d(manager, out))
                    .add(Activations.LEAKY_RELU_02);
        }
        main = addChild("main", s);
    }

    @Override
    public NDArray forward(NDArray x) {
        return main.forward(x);
    }
}
