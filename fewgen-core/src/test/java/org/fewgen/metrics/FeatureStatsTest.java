package org.fewgen.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FeatureStatsTest {

    @Test
    void batchedAccumulatorMatchesDirectComputationDespiteLargeOffset() {
        Random rng = new Random(7);
        int n = 300;
        int d = 16;
        double[][] x = new double[n][d];
        float[] flat = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                // a large common offset is where E[xxᵀ]-μμᵀ would cancel badly
                x[i][j] = 1000 + rng.nextGaussian() * (1 + j * 0.1) + (j > 0 ? x[i][j - 1] - 1000 : 0) * 0.3;
                flat[i * d + j] = (float) x[i][j];
                x[i][j] = flat[i * d + j];
            }
        }
        FeatureStats direct = FeatureStats.of(x);
        try (NDManager m = NDManager.newBaseManager();
             FeatureStats.Accumulator acc = new FeatureStats.Accumulator(m)) {
            NDArray all = m.create(flat, new ai.djl.ndarray.types.Shape(n, d));
            for (int start = 0; start < n; start += 70) {
                acc.add(all.get(start + ":" + Math.min(n, start + 70)));
            }
            FeatureStats batched = acc.finish();
            assertThat(batched.count()).isEqualTo(n);
            for (int j = 0; j < d; j++) {
                assertThat(batched.mean()[j]).isCloseTo(direct.mean()[j], within(1e-9));
            }
            double[] a = batched.covariance().data;
            double[] b = direct.covariance().data;
            for (int i = 0; i < a.length; i++) {
                assertThat(a[i]).isCloseTo(b[i], within(1e-9));
            }
            assertThat(FrechetDistance.between(batched, direct)).isCloseTo(0, within(1e-8));
        }
    }

    @Test
    void fidOfASetAgainstItselfIsZeroAndShiftAddsSquaredNorm() {
        Random rng = new Random(9);
        double[][] x = new double[500][8];
        double[][] shifted = new double[500][8];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 8; j++) {
                x[i][j] = rng.nextGaussian() * (j + 1);
                shifted[i][j] = x[i][j] + 0.5;
            }
        }
        FeatureStats a = FeatureStats.of(x);
        assertThat(FrechetDistance.between(a, a)).isCloseTo(0, within(1e-9));
        // a pure translation keeps Σ, so FID is exactly |shift|² = 8 · 0.25
        assertThat(FrechetDistance.between(a, FeatureStats.of(shifted))).isCloseTo(2.0, within(1e-8));
    }
}
