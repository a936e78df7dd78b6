package org.fewgen.cs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.fewgen.nn.Module;
import org.fewgen.nn.Sequential;

/**
 * An Uncertainty Autoencoder: measurements {@code y = f(x) + σ·ε}, ε ~ N(0, I), and a decoder
 * g(y) trained to maximise a variational lower bound on I(X; Y). With a Gaussian decoder of
 * fixed variance that bound is, up to constants, minus the squared ℓ2 reconstruction error,
 * so training is an autoencoder with noise injected into its bottleneck.
 *
 * <p>Images {@code (N, n)} in [0, 1]; measurements {@code (N, m)}. Tensor names:
 * {@code encoder.*} and {@code decoder.*}, so an encoder can be lifted from one run into another.
 */
public final class UncertaintyAutoencoder extends Module {

    private final Encoder encoder;
    private final Sequential decoder;
    private final float sigma;

    /** With a sigmoid output layer, for images in [0, 1]. */
    public UncertaintyAutoencoder(NDManager manager, Encoder encoder, int[] decoderHidden, float sigma) {
        this(manager, encoder, decoderHidden, sigma, true);
    }

    /** @param sigmoidOutput sigmoid on the decoder output (images in [0, 1]); false for unbounded data */
    public UncertaintyAutoencoder(NDManager manager, Encoder encoder, int[] decoderHidden, float sigma,
                                  boolean sigmoidOutput) {
        super(manager);
        if (!(sigma >= 0)) {
            throw new org.fewgen.util.SettingException("noise", sigma, "must be non-negative");
        }
        this.encoder = addChild("encoder", encoder);
        this.decoder = addChild("decoder", Mlp.build(manager, encoder.measurements(), decoderHidden,
                encoder.inputSize(), sigmoidOutput));
        this.sigma = sigma;
    }

    public Encoder encoder() {
        return encoder;
    }

    public Sequential decoder() {
        return decoder;
    }

    public float sigma() {
        return sigma;
    }

    /**
     * Noisy measurements with the given standard-normal draws.
     *
     * @param x images (N, n)
     * @param eps standard-normal noise (N, m), or null for noiseless measurements
     * @return y (N, m)
     */
    public NDArray measure(NDArray x, NDArray eps) {
        NDArray clean = encoder.forward(x);
        return eps == null || sigma == 0 ? clean : clean.add(eps.mul(sigma));
    }

    /** Measurements with fresh noise from the engine's generator (training: reparameterised). */
    public NDArray measureWithFreshNoise(NDArray x) {
        NDArray clean = encoder.forward(x);
        if (sigma == 0) {
            return clean;
        }
        NDArray eps = x.getManager().randomNormal(0f, sigma, clean.getShape(), DataType.FLOAT32, x.getDevice());
        return clean.add(eps);
    }

    /** g(y): reconstructions (N, n) in [0, 1] from measurements (N, m). */
    public NDArray decode(NDArray y) {
        return decoder.forward(y);
    }
}
