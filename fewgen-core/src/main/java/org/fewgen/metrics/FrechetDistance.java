package org.fewgen.metrics;

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
 * ad-hoc diagonal offset. Here only symmetric eigen decompositions and a singular value
 * decomposition are used, which are backward stable and always real:
 * <ol>
 *   <li>S = Σ1^½ from Σ1 = V Λ Vᵀ as S = V max(Λ, 0)^½ Vᵀ. Eigenvalues slightly below zero are
 *       rounding noise of a positive semi-definite matrix and are clamped to zero.</li>
 *   <li>The same for S2 = Σ2^½. Then Σ1Σ2 = S1 (S1 S2 S2 S1) S1⁻¹ is similar to
 *       P Pᵀ with P = S1 S2 (by continuity also for singular S1), so
 *       Tr((Σ1Σ2)^½) = Σ √λ_i(P Pᵀ) = Σ σ_i(P), the sum of P's singular values.
 *       Taking singular values of P, rather than eigenvalues of P Pᵀ = S1 Σ2 S1 and then
 *       roots, avoids squaring the condition number: an eigenvalue of P Pᵀ that is rounding
 *       noise (ε‖Σ‖², common when there are fewer images than features) would add
 *       √(ε)‖Σ‖ to the trace, a singular value of P only ε‖Σ‖.</li>
 * </ol>
 * All arithmetic is double precision. Two interchangeable backends compute the same steps:
 * {@link Backend#LAPACK} (LAPACK and BLAS through Smile's bundled OpenBLAS: seconds for D = 2048) and {@link Backend#EJML} (pure Java, the reference and the fallback
 * when the native library cannot load: minutes for D = 2048 on two cores). The system property
 * {@code fewgen.linalg=ejml} forces the pure-Java one.
 */
public final class FrechetDistance {

    /** Where the eigen decompositions and matrix products run. */
    public enum Backend {
        /** LAPACK/BLAS (OpenBLAS, bundled native library, via Smile). */
        LAPACK,
        /** EJML, pure Java. */
        EJML
    }

    private static volatile Backend preferred;

    private FrechetDistance() {
    }

    /** The backend used by default: LAPACK when its native library loads, else EJML. */
    public static Backend defaultBackend() {
        Backend b = preferred;
        if (b == null) {
            b = "ejml".equalsIgnoreCase(System.getProperty("fewgen.linalg")) ? Backend.EJML
                    : LapackOps.available() ? Backend.LAPACK : Backend.EJML;
            preferred = b;
        }
        return b;
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
        return between(mu1, sigma1, mu2, sigma2, defaultBackend());
    }

    /** {@link #between(double[], DMatrixRMaj, double[], DMatrixRMaj)} on a chosen backend. */
    public static double between(double[] mu1, DMatrixRMaj sigma1, double[] mu2, DMatrixRMaj sigma2, Backend backend) {
        if (mu1.length != mu2.length || sigma1.numRows != mu1.length || sigma2.numRows != mu2.length) {
            throw new IllegalArgumentException("feature dimensions differ: " + mu1.length + " vs " + mu2.length);
        }
        double meanTerm = 0;
        for (int i = 0; i < mu1.length; i++) {
            double d = mu1[i] - mu2[i];
            meanTerm += d * d;
        }
        double traceTerm = CommonOps_DDRM.trace(sigma1) + CommonOps_DDRM.trace(sigma2)
                - 2 * traceSqrtProduct(sigma1, sigma2, backend);
        return meanTerm + traceTerm;
    }

    /** Tr((Σ1 Σ2)^½) for symmetric positive semi-definite Σ1, Σ2 (neither is modified). */
    public static double traceSqrtProduct(DMatrixRMaj sigma1, DMatrixRMaj sigma2, Backend backend) {
        if (backend == Backend.LAPACK) {
            return LapackOps.traceSqrtProduct(sigma1, sigma2);
        }
        DMatrixRMaj s1 = sqrtSpd(sigma1);
        DMatrixRMaj s2 = sqrtSpd(sigma2);
        DMatrixRMaj p = new DMatrixRMaj(s1.numRows, s1.numCols);
        CommonOps_MT_DDRM.mult(s1, s2, p);
        return nuclearNorm(p);
    }

