package org.fewgen.metrics;

import org.ejml.data.DMatrixRMaj;
import smile.math.blas.UPLO;
import smile.math.matrix.Matrix;

/**
 * The steps of {@link FrechetDistance} on LAPACK/BLAS (Smile's bundled OpenBLAS): symmetric
 *
 * eigen decompositions with {@code dsyevd}, singular values with {@code dgesdd}, products with
 * {@code dgemm}.
 *
 * <p>Smile's matrices are column-major; every matrix handed over here is symmetric (callers
 * symmetrize), so a row-major array is the same matrix in either order.
 */
final class LapackOps {

    private static final Boolean AVAILABLE = probe();

    private LapackOps() {
    }

    private static Boolean probe() {
        try {
            Matrix m = new Matrix(2, 2, 2, new double[] {2, 1, 1, 2});
            m.uplo(UPLO.LOWER);
            double[] w = m.eigen(false, false, true).wr;
            return Math.abs(w[0] + w[1] - 4) < 1e-12;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** Whether the native library loaded and works. */
    static boolean available() {
        return AVAILABLE;
    }

    static double traceSqrtProduct(DMatrixRMaj sigma1, DMatrixRMaj sigma2) {
        Matrix p = sqrtSpd(sigma1).mm(sqrtSpd(sigma2));
        double tr = 0;
        for (double v : p.svd(false, true).s) {
            tr += v;
        }
        return tr;
    }

    /** Σ^½ = (V Λ^¼)(V Λ^¼)ᵀ with negative eigenvalues clamped to zero. */
    static Matrix sqrtSpd(DMatrixRMaj a) {
        int n = a.numRows;
        Matrix work = symmetricCopy(a);
        work.uplo(UPLO.LOWER);
        Matrix.EVD evd = work.eigen(false, true, true);
        Matrix v = evd.Vr;
        double[] lambda = evd.wr.clone();
        FrechetDistance.clampNoise(lambda);
        Matrix scaled = new Matrix(n, n);
        for (int k = 0; k < n; k++) {
            double w = Math.sqrt(Math.sqrt(lambda[k]));
            for (int i = 0; i < n; i++) {
                scaled.set(i, k, v.get(i, k) * w);
            }
        }
        Matrix s = scaled.mt(scaled);
        symmetrizeInPlace(s, n);
        return s;
    }

    /** For tests: Σ^½ as an EJML matrix. */
    static DMatrixRMaj sqrtSpdAsEjml(DMatrixRMaj a) {
        Matrix s = sqrtSpd(a);
        int n = a.numRows;
        DMatrixRMaj out = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out.set(i, j, s.get(i, j));
            }
        }
        return out;
    }

    private static Matrix symmetricCopy(DMatrixRMaj a) {
        int n = a.numRows;
        double[] data = a.data.clone();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = 0.5 * (data[i * n + j] + data[j * n + i]);
                data[i * n + j] = v;
                data[j * n + i] = v;
            }
        }
        return new Matrix(n, n, n, data);
    }

    private static void symmetrizeInPlace(Matrix m, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = 0.5 * (m.get(i, j) + m.get(j, i));
                m.set(i, j, v);
                m.set(j, i, v);
            }
        }
    }
}
