package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Spectrally normalised transposed convolution with stride 1, as PyTorch's
 * {@code spectral_norm(nn.ConvTranspose2d(in, out, k, 1, p))}: parameter
 * {@code weight_orig (C_in, C_out, k, k)}, optional {@code bias (C_out)}, buffers
 * {@code weight_u (C_out)} and {@code weight_v (C_in·k·k)}; σ is taken over the matrix
 * {@code (C_out, C_in·k·k)} (PyTorch's {@code dim=1} for transposed convolutions).
 * Input {@code (N, C_in, H, W)}, output {@code (N, C_out, H + k − 1 − 2p, W + k − 1 − 2p)}.
 *
 * <p>A 1×1 input without padding (a latent vector turned into a k×k map) is a plain matrix
 * product {@code (N, C_in) × (C_in, C_out·k·k)}; other inputs use the equivalent convolution
 * with the flipped, transposed kernel and padding {@code k − 1 − p}.
 */
public class SpectralConvTranspose2d extends Module implements Layer {

    private final NDArray weight;
    private final NDArray bias;
    private final NDArray u;
    private final NDArray v;
    private final int padding;
    private final int kernel;
    private final int outChannels;

    public SpectralConvTranspose2d(NDManager manager, int in, int out, int kernel, int padding, boolean bias) {
        super(manager);
        if (padding > kernel - 1) {
            throw new IllegalArgumentException("transposed convolution padding " + padding + " exceeds kernel - 1");
        }
        this.padding = padding;
        this.kernel = kernel;
        this.outChannels = out;
        // PyTorch's ConvTranspose2d computes its fan-in from weight.size(1) = C_out
        float bound = (float) (1.0 / Math.sqrt((double) out * kernel * kernel));
        this.weight = addParameter("weight_orig",
                manager.randomUniform(-bound, bound, new Shape(in, out, kernel, kernel)));
        this.bias = bias ? addParameter("bias", manager.randomUniform(-bound, bound, new Shape(out))) : null;
        this.u = addBuffer("weight_u", SpectralConv2d.randomUnitVector(manager, out));
        this.v = addBuffer("weight_v", SpectralConv2d.randomUnitVector(manager, (long) in * kernel * kernel));
    }

    public NDArray getWeight() {
        return weight;
    }

    /** The current σ estimate (advances the power iteration in training mode). */
    public NDArray sigma() {
        return SpectralNorm.sigma(weight, u, v, SpectralNorm.Layout.ROWS_SECOND, isTraining());
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray sigma = sigma();
        Shape s = x.getShape();
        NDArray y;
        if (s.get(2) == 1 && s.get(3) == 1 && padding == 0) {
            long n = s.get(0);
            long in = s.get(1);
            // divide the (small) output, not the (large) weight, by σ
            if (Autocast.lowersMatmul(in, weight.size() / in)) {
                y = Autocast.raise(Autocast.lower(x).reshape(n, in).matMul(Autocast.lower(weight).reshape(in, -1)));
            } else {
                y = x.reshape(n, in).matMul(weight.reshape(in, -1));
            }
            y = y.reshape(n, outChannels, kernel, kernel).divi(sigma);
            if (FlopCounter.isEnabled()) {
                FlopCounter.recordMatmul(x, weight, y, in);
            }
            return bias == null ? y : y.addi(bias.reshape(1, outChannels, 1, 1));
        }
        NDArray w = weight.div(sigma).flip(2, 3).transpose(1, 0, 2, 3);
        return Conv2d.conv2d(x, w, bias, 1, kernel - 1 - padding, 1, Conv2d.Padding.SYMMETRIC);
    }
}
