package org.fewgen.cs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LassoTest {

    @Test
    void fistaMatchesSoftThresholdingForAnOrthonormalMatrix() {
        int n = 12;
        int count = 4;
        double lambda = 0.3;
        Random r = new Random(5);
        DMatrixRMaj g = RandomMatrices_DDRM.rectangleGaussian(n, n, 0, 1, r);
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(n, n);
        qr.decompose(g);
        DMatrixRMaj q = qr.getQ(null, false);
        float[] a = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) q.data[i];
        }
        float[] y = new float[count * n];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) r.nextGaussian();
        }
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray b = manager.create(a, new Shape(n, n));
            Lasso.Solution s = Lasso.fista(b, manager.create(y, new Shape(count, n)), lambda, 5000, 1e-12);
            // for orthonormal A the minimiser is soft(Aᵀy, λ), coordinate by coordinate
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < n; j++) {
                    double aty = 0;
                    for (int k = 0; k < n; k++) {
                        aty += a[k * n + j] * y[i * n + k];
                    }
                    double expected = Math.signum(aty) * Math.max(Math.abs(aty) - lambda, 0);
                    assertThat((double) s.coefficients()[i * n + j]).isCloseTo(expected, within(1e-4));
                }
            }
            assertThat(s.hitCap()).isFalse();
            assertThat(s.iterations()).isLessThan(5000);
        }
    }

    @Test
    void fistaReportsTheIterationCap() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            float[] a = Lasso.gaussianMatrix(5, 30, 1);
            float[] y = new float[2 * 5];
            java.util.Arrays.fill(y, 1f);
            Lasso.Solution s = Lasso.fista(manager.create(a, new Shape(5, 30)), manager.create(y, new Shape(2, 5)),
                    1e-4, 3, 1e-12);
            assertThat(s.iterations()).isEqualTo(3);
            assertThat(s.hitCap()).isTrue();
        }
    }

    @Test
    void dctBasisIsOrthonormal() {
        int side = 6;
        int n = side * side;
        float[] psi = Dct.matrix2d(side);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < n; k++) {
                    dot += psi[i * n + k] * psi[j * n + k];
                }
                assertThat(dot).isCloseTo(i == j ? 1 : 0, within(1e-5));
            }
        }
        // the first basis vector is the constant image
        assertThat(psi[0]).isCloseTo(1f / side, within(1e-6f));
        assertThat(psi[n - 1]).isCloseTo(1f / side, within(1e-6f));
    }

    @Test
    void recoveryIsClippedAndSparseSignalsAreRecovered() {
        int n = 64;
        int m = 40;
        float[] a = Lasso.gaussianMatrix(m, n, 2);
        float[] x = new float[n];
        x[3] = 0.9f;
        x[17] = 0.5f;
        x[40] = 1f;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Lasso l = new Lasso(manager, a, m, n, Lasso.Basis.PIXEL, 8, 1e-3, 0, 5000, 1e-9);
            float[] xHat = l.reconstruct(x, 1, null);
            for (int j = 0; j < n; j++) {
                assertThat(xHat[j] + 0f).isBetween(0f, 1f); // + 0f turns a clipped -0.0 into 0.0
                assertThat((double) xHat[j]).isCloseTo(x[j], within(0.02));
            }
        }
    }
}
