package org.fewgen.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.fewgen.nn.Module;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AdamTest {

    static final class Scalar extends Module {
        final NDArray w;

        Scalar(NDManager m, float init) {
            super(m);
            w = addParameter("w", m.create(new float[] {init}));
        }
    }

    @Test
    void twoStepsMatchTorchAdamsFormulaWithEpsAfterTheBiasCorrection() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Scalar s = new Scalar(manager, 1f);
            // a large eps tells torch.optim.Adam's placement (after the bias correction) from the paper's
            Adam adam = new Adam(s, 0.1f, 0.5f, 0.9f, 0.5f, 0f);
            double w = 1, m = 0, v = 0;
            for (int t = 1; t <= 2; t++) {
                try (NDManager step = manager.newSubManager();
                     GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray loss = s.w.mul(s.w).mul(3); // dL/dw = 6w
                    gc.backward(loss);
                }
                double g = 6 * w;
                m = 0.5 * m + 0.5 * g;
                v = 0.9 * v + 0.1 * g * g;
                w -= 0.1 / (1 - Math.pow(0.5, t)) * m / (Math.sqrt(v) / Math.sqrt(1 - Math.pow(0.9, t)) + 0.5);
                adam.step();
                assertThat((double) s.w.getFloat(0)).isCloseTo(w, within(1e-6));
            }
            assertThat(adam.state()).containsKeys("m.w", "v.w");
            assertThat(adam.state().get("m.w").getFloat(0)).isCloseTo((float) m, within(1e-5f));
            assertThat(s.w.getGradient().getFloat(0)).isEqualTo(0f);
        }
    }

    @Test
    void withBeta1ZeroTheStepIsTheGradientOverItsRmsAndNoFirstMomentIsKept() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Scalar s = new Scalar(manager, 1f);
            Adam adam = new Adam(s, 0.01f, 0f, 0.99f, 1e-8f, 0.5f);
            double w = 1, v = 0;
            for (int t = 1; t <= 3; t++) {
                try (NDManager step = manager.newSubManager();
                     GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    gc.backward(s.w.mul(s.w).mul(3)); // dL/dw = 6w
                }
                double g = 6 * w + 0.5 * w; // plus the L2 term
                v = 0.99 * v + 0.01 * g * g;
                w -= 0.01 * g / (Math.sqrt(v) / Math.sqrt(1 - Math.pow(0.99, t)) + 1e-8);
                adam.step();
                assertThat((double) s.w.getFloat(0)).isCloseTo(w, within(1e-6));
            }
            assertThat(adam.state()).containsOnlyKeys("v.w");
            assertThat((double) adam.state().get("v.w").getFloat(0)).isCloseTo(v, within(1e-5 * v));
            assertThat(s.w.getGradient().getFloat(0)).isEqualTo(0f);
        }
    }
}
