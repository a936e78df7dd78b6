package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DepthwiseSeparableConvTest {

    @Test
    void equalsGroupedThenPointwiseConvolutionComputedByHand() {
        int cin = 2;
        int cout = 3;
        int h = 4;
        int w = 3;
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            DepthwiseSeparableConv dsc = new DepthwiseSeparableConv(m, cin, cout, 3);
            dsc.train(false);
            assertThat(dsc.parameterCount()).isEqualTo(cin * 9 + cin * cout);
            assertThat(dsc.namedParameters()).containsOnlyKeys("depthwise.weight_orig", "pointwise.weight_orig");
            float[] dw = dsc.depthwise().normalizedWeight().toFloatArray(); // (cin, 1, 3, 3)
            float[] pw = dsc.pointwise().normalizedWeight().toFloatArray(); // (cout, cin, 1, 1)
            Random rnd = new Random(11);
            float[] x = new float[cin * h * w];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            NDArray y = dsc.forward(m.create(x, new Shape(1, cin, h, w)));
            assertThat(y.getShape()).isEqualTo(new Shape(1, cout, h, w));
            float[] got = y.toFloatArray();
            double[] depth = new double[cin * h * w];
            double[] depthSize = new double[cin * h * w];
            for (int c = 0; c < cin; c++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        double acc = 0;
                        double size = 0;
                        for (int a = -1; a <= 1; a++) {
                            for (int b = -1; b <= 1; b++) {
                                int ii = i + a;
                                int jj = j + b;
                                if (ii >= 0 && ii < h && jj >= 0 && jj < w) {
                                    double term = dw[c * 9 + (a + 1) * 3 + (b + 1)] * x[(c * h + ii) * w + jj];
                                    acc += term;
                                    size += Math.abs(term);
                                }
                            }
                        }
                        depth[(c * h + i) * w + j] = acc;
                        depthSize[(c * h + i) * w + j] = size;
                    }
                }
            }
            for (int o = 0; o < cout; o++) {
                for (int p = 0; p < h * w; p++) {
                    double want = 0;
                    double magnitude = 0;
                    for (int c = 0; c < cin; c++) {
                        want += pw[o * cin + c] * depth[c * h * w + p];
                        magnitude += Math.abs(pw[o * cin + c]) * depthSize[c * h * w + p];
                    }
                    // relative to Σ|term|: untrained σ = uᵀWv can be tiny, making big terms that may cancel
                    assertThat((double) got[o * h * w + p]).isCloseTo(want, within(1e-5 * (1 + magnitude)));
                }
            }
        }
    }
}
