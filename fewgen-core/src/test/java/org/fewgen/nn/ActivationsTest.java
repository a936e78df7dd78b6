package org.fewgen.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ActivationsTest {

    @Test
    void relu6HasTheValuesOfAClampAndPyTorchsGradientAtTheCorners() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = m.create(new float[] {-2f, -1e-7f, 0f, 1e-7f, 3f, 5.9999995f, 6f, 7f});
            x.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                y = Activations.relu6(x);
                gc.backward(y.sum());
            }
            assertThat(y.toFloatArray()).containsExactly(0f, 0f, 0f, 1e-7f, 3f, 5.9999995f, 6f, 6f);
            // hardtanh / tf.nn.relu6: 1 strictly inside (0, 6), 0 at both corners (clamp's would be 1 there)
            assertThat(x.getGradient().toFloatArray()).containsExactly(0f, 0f, 0f, 1f, 1f, 1f, 0f, 0f);
        }
    }
}
