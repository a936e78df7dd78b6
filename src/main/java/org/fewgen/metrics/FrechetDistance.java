package org.fewgen.metrics;

import org.ejml.data.Complex_F64;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_MT_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The Fréchet (2-Wasserstein) distance between two Gaussians, which is what FID reports:
 *
 * <pre>
 *   d² = |μ1 - μ2|² + Tr(Σ1) + Tr(Σ2) - 2 Tr( (Σ1 Σ2)^½ )
 * </pre>
 *
 * (Dowson &amp; Landau 1982; Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule
 * Converge to a Local Nash Equilibrium", https://arxiv.org/abs/1706.08500).
 *
 * <p><b>Why this square root.</b> The common implementation takes a general (non-symmetric)
 * matrix square root of Σ1Σ2 ({@code scipy.linalg.sqrtm}), which can return complex values
 * and fails on singular covariances (fewer samples than the 2048 features), needing an
 * ad-hoc diagonal offset. Here only symmetric eigen decompositions are used, which are
 * backward stable and always real:
 * <ol>
 *   <li>S = Σ1^½ from Σ1 = V Λ Vᵀ as S = V max(Λ, 0)^½ Vᵀ. Eigenvalues slightly below zero are
 *       rounding noise of a positive semi-definite matrix and are clamped to zero.</li>
 *   <li>M = S Σ2 S is symmetric positive semi-definite and similar to Σ1Σ2 (for invertible S;
 *       by continuity otherwise), so Tr((Σ1Σ2)^½) = Σ √λ_i(M), again clamping λ_i &lt; 0 to 0.
 *       Only the eigenvalues of M are needed, which is cheaper than the vectors.</li>
 * </ol>
 * All arithmetic is double precision, multi-threaded where EJML offers it (the {@code _MT_}
 * variants). For D = 2048 it takes tens of seconds on two cores.
 */
public final class FrechetDistance {

    private FrechetDistance() {
    }

    /** FID-style squared Fréchet distance between the Gaussians of two feature sets. */
    public static double between(FeatureStats a, FeatureStats b) {
        if (a.dimension() != b.dimension()) {
            throw new IllegalArgumentException("feature dimensions differ: " + a.dimension() + " vs " + b.dimension()
                    + " (statistics from different networks?)");
        }
        return between(a.meanView(), a.covarianceView(), b.meanView(), b.covarianceView());
    }

    /**
     * @param mu1 (D)
     * @param sigma1 (D, D) symmetric positive semi-definite, not modified
     * @param mu2 (D)
     * @param sigma2 (D, D) symmetric positive semi-definite, not modified
     */
    public static double between(double[] mu1, DMatrixRMaj sigma1, double[] mu2, DMatrixRMaj sigma2) {
        double meanTerm = 0;
        for (int i = 0; i < mu1.length; i++) {
            double d = mu1[i] - mu2[i];
            meanTerm += d * d;
        }
        double traceTerm = CommonOps_DDRM.trace(sigma1) + CommonOps_DDRM.trace(sigma2)
                - 2 * traceSqrtProduct(sigma1, sigma2);
        return meanTerm + traceTerm;
    }

    /** Tr((Σ1 Σ2)^½) for symmetric positive semi-definite Σ1, Σ2 (neither is modified). */
    public static double traceSqrtProduct(DMatrixRMaj sigma1, DMatrixRMaj sigma2) {
        DMatrixRMaj s = sqrtSpd(sigma1);
        DMatrixRMaj tmp = new DMatrixRMaj(s.numRows, s.numCols);
        DMatrixRMaj m = new DMatrixRMaj(s.numRows, s.numCols);
        CommonOps_MT_DDRM.mult(s, sigma2, tmp);
        CommonOps_MT_DDRM.mult(tmp, s, m);
        FeatureStats.symmetrize(m);
        double[] eig = symmetricEigenvalues(m);
        double tr = 0;
        for (double l : eig) {
            tr += Math.sqrt(Math.max(l, 0));
        }
        return tr;
    }

    /**
     * The symmetric positive semi-definite square root of a symmetric positive semi-definite
     * matrix: S with S S = A and S = Sᵀ. Negative eigenvalues (rounding noise) count as zero.
     *
     * @param a (D, D), not modified
     * @return a new (D, D) matrix
     */
    public static DMatrixRMaj sqrtSpd(DMatrixRMaj a) {
        int n = a.numRows;
        if (a.numCols != n) {
            throw new IllegalArgumentException("matrix square root needs a square matrix, got " + a.numRows + "x" + a.numCols);
        }
        DMatrixRMaj work = a.copy();
        FeatureStats.symmetrize(work);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_MT_DDRM.eig(n, true, true);
        if (!eig.decompose(work)) {
            throw new ArithmeticException("symmetric eigen decomposition did not converge (" + n + "x" + n
                    + " covariance contains NaN or Inf?)");
        }
        // S = V √Λ Vᵀ = (V Λ^¼)(V Λ^¼)ᵀ: one product, and the result is symmetric by construction
        DMatrixRMaj scaled = new DMatrixRMaj(n, n);
        for (int k = 0; k < n; k++) {
            Complex_F64 lambda = eig.getEigenvalue(k);
            double w = Math.sqrt(Math.sqrt(Math.max(lambda.real, 0)));
            DMatrixRMaj v = eig.getEigenVector(k);
            for (int i = 0; i < n; i++) {
                scaled.data[i * n + k] = v.data[i] * w;
            }
        }
        DMatrixRMaj s = new DMatrixRMaj(n, n);
        CommonOps_MT_DDRM.multTransB(scaled, scaled, s);
        return s;
    }

    /** Eigenvalues of a symmetric matrix (not modified), in no particular order. */
    static double[] symmetricEigenvalues(DMatrixRMaj m) {
        int n = m.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_MT_DDRM.eig(n, false, true);
        if (!eig.decompose(m.copy())) {
            throw new ArithmeticException("symmetric eigen decomposition did not converge (" + n + "x" + n
                    + " matrix contains NaN or Inf?)");
        }
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            out[k] = eig.getEigenvalue(k).real;
        }
        return out;
    }
}
