package org.fewgen.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.ejml.data.DMatrixRMaj;

import java.util.Arrays;

/**
 * The Gaussian summary of a feature set that FID compares: the mean (D) and the unbiased sample
 * covariance (D, D), both in double precision, plus the number of samples they came from.
 *
 * <p>Instances are immutable; the arrays handed out are copies where noted.
 */
public final class FeatureStats {

    private final double[] mean;
    private final DMatrixRMaj covariance;
    private final long count;

    /**
     * @param mean (D)
     * @param covariance (D, D), symmetric positive semi-definite
     * @param count number of samples (at least 2 for a covariance)
     */
    public FeatureStats(double[] mean, DMatrixRMaj covariance, long count) {
        if (covariance.numRows != mean.length || covariance.numCols != mean.length) {
            throw new IllegalArgumentException("covariance is " + covariance.numRows + "x" + covariance.numCols
                    + " but the mean has " + mean.length + " entries");
        }
        this.mean = mean.clone();
        this.covariance = covariance.copy();
        this.count = count;
    }

    /** Feature dimension D. */
    public int dimension() {
        return mean.length;
    }

    /** A copy of the mean, (D). */
    public double[] mean() {
        return mean.clone();
    }

    /** A copy of the covariance, (D, D). */
    public DMatrixRMaj covariance() {
        return covariance.copy();
    }

    /** Read-only view for the distance code, which never modifies it. */
    DMatrixRMaj covarianceView() {
        return covariance;
    }

    double[] meanView() {
        return mean;
    }

    /** Number of feature vectors summarised. */
    public long count() {
        return count;
    }

    /** Statistics of a plain feature matrix, (N, D), computed on the host. */
    public static FeatureStats of(double[][] features) {
        if (features.length < 2) {
            throw new IllegalArgumentException("need at least 2 feature vectors for a covariance, got " + features.length);
        }
        int d = features[0].length;
        double[] mean = new double[d];
        for (double[] f : features) {
            for (int j = 0; j < d; j++) {
                mean[j] += f[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= features.length;
        }
        DMatrixRMaj cov = new DMatrixRMaj(d, d);
        double[] c = new double[d];
        for (double[] f : features) {
            for (int j = 0; j < d; j++) {
                c[j] = f[j] - mean[j];
            }
            for (int i = 0; i < d; i++) {
                double ci = c[i];
                int row = i * d;
                for (int j = i; j < d; j++) {
                    cov.data[row + j] += ci * c[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                double v = cov.data[i * d + j] / (features.length - 1);
                cov.data[i * d + j] = v;
                cov.data[j * d + i] = v;
            }
        }
        return new FeatureStats(mean, cov, features.length);
    }

    /** Statistics of feature vectors given as rows of a float matrix, (N, D). */
    public static FeatureStats of(float[][] features) {
        double[][] d = new double[features.length][];
        for (int i = 0; i < features.length; i++) {
            d[i] = new double[features[i].length];
            for (int j = 0; j < d[i].length; j++) {
                d[i][j] = features[i][j];
            }
        }
        return of(d);
    }

    /**
     * Accumulates feature batches on their own device, in float64, so that only the final
     * (D) and (D, D) sums travel to the host.
     *
     * <p>Why a shift: the covariance is {@code E[xxᵀ] - μμᵀ}; with pool3 features whose means
     * are large compared with their spread, that difference cancels badly. Subtracting a
     * provisional mean (the first batch's) before summing keeps the sums small, and the
     * final correction is exact.
     */
    public static final class Accumulator implements AutoCloseable {
        private final NDManager manager;
        private NDArray shift;
        private NDArray sum;
        private NDArray cross;
        private long count;

        /** @param parent the manager (and device) the running sums live on */
        public Accumulator(NDManager parent) {
            this.manager = parent.newSubManager();
        }

        /** Adds a batch of feature vectors, (N, D), any float type, any device. */
        public void add(NDArray features) {
            if (features.getShape().dimension() != 2) {
                throw new IllegalArgumentException("features must be (N, D), got " + features.getShape());
            }
            if (features.getShape().get(0) == 0) {
                return;
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = features.toDevice(manager.getDevice(), false).toType(DataType.FLOAT64, false);
                if (shift == null) {
                    NDArray s = x.mean(new int[] {0});
                    NDArray zero = s.zerosLike();
                    NDArray crossZero = manager.zeros(new Shape(s.size(), s.size()),
                            DataType.FLOAT64);
                    shift = keep(s);
                    sum = keep(zero);
                    cross = keep(crossZero);
                } else if (x.getShape().get(1) != shift.size()) {
                    throw new IllegalArgumentException("feature batch has D=" + x.getShape().get(1)
                            + " but earlier batches had D=" + shift.size());
                }
                NDArray c = x.sub(shift);
                sum.addi(c.sum(new int[] {0}));
                cross.addi(c.transpose().matMul(c));
                count += x.getShape().get(0);
            }
        }

        private NDArray keep(NDArray a) {
            NDScope.unregister(a);
            a.attach(manager);
            return a;
        }

        /** Number of vectors added so far. */
        public long count() {
            return count;
        }

        /** The statistics of everything added. */
        public FeatureStats finish() {
            if (count < 2) {
                throw new IllegalStateException("need at least 2 feature vectors for a covariance, got " + count);
            }
            int d = (int) shift.size();
            double[] shiftH = shift.toDoubleArray();
            double[] sumH = sum.toDoubleArray();
            double[] crossH = cross.toDoubleArray();
            double[] mean = new double[d];
            double[] delta = new double[d];
            for (int j = 0; j < d; j++) {
                delta[j] = sumH[j] / count;
                mean[j] = shiftH[j] + delta[j];
            }
            // Σ (x-s)(x-s)ᵀ - n δδᵀ = Σ (x-μ)(x-μ)ᵀ, with δ = μ - s
            DMatrixRMaj cov = new DMatrixRMaj(d, d);
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    cov.data[i * d + j] = (crossH[i * d + j] - count * delta[i] * delta[j]) / (count - 1);
                }
            }
            symmetrize(cov);
            return new FeatureStats(mean, cov, count);
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    static void symmetrize(DMatrixRMaj m) {
        int n = m.numRows;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = 0.5 * (m.data[i * n + j] + m.data[j * n + i]);
                m.data[i * n + j] = v;
                m.data[j * n + i] = v;
            }
        }
    }

    @Override
    public String toString() {
        return "FeatureStats{D=" + mean.length + ", n=" + count + ", mean[0..3]="
                + Arrays.toString(Arrays.copyOf(mean, Math.min(3, mean.length))) + "}";
    }
}
