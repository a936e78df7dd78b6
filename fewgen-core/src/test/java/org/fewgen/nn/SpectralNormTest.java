package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SpectralNormTest {

    @Test
    void sigmaConvergesToTheLargestSingularValueOfAKnownMatrix() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            // [[2,1,0],[1,2,0],[0,0,1],[0,0,0]]: singular values 3, 1, 1
            SpectralConv2d conv = new SpectralConv2d(m, 3, 4, 1, 1, 0, false);
            float[] w = {2, 1, 0, 1, 2, 0, 0, 0, 1, 0, 0, 0};
            Tensors.copyInto(m.create(w, new Shape(4, 3, 1, 1)), conv.getWeight());
            assertThat(conv.parameterCount()).isEqualTo(12);
            assertThat(conv.namedBuffers()).containsOnlyKeys("weight_u", "weight_v");
            float sigma = 0;
            for (int i = 0; i < 60; i++) {
                try (NDScope s = new NDScope()) {
                    s.suppressNotUsedWarning();
                    sigma = conv.sigma().getFloat();
                }
            }
            assertThat(sigma).isCloseTo(3f, within(1e-4f));
            // in eval mode the estimate no longer moves, and the forward uses W/σ
            conv.train(false);
            try (NDScope s = new NDScope()) {
                s.suppressNotUsedWarning();
                NDArray x = m.create(new float[] {1, 1, 0}, new Shape(1, 3, 1, 1));
                float[] y = conv.forward(x).toFloatArray();
                assertThat(y[0]).isCloseTo(3f / sigma, within(1e-5f));
                assertThat(y[2]).isCloseTo(0f, within(1e-6f));
            }
        }
    }

    @Test
    void transposedConvolutionNormalisesOverOutputChannels() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            int in = 5;
            int out = 3;
            int k = 2;
            SpectralConvTranspose2d convT = new SpectralConvTranspose2d(m, in, out, k, 0, false);
            float[] w = convT.getWeight().toFloatArray(); // (in, out, k, k)
            // PyTorch's dim=1 matrix: rows = out, cols = (in, kh, kw)
            DMatrixRMaj mat = new DMatrixRMaj(out, in * k * k);
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    for (int s = 0; s < k * k; s++) {
                        mat.set(o, i * k * k + s, w[(i * out + o) * k * k + s]);
                    }
                }
            }
            SingularValueDecomposition_F64<DMatrixRMaj> svd =
                    DecompositionFactory_DDRM.svd(out, in * k * k, false, false, true);
            assertThat(svd.decompose(mat)).isTrue();
            double top = 0;
            for (double sv : svd.getSingularValues()) {
                top = Math.max(top, sv);
            }
            float sigma = 0;
            for (int i = 0; i < 80; i++) {
                try (NDScope s = new NDScope()) {
                    s.suppressNotUsedWarning();
                    sigma = convT.sigma().getFloat();
                }
            }
            assertThat((double) sigma).isCloseTo(top, within(1e-3 * top));
        }
    }

    @Test
    void transposedConvolutionOfALatentMatchesTheDefinition() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            int in = 4;
            int out = 3;
            int k = 4;
            SpectralConvTranspose2d convT = new SpectralConvTranspose2d(m, in, out, k, 0, false);
            convT.train(false);
            Random rnd = new Random(3);
            float[] z = new float[2 * in];
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) rnd.nextGaussian();
            }
            try (NDScope s = new NDScope()) {
                s.suppressNotUsedWarning();
                float sigma = convT.sigma().getFloat();
                float[] w = convT.getWeight().toFloatArray();
                NDArray fast = convT.forward(m.create(z, new Shape(2, in, 1, 1)));
                assertThat(fast.getShape()).isEqualTo(new Shape(2, out, k, k));
                float[] y = fast.toFloatArray();
                for (int n = 0; n < 2; n++) {
                    for (int o = 0; o < out; o++) {
                        for (int p = 0; p < k * k; p++) {
                            double want = 0;
                            double magnitude = 0;
                            for (int i = 0; i < in; i++) {
                                double term = z[n * in + i] * w[(i * out + o) * k * k + p];
                                want += term;
                                magnitude += Math.abs(term);
                            }
                            // float32 rounding scales with the terms' size, and the weights are random
                            // (σ can be small, so outputs in the hundreds occur): a relative bound
                            double tolerance = 1e-5 * Math.max(1, magnitude / sigma);
                            assertThat((double) y[(n * out + o) * k * k + p]).isCloseTo(want / sigma, within(tolerance));
                        }
                    }
                }
                // the general path (flipped kernel convolution) gives the same for a 1×1 input padded to 2×2
                NDArray padded = m.zeros(new Shape(2, in, 2, 2));
                padded.set(new ai.djl.ndarray.index.NDIndex(":, :, 0, 0"), m.create(z, new Shape(2, in)));
                NDArray general = convT.forward(padded);
                assertThat(general.getShape()).isEqualTo(new Shape(2, out, k + 1, k + 1));
                NDArray corner = general.get(":, :, 0:4, 0:4");
                float largest = fast.abs().max().getFloat();
                assertThat(corner.sub(fast).abs().max().getFloat()).isLessThan(1e-5f * Math.max(1f, largest));
            }
        }
    }

    @Test
    void bothDivisionOrdersGiveTheNormalisedConvolutionAndOnlyTrainingMovesU() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            // 1×1 output from a large weight: σ divides the output; with a bias: σ divides the weight
            for (boolean bias : new boolean[] {false, true}) {
                SpectralConv2d conv = new SpectralConv2d(m, 32, 16, 4, 1, 0, bias);
                NDArray x = m.randomNormal(new Shape(2, 32, 4, 4));
                NDArray u = conv.getU();
                float[] before = u.toFloatArray();
                conv.forward(x);
                assertThat(u.toFloatArray()).isNotEqualTo(before); // one power-iteration step, in place
                conv.train(false);
                float[] frozen = u.toFloatArray();
                NDArray y = conv.forward(x);
                assertThat(u.toFloatArray()).isEqualTo(frozen);
                NDArray want = Conv2d.conv2d(x, conv.normalizedWeight(), conv.getBias(), 1, 0, 1, Conv2d.Padding.SYMMETRIC);
                assertThat(y.getShape()).isEqualTo(new Shape(2, 16, 1, 1));
                assertThat(y.sub(want).abs().max().getFloat()).as("bias " + bias).isLessThan(1e-4f);
            }
        }
    }
}
