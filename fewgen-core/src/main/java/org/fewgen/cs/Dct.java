package org.fewgen.cs;

/** The orthonormal 2-D DCT-II of square images as an explicit (n, n) matrix Ψ, n = side². */
public final class Dct {

    private Dct() {
    }

    /** The orthonormal 1-D DCT-II matrix (k, k): row u is the u-th cosine basis vector. */
    public static double[] matrix1d(int k) {
        double[] d = new double[k * k];
        for (int u = 0; u < k; u++) {
            double scale = u == 0 ? Math.sqrt(1.0 / k) : Math.sqrt(2.0 / k);
            for (int x = 0; x < k; x++) {
                d[u * k + x] = scale * Math.cos(Math.PI * (2 * x + 1) * u / (2.0 * k));
            }
        }
        return d;
    }

    /**
     * Ψ = D ⊗ D for row-major images: coefficients {@code c = Ψ x}, images {@code x = Ψᵀ c};
     * Ψ is orthonormal, so the ℓ1 norm of c is a sparsity prior in the cosine basis.
     */
    public static float[] matrix2d(int side) {
        double[] d = matrix1d(side);
        int n = side * side;
        float[] psi = new float[n * n];
        for (int u = 0; u < side; u++) {
            for (int v = 0; v < side; v++) {
                int row = u * side + v;
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        psi[row * n + y * side + x] = (float) (d[u * side + y] * d[v * side + x]);
                    }
                }
            }
        }
        return psi;
    }
}
