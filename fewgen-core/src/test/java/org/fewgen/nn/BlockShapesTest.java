package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Output shapes of every block at 64² and 256² (few channels, so that it stays fast). */
class BlockShapesTest {

    @ParameterizedTest
    @ValueSource(ints = {64, 256})
    void everyBlockGivesTheDocumentedShape(int res) {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            NDArray big = m.randomNormal(new Shape(2, 4, res, res));
            NDArray half = m.randomNormal(new Shape(2, 6, res / 2, res / 2));
            NDArray small = m.randomNormal(new Shape(2, 8, res / 16, res / 16));

            assertThat(new SpectralConv2d(m, 4, 5, 3, 1, 1, false).forward(big).getShape())
                    .isEqualTo(new Shape(2, 5, res, res));
            assertThat(new DepthwiseSeparableConv(m, 4, 5, 3).forward(big).getShape())
                    .isEqualTo(new Shape(2, 5, res, res));
            assertThat(Activations.glu(big).getShape()).isEqualTo(new Shape(2, 2, res, res));
            assertThat(new SkipExcitation(m, 8, 4).forward(small, big).getShape())
                    .isEqualTo(new Shape(2, 4, res, res));
            for (boolean separable : new boolean[] {false, true}) {
                assertThat(new UpBlock(m, 6, 4, separable).forward(half).getShape())
                        .isEqualTo(new Shape(2, 4, res, res));
                assertThat(new DownBlock(m, 4, 6, separable).forward(big).getShape())
                        .isEqualTo(new Shape(2, 6, res / 2, res / 2));
            }
            assertThat(new InitLayer(m, 16, 8).forward(m.randomNormal(new Shape(2, 16))).getShape())
                    .isEqualTo(new Shape(2, 8, 4, 4));
            assertThat(Resample.bilinear(big, 224, 224, false).getShape()).isEqualTo(new Shape(2, 4, 224, 224));
        }
    }
}