    /** Σ σ_i(p): the sum of singular values (p is not modified). */
    static double nuclearNorm(DMatrixRMaj p) {
        var svd = DecompositionFactory_MT_DDRM.svd(p.numRows, p.numCols, false, false, true);
        if (!svd.decompose(p.copy())) {
            throw new ArithmeticException("singular value decomposition did not converge (" + p.numRows + "x" + p.numCols
                    + " matrix contains NaN or Inf?)");
        }
        double tr = 0;
        for (double v : svd.getSingularValues()) {
            tr += v;
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
        double[] lambda = new double[n];
        for (int k = 0; k < n; k++) {
            lambda[k] = eig.getEigenvalue(k).real;
        }
        clampNoise(lambda);
        DMatrixRMaj scaled = new DMatrixRMaj(n, n);
        for (int k = 0; k < n; k++) {
            double w = Math.sqrt(Math.sqrt(lambda[k]));
            DMatrixRMaj v = eig.getEigenVector(k);
            for (int i = 0; i < n; i++) {
                scaled.data[i * n + k] = v.data[i] * w;
            }
        }
        DMatrixRMaj s = new DMatrixRMaj(n, n);
        CommonOps_MT_DDRM.multTransB(scaled, scaled, s);
        return s;
    }

    /**
     * Sets negative eigenvalues (rounding noise of a positive semi-definite matrix) to zero.
     * A relative threshold would be wrong here: every eigenvalue, however small, adds its root
     * to the trace, and dropping the small ones biases the sum.
     */
    static void clampNoise(double[] lambda) {
        for (int i = 0; i < lambda.length; i++) {
            if (!(lambda[i] > 0)) {
                lambda[i] = 0;
            }
        }
    }

    /**
     * The same distance computed from the feature vectors themselves, for sets smaller than the
     * feature dimension (few-shot data: N images, N &lt; D = 2048).
     *
     * <p>With A the centred (N, D) features, Σ = AᵀA/(N-1), so Tr Σ = ‖A‖²_F/(N-1), and the
     * non-zero eigenvalues of Σ1Σ2 are the squared singular values of the small (N1, N2) matrix
     * A1A2ᵀ / √((N1-1)(N2-1)) (the non-zero spectra of XY and YX agree). No D×D matrix is
     * formed: exact, and milliseconds instead of seconds. Equal to {@link #between(FeatureStats,
     * FeatureStats)} of the same features up to rounding.
     *
     * @param f1 (N1, D) row-major features
     * @param f2 (N2, D) row-major features
     */
    public static double betweenSamples(float[] f1, int n1, float[] f2, int n2, int d) {
        if (n1 < 2 || n2 < 2 || (long) n1 * d > f1.length || (long) n2 * d > f2.length) {
            throw new IllegalArgumentException("need at least 2 feature vectors of dimension " + d + " per set, got "
                    + n1 + " and " + n2);
        }
        double[] mu1 = new double[d];
        double[] mu2 = new double[d];
        DMatrixRMaj a1 = centred(f1, n1, d, mu1);
        DMatrixRMaj a2 = centred(f2, n2, d, mu2);
        double meanTerm = 0;
        for (int j = 0; j < d; j++) {
            meanTerm += (mu1[j] - mu2[j]) * (mu1[j] - mu2[j]);
        }
        double tr1 = CommonOps_DDRM.elementSumAbs(elementSquare(a1)) / (n1 - 1);
        double tr2 = CommonOps_DDRM.elementSumAbs(elementSquare(a2)) / (n2 - 1);
        DMatrixRMaj g = new DMatrixRMaj(n1, n2);
        CommonOps_DDRM.multTransB(a1, a2, g);
        double trSqrt = nuclearNorm(g) / Math.sqrt((n1 - 1.0) * (n2 - 1.0));
        return meanTerm + tr1 + tr2 - 2 * trSqrt;
    }

    private static DMatrixRMaj centred(float[] f, int n, int d, double[] meanOut) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                meanOut[j] += f[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            meanOut[j] /= n;
        }
        DMatrixRMaj a = new DMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                a.data[i * d + j] = f[i * d + j] - meanOut[j];
            }
        }
        return a;
    }

    private static DMatrixRMaj elementSquare(DMatrixRMaj a) {
        DMatrixRMaj out = a.copy();
        CommonOps_DDRM.elementMult(out, a);
        return out;
    }
}
