package org.fewgen.metrics;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FrechetDistanceTest {

    private static DMatrixRMaj randomSpd(int n, Random rng) {
        DMatrixRMaj a = RandomMatrices_DDRM.rectangle(n, n, -1, 1, rng);
        DMatrixRMaj s = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransB(a, a, s);
        for (int i = 0; i < n; i++) {
            s.add(i, i, 0.1);
        }
        return s;
    }

    @Test
    void sqrtOfKnownSpdMatrix() {
        // [[5,4],[4,5]] = Q diag(9,1) Qᵀ, so its root is Q diag(3,1) Qᵀ = [[2,1],[1,2]]
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{5, 4}, {4, 5}});
        DMatrixRMaj s = FrechetDistance.sqrtSpd(a);
        assertThat(s.get(0, 0)).isCloseTo(2, within(1e-12));
        assertThat(s.get(0, 1)).isCloseTo(1, within(1e-12));
        assertThat(s.get(1, 0)).isCloseTo(1, within(1e-12));
        assertThat(s.get(1, 1)).isCloseTo(2, within(1e-12));
        assertThat(a.get(0, 0)).as("input untouched").isEqualTo(5);
    }

    @Test
    void sqrtSquaresBackToRandomSpdMatrix() {
        DMatrixRMaj a = randomSpd(40, new Random(3));
        DMatrixRMaj s = FrechetDistance.sqrtSpd(a);
        DMatrixRMaj ss = new DMatrixRMaj(40, 40);
        CommonOps_DDRM.mult(s, s, ss);
        for (int i = 0; i < a.data.length; i++) {
            assertThat(ss.data[i]).isCloseTo(a.data[i], within(1e-9));
        }
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 40; j++) {
                assertThat(s.get(i, j)).isEqualTo(s.get(j, i));
            }
        }
    }

    @Test
    void sqrtOfSingularMatrixClampsRoundingNoise() {
        // rank 1: v vᵀ with |v|² = 14; its root is v vᵀ / |v|
        double[] v = {1, 2, 3};
        DMatrixRMaj a = new DMatrixRMaj(3, 3);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                a.set(i, j, v[i] * v[j]);
            }
        }
        DMatrixRMaj s = FrechetDistance.sqrtSpd(a);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(s.get(i, j)).isCloseTo(v[i] * v[j] / Math.sqrt(14), within(1e-7));
            }
        }
    }

    @Test
    void distanceOfGaussianToItselfIsZero() {
        DMatrixRMaj c = randomSpd(64, new Random(5));
        double[] mu = new Random(6).doubles(64).toArray();
        double d = FrechetDistance.between(mu, c, mu, c);
        assertThat(d).isCloseTo(0, within(1e-8 * CommonOps_DDRM.trace(c)));
    }

    @Test
    void nonCommutingTwoByTwoMatchesClosedForm() {
        // for 2x2: Tr((Σ1Σ2)^½) = sqrt(Tr(Σ1Σ2) + 2 sqrt(det Σ1 det Σ2))
        DMatrixRMaj s1 = new DMatrixRMaj(new double[][] {{2, 0.5}, {0.5, 1}});
        DMatrixRMaj s2 = new DMatrixRMaj(new double[][] {{1, -0.7}, {-0.7, 3}});
        DMatrixRMaj p = new DMatrixRMaj(2, 2);
        CommonOps_DDRM.mult(s1, s2, p);
        double trSqrt = Math.sqrt(CommonOps_DDRM.trace(p) + 2 * Math.sqrt(CommonOps_DDRM.det(s1) * CommonOps_DDRM.det(s2)));
        double[] mu1 = {1, -2};
        double[] mu2 = {0.5, 1};
        double expected = 0.25 + 9 + 3 + 4 - 2 * trSqrt;
        assertThat(FrechetDistance.between(mu1, s1, mu2, s2)).isCloseTo(expected, within(1e-12));
        assertThat(FrechetDistance.between(mu2, s2, mu1, s1)).as("symmetric").isCloseTo(expected, within(1e-12));
    }

    @Test
    void commutingCovariancesMatchClosedFormIncludingSingularOnes() {
        // Σ1 = Q diag(a) Qᵀ, Σ2 = Q diag(b) Qᵀ  =>  d² = |μ1-μ2|² + Σ (√a_i - √b_i)²
        int n = 30;
        Random rng = new Random(11);
        DMatrixRMaj q = RandomMatrices_DDRM.orthogonal(n, n, rng);
        double[] a = new double[n];
        double[] b = new double[n];
        double expected = 0;
        double[] mu1 = new double[n];
        double[] mu2 = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = i < 5 ? 0 : rng.nextDouble() * 4; // Σ1 singular, as with fewer images than features
            b[i] = rng.nextDouble() * 4;
            mu1[i] = rng.nextGaussian();
            mu2[i] = rng.nextGaussian();
            expected += Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2) + Math.pow(mu1[i] - mu2[i], 2);
        }
        double d = FrechetDistance.between(mu1, rotate(q, a), mu2, rotate(q, b));
        // zero eigenvalues come back as ±1e-15, whose square roots (~3e-8) are the error floor
        assertThat(d).isCloseTo(expected, within(1e-6));
    }

    private static DMatrixRMaj rotate(DMatrixRMaj q, double[] diag) {
        int n = diag.length;
        DMatrixRMaj qd = q.copy();
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                qd.set(i, k, q.get(i, k) * diag[k]);
            }
        }
        DMatrixRMaj out = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransB(qd, q, out);
        return out;
    }

    @Test
    void statsFromSamplesApproachTheClosedForm() {
        // 3-D Gaussians with known μ and Σ = L Lᵀ; 40k samples each
        double[][] l1 = {{1, 0, 0}, {0.5, 1.2, 0}, {-0.3, 0.2, 0.8}};
        double[][] l2 = {{1.5, 0, 0}, {-0.4, 0.7, 0}, {0.1, 0.6, 1.1}};
        double[] mu1 = {0, 1, 2};
        double[] mu2 = {0.5, 1, 1};
        FeatureStats a = FeatureStats.of(sample(mu1, l1, 40_000, new Random(1)));
        FeatureStats b = FeatureStats.of(sample(mu2, l2, 40_000, new Random(2)));
        double exact = FrechetDistance.between(mu1, lltT(l1), mu2, lltT(l2));
        assertThat(exact).isGreaterThan(1);
        assertThat(FrechetDistance.between(a, b)).isCloseTo(exact, within(0.05 * exact));
        assertThat(a.mean()[2]).isCloseTo(2, within(0.02));
        assertThat(a.covariance().get(1, 0)).isCloseTo(0.5, within(0.03));
    }

    @Test
    void dimensionMismatchIsAClearError() {
        FeatureStats a = FeatureStats.of(new double[][] {{1, 2}, {3, 4}, {0, 1}});
        FeatureStats b = FeatureStats.of(new double[][] {{1, 2, 3}, {3, 4, 5}});
        assertThatThrownBy(() -> FrechetDistance.between(a, b)).hasMessageContaining("2 vs 3");
    }

    @Test
    void lapackAndEjmlBackendsAgree() {
        assertThat(LapackOps.available()).as("OpenBLAS native library loads on this platform").isTrue();
        assertThat(FrechetDistance.defaultBackend()).isEqualTo(FrechetDistance.Backend.LAPACK);
        int n = 50;
        Random rng = new Random(21);
        // a rank-deficient Σ1 (30 samples in 50 dimensions) like a few-shot data set's
        DMatrixRMaj x = RandomMatrices_DDRM.rectangle(30, n, -1, 1, rng);
        DMatrixRMaj s1 = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransA(x, x, s1);
        DMatrixRMaj s2 = randomSpd(n, rng);
        double[] mu1 = rng.doubles(n).toArray();
        double[] mu2 = rng.doubles(n).toArray();
        double ejml = FrechetDistance.between(mu1, s1, mu2, s2, FrechetDistance.Backend.EJML);
        double lapack = FrechetDistance.between(mu1, s1, mu2, s2, FrechetDistance.Backend.LAPACK);
        assertThat(lapack).isCloseTo(ejml, within(1e-7 * ejml));
        DMatrixRMaj a = LapackOps.sqrtSpdAsEjml(s2);
        DMatrixRMaj b = FrechetDistance.sqrtSpd(s2);
        for (int i = 0; i < a.data.length; i++) {
            assertThat(a.data[i]).isCloseTo(b.data[i], within(1e-10));
        }
        double[][] l1 = {{1, 0}, {0.5, 1.2}};
        assertThat(FrechetDistance.between(new double[] {0, 0}, lltT(l1), new double[] {0, 0}, lltT(l1),
                FrechetDistance.Backend.LAPACK)).isCloseTo(0, within(1e-12));
    }

    @Test
    void sampleSpaceFormulaMatchesCovarianceFormulaForFewShotSets() {
        // 12 and 9 vectors in 64 dimensions: both covariances are rank-deficient
        int d = 64;
        Random rng = new Random(31);
        float[] f1 = new float[12 * d];
        float[] f2 = new float[9 * d];
        for (int i = 0; i < f1.length; i++) {
            f1[i] = (float) (rng.nextGaussian() * (1 + i % d * 0.05) + 3);
        }
        for (int i = 0; i < f2.length; i++) {
            f2[i] = (float) (rng.nextGaussian() + 3.2);
        }
        double viaSamples = FrechetDistance.betweenSamples(f1, 12, f2, 9, d);
        double viaStats = FrechetDistance.between(FeatureStats.of(rows(f1, 12, d)), FeatureStats.of(rows(f2, 9, d)));
        assertThat(viaSamples).isGreaterThan(1);
        assertThat(viaSamples).isCloseTo(viaStats, within(1e-6 * viaStats));
        assertThat(FrechetDistance.betweenSamples(f1, 12, f1, 12, d)).isCloseTo(0, within(1e-9));
    }

    private static float[][] rows(float[] flat, int n, int d) {
        float[][] out = new float[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, out[i], 0, d);
        }
        return out;
    }

    static double[][] sample(double[] mu, double[][] l, int n, Random rng) {
        int d = mu.length;
        double[][] out = new double[n][d];
        double[] z = new double[d];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < d; i++) {
                z[i] = rng.nextGaussian();
            }
            for (int i = 0; i < d; i++) {
                double v = mu[i];
                for (int k = 0; k <= i; k++) {
                    v += l[i][k] * z[k];
                }
                out[s][i] = v;
            }
        }
        return out;
    }

    private static DMatrixRMaj lltT(double[][] l) {
        DMatrixRMaj m = new DMatrixRMaj(l);
        DMatrixRMaj out = new DMatrixRMaj(l.length, l.length);
        CommonOps_DDRM.multTransB(m, m, out);
        return out;
    }
}
