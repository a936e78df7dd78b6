package org.fewgen.cs;

import ai.djl.ndarray.NDManager;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PcaTest {

    /** Σ = R diag(9, 4, 1) Rᵀ with R a rotation in the first two axes by 30°. */
    private static DMatrixRMaj knownCovariance(double[][] axes) {
        double c = Math.cos(Math.PI / 6);
        double s = Math.sin(Math.PI / 6);
        axes[0] = new double[] {c, s, 0};
        axes[1] = new double[] {-s, c, 0};
        axes[2] = new double[] {0, 0, 1};
        double[] values = {9, 4, 1};
        DMatrixRMaj cov = new DMatrixRMaj(3, 3);
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    cov.add(i, j, values[k] * axes[k][i] * axes[k][j]);
                }
            }
        }
        return cov;
    }

    @Test
    void directionsMatchTheEigenvectorsOfAKnownCovariance() {
        double[][] axes = new double[3][];
        Pca pca = Pca.fromCovariance(new double[3], knownCovariance(axes));
        assertThat(pca.eigenvalues()).containsExactly(new double[] {9, 4, 1}, within(1e-9));
        float[] w = pca.directions(2);
        for (int k = 0; k < 2; k++) {
            double dot = 0;
            for (int j = 0; j < 3; j++) {
                dot += w[k * 3 + j] * axes[k][j];
            }
            assertThat(Math.abs(dot)).isCloseTo(1, within(1e-6));
        }
    }

    @Test
    void fitRecoversTheLeadingDirectionFromSamples() {
        double[][] axes = new double[3][];
        knownCovariance(axes);
        Random r = new Random(1);
        int count = 20000;
        float[] rows = new float[count * 3];
        double[] sd = {3, 2, 1};
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < 3; k++) {
                double g = r.nextGaussian() * sd[k];
                for (int j = 0; j < 3; j++) {
                    rows[i * 3 + j] += (float) (g * axes[k][j]);
                }
            }
            rows[i * 3] += 5; // a mean that PCA must remove
        }
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Pca pca = Pca.fit(rows, count, 3, manager);
            assertThat(pca.mean()[0]).isCloseTo(5, within(0.1));
            float[] w = pca.directions(1);
            double dot = w[0] * axes[0][0] + w[1] * axes[0][1] + w[2] * axes[0][2];
            assertThat(Math.abs(dot)).isGreaterThan(0.995);
            assertThat(pca.eigenvalues()[0]).isCloseTo(9, within(0.4));
        }
    }

    @Test
    void wienerDecoderShrinksEachPrincipalCoordinateByItsSignalToNoiseRatio() {
        double[][] axes = new double[3][];
        double[] mean = {1, 2, 3};
        Pca pca = Pca.fromCovariance(mean, knownCovariance(axes));
        float[] w = pca.directions(1);
        double sigma = 2; // λ₁ = 9, so the gain is 9 / (9 + 4)
        Pca.LinearDecoder dec = pca.linearDecoder(w, 1, sigma);
        double wMu = w[0] * 1 + w[1] * 2 + w[2] * 3;
        float y = 4f;
        float[] xHat = dec.decode(new float[] {y}, 1);
        for (int j = 0; j < 3; j++) {
            double expected = mean[j] + w[j] * 9.0 / 13.0 * (y - wMu);
            assertThat((double) xHat[j]).isCloseTo(expected, within(1e-5));
        }
    }
}
