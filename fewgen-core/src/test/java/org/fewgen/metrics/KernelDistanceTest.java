package org.fewgen.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class KernelDistanceTest {

    private static float[] gaussian(Random rng, int n, int d, double shift) {
        float[] out = new float[n * d];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (rng.nextGaussian() + shift);
        }
        return out;
    }

    @Test
    void identicalSetsGiveZeroAndShiftedSetsPositive() {
        int n = 200;
        int d = 32;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(gaussian(new Random(1), n, d, 0), new Shape(n, d));
            NDArray b = m.create(gaussian(new Random(2), n, d, 0), new Shape(n, d));
            NDArray shifted = m.create(gaussian(new Random(3), n, d, 0.5), new Shape(n, d));

            KernelDistance.Result same = KernelDistance.compute(a, a, 10, 100, 0);
            KernelDistance.Result sameDist = KernelDistance.compute(a, b, 10, 100, 0);
            KernelDistance.Result far = KernelDistance.compute(a, shifted, 10, 100, 0);
            // identical sets: subsets drawn independently share rows, which pulls the estimate
            // slightly below zero; it stays tiny next to a real difference
            assertThat(Math.abs(same.mean())).isLessThan(0.1 * far.mean());
            assertThat(far.mean()).isGreaterThan(10 * Math.abs(sameDist.mean()) + 0.1);
            assertThat(far.std()).isGreaterThan(0);
            assertThat(far.subsets()).isEqualTo(10);
            assertThat(far.subsetSize()).isEqualTo(100);
        }
    }

    @Test
    void fullSubsetOfIdenticalSetsIsExactlyTheDiagonalCorrection() {
        // with X = Y and the whole set as the subset, MMD²_u = 2 mean_{i≠j} k - 2 mean_{i,j} k,
        // which is checked against a direct host computation of the kernel
        int n = 5;
        int d = 3;
        float[] v = gaussian(new Random(4), n, d, 0);
        double offDiag = 0;
        double all = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += (double) v[i * d + k] * v[j * d + k];
                }
                double kv = Math.pow(dot / d + 1, 3);
                all += kv;
                if (i != j) {
                    offDiag += kv;
                }
            }
        }
        double expected = 2 * offDiag / (n * (n - 1.0)) - 2 * all / (n * n);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(v, new Shape(n, d));
            KernelDistance.Result r = KernelDistance.compute(a, a, 3, 1000, 0);
            assertThat(r.subsetSize()).as("capped by the set size").isEqualTo(n);
            assertThat(r.mean()).isCloseTo(expected, within(1e-9));
            assertThat(r.std()).isCloseTo(0, within(1e-12));
        }
    }

    @Test
    void tooFewImagesIsAClearError() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2}, new Shape(1, 2));
            assertThatThrownBy(() -> KernelDistance.compute(a, a, 1)).hasMessageContaining("at least 2 images");
        }
    }
}
