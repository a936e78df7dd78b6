package org.fewgen.cs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.fewgen.nn.Layer;
import org.fewgen.nn.Module;

/**
 * The acquisition map f of compressed sensing: images {@code (N, n)} to noiseless measurements
 * {@code (N, m)}. Noise is added by {@link UncertaintyAutoencoder}, not here.
 */
public abstract class Encoder extends Module implements Layer {

    private final int inputSize;
    private final int measurements;

    protected Encoder(NDManager manager, int inputSize, int measurements) {
        super(manager);
        if (measurements < 1 || inputSize < 1) {
            throw new org.fewgen.util.SettingException("measurements", measurements, "must be at least 1");
        }
        this.inputSize = inputSize;
        this.measurements = measurements;
    }

    /** n, the number of pixels. */
    public int inputSize() {
        return inputSize;
    }

    /** m, the number of measurements. */
    public int measurements() {
        return measurements;
    }

    /** The measurement matrix {@code (m, n)} of a linear encoder, or null for a non-linear one. */
    public abstract NDArray linearWeight();

    /**
     * Shrinks every row of a linear encoder to norm at most {@code maxNorm} (a projection onto the
     * constraint set, applied after each optimizer step). Non-linear encoders have no rows.
     */
    public abstract void projectRows(float maxNorm);

    /** The sum of squared encoder weights, for the optional ℓ2 penalty (a scalar array). */
    public abstract NDArray squaredWeightNorm();
}
