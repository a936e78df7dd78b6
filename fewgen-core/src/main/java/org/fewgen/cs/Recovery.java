package org.fewgen.cs;

/**
 * A compressed-sensing method: measures images and reconstructs them. Every method receives the
 * same standard-normal draws ε for the same test images, so methods differ only in f and g.
 */
public interface Recovery {

    /** The method's name in tables and plots ("uae", "pca-linear", "lasso-dct", ...). */
    String name();

    /** The number of measurements m. */
    int measurements();

    /**
     * Measures {@code y = f(x) + σ ε} and reconstructs x̂ = g(y).
     *
     * @param images (N, n) row-major in [0, 1]
     * @param count N
     * @param eps (N, m) standard-normal draws, or null for noiseless measurements
     * @return reconstructions (N, n)
     */
    float[] reconstruct(float[] images, int count, float[] eps);
}
