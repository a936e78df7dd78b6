package org.fewgen.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.fewgen.TestNumerics;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * bf16 mixed precision layer by layer: each layer's output, input gradient and weight gradient
 * under {@link Autocast} bf16 agree with fp32 within bfloat16 rounding (relative error ~1e-2),
 * really differ from fp32 (so bf16 did run), and every result and gradient is float32.
 */
class AutocastTest {

    /** Output, input gradient and the gradient of every parameter of {@code layer} on {@code x}. */
    private static float[][] forwardBackward(NDManager m, Module layer, Function<NDArray, NDArray> f, NDArray x0,
                                             Precision p) {
        NDArray x = x0.duplicate();
        x.setRequiresGradient(true);
        layer.namedParameters().values().forEach(w -> ai.djl.pytorch.jni.JniUtils.zeroGrad(Tensors.pt(w)));
        float[] y;
        try (Autocast.Scope s = Autocast.enter(p);
             GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray out = f.apply(x);
            assertThat(out.getDataType()).as("output type").isEqualTo(DataType.FLOAT32);
            y = out.toFloatArray();
            // a fixed, non-uniform upstream gradient
            NDArray g = m.randomUniform(-1, 1, out.getShape(), DataType.FLOAT32, out.getDevice());
            gc.backward(out.mul(g).sum());
        }
        float[][] res = new float[2 + layer.namedParameters().size()][];
        res[0] = y;
        assertThat(x.getGradient().getDataType()).isEqualTo(DataType.FLOAT32);
        res[1] = x.getGradient().toFloatArray();
        int i = 2;
        for (NDArray w : layer.namedParameters().values()) {
            assertThat(w.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(w.getGradient().getDataType()).isEqualTo(DataType.FLOAT32);
            res[i++] = w.getGradient().toFloatArray();
        }
        return res;
    }

    private static void checkClose(String what, Module layer, Function<NDArray, NDArray> f, Shape in, boolean bf16Runs) {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            ai.djl.pytorch.jni.JniUtils.setSeed(3);
            NDArray x = m.randomNormal(in);
            ai.djl.pytorch.jni.JniUtils.setSeed(4);
            float[][] ref = forwardBackward(m, layer, f, x, Precision.FP32);
            ai.djl.pytorch.jni.JniUtils.setSeed(4);
            float[][] got = forwardBackward(m, layer, f, x, Precision.BF16);
            double largest = 0;
            for (int k = 0; k < ref.length; k++) {
                double e = TestNumerics.relativeNorm(got[k], ref[k]);
                assertThat(e).as("%s: relative error of %s", what, k == 0 ? "output" : k == 1 ? "input gradient"
                        : "parameter gradient " + (k - 2)).isLessThan(2e-2);
                largest = Math.max(largest, e);
            }
            if (bf16Runs) {
                // bf16 has 8 mantissa bits: a bf16 computation cannot agree with fp32 to 1e-4
                assertThat(largest).as("%s: bf16 really ran", what).isGreaterThan(1e-4);
            } else {
                assertThat(largest).as("%s: stays fp32", what).isEqualTo(0);
            }
        }
    }

    @Test
    void denseLayersMatchFp32WithinBf16RoundingAndKeepFp32Gradients() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Conv2d conv = new Conv2d(m, 16, 24, 3, 1, 1, 1, true);
            checkClose("conv 3x3", conv, conv::forward, new Shape(2, 16, 8, 8), true);
            Conv2d grouped = new Conv2d(m, 64, 64, 3, 2, 1, 4, false);
            checkClose("grouped conv", grouped, grouped::forward, new Shape(2, 64, 8, 8), true);
            Linear lin = new Linear(m, 32, 16, true);
            checkClose("linear", lin, lin::forward, new Shape(4, 32), true);
            SpectralConv2d sn = new SpectralConv2d(m, 16, 16, 1, 1, 0, false);
            sn.train(false); // no power-iteration step: both runs see the same σ
            checkClose("spectral 1x1", sn, sn::forward, new Shape(2, 16, 8, 8), true);
            SpectralConvTranspose2d init = new SpectralConvTranspose2d(m, 32, 16, 4, 0, false);
            init.train(false);
            checkClose("transposed from 1x1", init, init::forward, new Shape(2, 32, 1, 1), true);
            SpectralConv2d dw = new SpectralConv2d(m, 16, 16, 3, 1, 1, 16, false);
            dw.train(false);
            checkClose("depthwise", dw, dw::forward, new Shape(2, 16, 8, 8), Autocast.DEPTHWISE_IN_BF16);
            // too few channels for bf16 hardware: stays fp32 (G's last conv, D's 1-channel logits)
            Conv2d toRgb = new Conv2d(m, 32, 3, 3, 1, 1, 1, true);
            checkClose("32 -> 3 channels", toRgb, toRgb::forward, new Shape(2, 32, 8, 8), false);
            Conv2d fromRgb = new Conv2d(m, 3, 32, 3, 1, 1, 1, true);
            checkClose("3 -> 32 channels", fromRgb, fromRgb::forward, new Shape(2, 3, 8, 8), false);
            org.fewgen.cs.LinearEncoder uaeEncoder = new org.fewgen.cs.LinearEncoder(m, 64, 32);
            checkClose("UAE linear encoder", uaeEncoder, uaeEncoder::forward, new Shape(4, 64), true);
            Linear narrow = new Linear(m, 32, 1, true);
            checkClose("linear 32 -> 1", narrow, narrow::forward, new Shape(4, 32), false);
        }
    }

    @Test
    void scopesNestAndRestoreAndAutoMustBeResolvedFirst() {
        assertThat(Autocast.current()).isEqualTo(Precision.FP32);
        try (Autocast.Scope a = Autocast.enter(Precision.BF16)) {
            assertThat(Autocast.lowers()).isTrue();
            try (Autocast.Scope b = Autocast.enter(Precision.FP32)) {
                assertThat(Autocast.lowers()).isFalse();
            }
            assertThat(Autocast.current()).isEqualTo(Precision.BF16);
        }
        assertThat(Autocast.current()).isEqualTo(Precision.FP32);
        assertThatThrownBy(() -> Autocast.enter(Precision.AUTO)).hasMessageContaining("resolve");
    }
}
