package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** BatchNorm2d against values worked out by hand, in eval and training mode. */
class BatchNorm2dTest {

    @Test
    void evalUsesRunningStatisticsAndAffineParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            BatchNorm2d bn = new BatchNorm2d(m, 2, 1e-3, 0.1);
            Tensors.copyInto(m.create(new float[]{2f, 3f}), bn.getWeight());
            Tensors.copyInto(m.create(new float[]{0.5f, -1f}), bn.namedParameters().get("bias"));
            Tensors.copyInto(m.create(new float[]{1f, -2f}), bn.namedBuffers().get("running_mean"));
            Tensors.copyInto(m.create(new float[]{4f, 0.25f}), bn.namedBuffers().get("running_var"));
            bn.train(false);
            NDArray x = m.create(new float[]{5f, 1f}, new Shape(1, 2, 1, 1));
            float[] y = bn.forward(x).toFloatArray();
            assertThat(y[0]).isCloseTo((float) (2 * (5 - 1) / Math.sqrt(4.001) + 0.5), within(1e-5f));
            assertThat(y[1]).isCloseTo((float) (3 * (1 + 2) / Math.sqrt(0.251) - 1), within(1e-5f));
        }
    }

    @Test
    void trainingNormalisesWithBatchStatisticsAndMovesRunningOnes() {
        try (NDManager m = NDManager.newBaseManager()) {
            BatchNorm2d bn = new BatchNorm2d(m, 1, 1e-5, 0.1);
            bn.train(true);
            NDArray x = m.create(new float[]{1f, 3f}, new Shape(2, 1, 1, 1));
            float[] y = bn.forward(x).toFloatArray();
            assertThat(y[0]).isCloseTo(-1f, within(1e-4f));
            assertThat(y[1]).isCloseTo(1f, within(1e-4f));
            // PyTorch: running = 0.9 old + 0.1 batch, with the unbiased batch variance (2)
            assertThat(bn.namedBuffers().get("running_mean").getFloat(0)).isCloseTo(0.2f, within(1e-6f));
            assertThat(bn.namedBuffers().get("running_var").getFloat(0)).isCloseTo(1.1f, within(1e-6f));
            assertThat(bn.getWeight().getFloat(0)).isEqualTo(1f);
        }
    }

    @Test
    void foldedIntoAConvolutionGivesConvolutionThenEvalBatchNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            for (int groups : new int[]{1, 4}) {
                BatchNorm2d bn = new BatchNorm2d(m, 4, 1e-3, 0.1);
                Tensors.copyInto(m.randomNormal(new Shape(4)), bn.getWeight());
                Tensors.copyInto(m.randomNormal(new Shape(4)), bn.namedParameters().get("bias"));
                Tensors.copyInto(m.randomNormal(new Shape(4)), bn.namedBuffers().get("running_mean"));
                Tensors.copyInto(m.randomUniform(0.1f, 3f, new Shape(4)), bn.namedBuffers().get("running_var"));
                bn.train(false);
                NDArray w = m.randomNormal(new Shape(4, 4 / groups, 3, 3));
                NDArray x = m.randomNormal(new Shape(2, 4, 5, 5));
                NDArray separate = bn.forward(Conv2d.conv2d(x, w, null, 1, 1, groups, Conv2d.Padding.SYMMETRIC));
                try (BatchNorm2d.Folded folded = bn.fold(w)) {
                    NDArray one = Conv2d.conv2d(x, folded.weight(), folded.bias(), 1, 1, groups,
                            Conv2d.Padding.SYMMETRIC);
                    float scale = separate.abs().max().getFloat();
                    assertThat(one.sub(separate).abs().max().getFloat()).as("groups " + groups)
                            .isLessThan(1e-5f * scale);
                    assertThat(folded.weight().hasGradient()).isFalse();
                }
            }
        }
    }
}
