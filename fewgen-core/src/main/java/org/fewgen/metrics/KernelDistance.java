package org.fewgen.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

import java.util.Random;

/**
 * Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs",
 * https://arxiv.org/abs/1801.01401): the unbiased estimate of the squared maximum mean
 * discrepancy between two feature sets under the cubic polynomial kernel
 * {@code k(x, y) = (xᵀy / D + 1)³}, averaged over random subsets.
 *
 * <p>Per subset pair X, Y of m rows each:
 * <pre>
 *   MMD²_u = [Σ_{i≠j} k(x_i,x_j) + Σ_{i≠j} k(y_i,y_j)] / (m(m-1)) - 2 Σ_{i,j} k(x_i,y_j) / m²
 * </pre>
 * Unlike FID it is unbiased in the number of samples, so it suits few-shot sets, and it can be
 * slightly negative when the two sets are alike. The kernel matrices are computed as float64
 * matrix products on the features' device.
 */
public final class KernelDistance {

    /** Subsets drawn in the literature's reference implementation. */
    public static final int DEFAULT_SUBSETS = 100;
    /** Rows per subset in the literature's reference implementation (capped by the set sizes). */
    public static final int DEFAULT_SUBSET_SIZE = 1000;

    /** KID estimate: mean and population standard deviation over {@code subsets} subset pairs of {@code subsetSize} rows. */
    public record Result(double mean, double std, int subsets, int subsetSize) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%.6f ± %.6f (%d subsets of %d)", mean, std, subsets, subsetSize);
        }
    }

    private KernelDistance() {
    }

    /** KID with the default 100 subsets of up to 1000 rows. */
    public static Result compute(NDArray real, NDArray fake, long seed) {
        return compute(real, fake, DEFAULT_SUBSETS, DEFAULT_SUBSET_SIZE, seed);
    }

    /**
     * @param real (N1, D) features
     * @param fake (N2, D) features, same device as {@code real}
     * @param subsets number of random subset pairs (at least 1)
     * @param subsetSize rows per subset; capped at min(N1, N2), which must be at least 2
     * @param seed subset selection seed, so repeated evaluations are comparable
     */
    public static Result compute(NDArray real, NDArray fake, int subsets, int subsetSize, long seed) {
        long n1 = real.getShape().get(0);
        long n2 = fake.getShape().get(0);
        long d = real.getShape().get(1);
        if (fake.getShape().get(1) != d) {
            throw new IllegalArgumentException("feature dimensions differ: " + d + " vs " + fake.getShape().get(1));
        }
        int m = (int) Math.min(subsetSize, Math.min(n1, n2));
        if (m < 2) {
            throw new IllegalArgumentException("KID needs at least 2 images in each set, got " + n1 + " and " + n2);
        }
        if (subsets < 1) {
            throw new IllegalArgumentException("KID needs at least one subset, got " + subsets);
        }
        Random rng = new Random(seed);
        double[] values = new double[subsets];
        try (NDManager work = real.getManager().newSubManager(real.getDevice())) {
            NDArray x64 = real.toType(DataType.FLOAT64, true);
            NDArray y64 = fake.toDevice(real.getDevice(), true).toType(DataType.FLOAT64, true);
            x64.attach(work);
            y64.attach(work);
            for (int s = 0; s < subsets; s++) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray xs = x64.get(new NDIndex("{}", index(work, rng, n1, m)));
                    NDArray ys = y64.get(new NDIndex("{}", index(work, rng, n2, m)));
                    values[s] = mmd2Unbiased(xs, ys, d);
                }
            }
        }
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= subsets;
        double var = 0;
        for (double v : values) {
            var += (v - mean) * (v - mean);
        }
        return new Result(mean, Math.sqrt(var / subsets), subsets, m);
    }

    /** m distinct row indices out of n (partial Fisher–Yates), as an int64 array on the work device. */
    private static NDArray index(NDManager manager, Random rng, long n, int m) {
        int[] perm = new int[(int) n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        long[] pick = new long[m];
        for (int i = 0; i < m; i++) {
            int j = i + rng.nextInt((int) n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
            pick[i] = perm[i];
        }
        return manager.create(pick);
    }

    /** Unbiased MMD² of two (m, D) float64 sets under the cubic polynomial kernel. */
    static double mmd2Unbiased(NDArray x, NDArray y, long d) {
        long m = x.getShape().get(0);
        NDArray kxx = kernel(x, x, d);
        NDArray kyy = kernel(y, y, d);
        NDArray kxy = kernel(x, y, d);
        double sxx = kxx.sum().getDouble() - kxx.diagonal().sum().getDouble();
        double syy = kyy.sum().getDouble() - kyy.diagonal().sum().getDouble();
        double sxy = kxy.sum().getDouble();
        return (sxx + syy) / (m * (m - 1.0)) - 2 * sxy / ((double) m * m);
    }

    private static NDArray kernel(NDArray a, NDArray b, long d) {
        return a.matMul(b.transpose()).div(d).add(1).pow(3);
    }
}
