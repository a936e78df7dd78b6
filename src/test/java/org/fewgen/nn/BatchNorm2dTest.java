package org.fewgen.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BatchNorm2dTest {

    static final class Holder extends Module {
        final BatchNorm2d bn;

        Holder(NDManager m) {
            super(m);
            bn = addChild("bn", new BatchNorm2d(m, 1));
        }
    }

    @Test
    void trainingUsesBatchStatisticsAndMovesRunningOnesEvalUsesRunningOnes() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Holder h = new Holder(m);
            BatchNorm2d bn = h.bn;
            Tensors.copyInto(m.create(new float[] {2f}), bn.getWeight());
            Tensors.copyInto(m.create(new float[] {1f}), h.namedParameters().get("bn.bias"));
            NDArray x = m.create(new float[] {1, 3, 5, 7}, new Shape(2, 1, 1, 2)); // mean 4, biased var 5
            try (NDScope s = new NDScope(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                s.suppressNotUsedWarning();
                NDArray y = bn.forward(x);
                float[] v = y.toFloatArray();
                assertThat(v[0]).isCloseTo((float) (2 * (1 - 4) / Math.sqrt(5 + 1e-5) + 1), within(1e-4f));
                gc.backward(y.sum());
            }
            try (NDArray gw = bn.getWeight().getGradient()) {
                assertThat(Math.abs(gw.getFloat(0))).isLessThan(1e-4f); // Σ normalised values = 0
            }
            // running stats: 0.9·0 + 0.1·4 and 0.9·1 + 0.1·(unbiased var 20/3)
            assertThat(h.namedBuffers().get("bn.running_mean").getFloat(0)).isCloseTo(0.4f, within(1e-5f));
            assertThat(h.namedBuffers().get("bn.running_var").getFloat(0))
                    .isCloseTo(0.9f + 0.1f * 20f / 3f, within(1e-5f));
            bn.train(false);
            try (NDScope s = new NDScope()) {
                s.suppressNotUsedWarning();
                float mean = 0.4f;
                float var = 0.9f + 0.1f * 20f / 3f;
                float y0 = bn.forward(x).toFloatArray()[0];
                assertThat(y0).isCloseTo((float) (2 * (1 - mean) / Math.sqrt(var + 1e-5) + 1), within(1e-4f));
            }
        }
    }
}
