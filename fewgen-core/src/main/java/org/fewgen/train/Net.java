package org.fewgen.train;

import ai.djl.ndarray.NDArray;
import org.fewgen.nn.Autocast;
import org.fewgen.nn.Layer;
import org.fewgen.nn.Module;

/**
 * A network as the trainer sees it: the {@link Module} that owns its tensors and the function
 * that runs it. Keeping the two apart lets the trainer drive any generator or discriminator
 * (FastGAN, or a tiny stand-in in tests) without a common forward interface on {@code Module}.
 *
 * @param module owner of the parameters and buffers
 * @param forward {@code G: z (N, zDim) → images (N, 3, R, R)} or {@code D: images → logits (N, K)}
 */
public record Net(Module module, Layer forward) {

    /**
     * Runs the network; its output is float32 even when {@link Autocast} bf16 made it in bfloat16,
     * so losses, reductions and images read back are computed in fp32.
     */
    public NDArray apply(NDArray x) {
        return Autocast.toFloat32(forward.forward(x));
    }
}
