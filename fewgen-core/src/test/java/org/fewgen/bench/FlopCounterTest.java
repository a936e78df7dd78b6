package org.fewgen.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.fewgen.nn.Conv2d;
import org.fewgen.nn.FlopCounter;
import org.fewgen.nn.Linear;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FlopCounterTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        if (FlopCounter.isEnabled()) {
            FlopCounter.stop();
        }
        manager.close();
    }

    @Test
    void convolutionWithoutGradientsCountsItsMultiplyAddsTwice() {
        NDArray x = manager.randomNormal(new Shape(2, 3, 8, 8));
        NDArray w = manager.randomNormal(new Shape(4, 3, 3, 3));
        Conv2d.conv2d(x, w, null, 1, 1, 1, Conv2d.Padding.SYMMETRIC); // before start: not counted

        FlopCounter.start();
        NDArray y = Conv2d.conv2d(x, w, null, 1, 1, 1, Conv2d.Padding.SYMMETRIC);
        FlopCounter.Totals t = FlopCounter.stop();

        assertThat(y.getShape()).isEqualTo(new Shape(2, 4, 8, 8));
        // 2·4·8·8 outputs, each 3·3·3 multiply-adds, 2 FLOPs each
        assertThat(t.forwardFlops()).isEqualTo(2L * (2 * 4 * 8 * 8) * 27);
        assertThat(t.backwardFlops()).isZero();
        assertThat(t.calls()).isEqualTo(1);
    }

    @Test
    void backwardCountsOneForwardPerOperandThatNeedsAGradient() {
        NDArray x = manager.randomNormal(new Shape(2, 3, 8, 8));
        NDArray w = manager.randomNormal(new Shape(4, 3, 3, 3));
        long forward = 2L * (2 * 4 * 4 * 4) * 27; // stride 2: 8×8 → 4×4

        w.setRequiresGradient(true);
        FlopCounter.start();
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            gc.backward(Conv2d.conv2d(x, w, null, 2, 1, 1, Conv2d.Padding.SYMMETRIC).sum());
        }
        FlopCounter.Totals weightOnly = FlopCounter.stop();

        x.setRequiresGradient(true);
        FlopCounter.start();
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            gc.backward(Conv2d.conv2d(x, w, null, 2, 1, 1, Conv2d.Padding.SYMMETRIC).sum());
        }
        FlopCounter.Totals both = FlopCounter.stop();

        assertThat(weightOnly.forwardFlops()).isEqualTo(forward);
        assertThat(weightOnly.backwardFlops()).isEqualTo(forward);
        assertThat(both.backwardFlops()).isEqualTo(2 * forward);
        assertThat(both.totalFlops()).isEqualTo(3 * forward);
    }

    @Test
    void intermediateOperandsWithAGradientFunctionCountTowardsBackward() {
        NDArray x = manager.randomNormal(new Shape(2, 3, 8, 8));
        NDArray w = manager.randomNormal(new Shape(4, 3, 3, 3));
        x.setRequiresGradient(true);
        w.setRequiresGradient(true);
        long forward = 2L * (2 * 4 * 8 * 8) * 27;

        FlopCounter.start();
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            // both operands are results (as a layer's input and a spectrally normalised weight are)
            gc.backward(Conv2d.conv2d(x.mul(2f), w.div(3f), null, 1, 1, 1, Conv2d.Padding.SYMMETRIC).sum());
        }
        FlopCounter.Totals t = FlopCounter.stop();

        assertThat(t.forwardFlops()).isEqualTo(forward);
        assertThat(t.backwardFlops()).isEqualTo(2 * forward);
    }

    @Test
    void depthwiseAndLinearCountTheirOwnMultiplyAdds() {
        NDArray x = manager.randomNormal(new Shape(2, 6, 5, 5));
        NDArray dw = manager.randomNormal(new Shape(6, 1, 3, 3));
        Linear fc = new Linear(manager, 7, 4, true);
        NDArray v = manager.randomNormal(new Shape(5, 7));

        FlopCounter.start();
        Conv2d.conv2d(x, dw, null, 1, 1, 6, Conv2d.Padding.SYMMETRIC);
        fc.forward(v);
        FlopCounter.Totals t = FlopCounter.stop();

        long depthwise = 2L * (2 * 6 * 5 * 5) * 9;
        long linear = 2L * 5 * 4 * 7;
        assertThat(t.forwardFlops()).isEqualTo(depthwise + linear);
        assertThat(t.calls()).isEqualTo(2);
    }
}
