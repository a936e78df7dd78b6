package org.fewgen.cs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.fewgen.nn.Tensors;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class UaeModelTest {

    @Test
    void linearEncoderAndDecoderHaveTheDocumentedShapes() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            JniUtils.setSeed(3);
            UncertaintyAutoencoder uae = new UncertaintyAutoencoder(manager, new LinearEncoder(manager, 784, 25),
                    new int[] {500, 500}, 0.1f);
            assertThat(uae.namedParameters()).containsOnlyKeys("encoder.weight", "decoder.0.weight", "decoder.0.bias",
                    "decoder.2.weight", "decoder.2.bias", "decoder.4.weight", "decoder.4.bias");
            assertThat(uae.encoder().linearWeight().getShape()).isEqualTo(new Shape(25, 784));
            assertThat(uae.parameterCount()).isEqualTo(25L * 784 + (25 * 500 + 500) + (500 * 500 + 500) + (500 * 784 + 784));
            Tensors.noGrad(() -> {
                NDArray x = manager.randomUniform(0f, 1f, new Shape(7, 784));
                NDArray y = uae.measure(x, null);
                assertThat(y.getShape()).isEqualTo(new Shape(7, 25));
                NDArray xHat = uae.decode(y);
                assertThat(xHat.getShape()).isEqualTo(new Shape(7, 784));
                assertThat(xHat.min().getFloat()).isGreaterThanOrEqualTo(0f);
                assertThat(xHat.max().getFloat()).isLessThanOrEqualTo(1f);
                return null;
            });
        }
    }

    @Test
    void mlpEncoderMapsToMeasurementsAndRejectsRowNorm() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            MlpEncoder enc = new MlpEncoder(manager, 784, new int[] {64}, 10);
            NDArray y = Tensors.noGrad(() -> enc.forward(manager.zeros(new Shape(3, 784))));
            assertThat(y.getShape()).isEqualTo(new Shape(3, 10));
            assertThat(enc.linearWeight()).isNull();
            assertThatThrownBy(() -> enc.projectRows(1f)).hasMessageContaining("row norm");
            assertThatThrownBy(() -> UaeConfig.defaults("mnist", 10).withEncoder("mlp", 1f, ""))
                    .hasMessageContaining("rowNorm 1.0: needs a linear encoder");
        }
    }

    @Test
    void rowNormProjectionShrinksLongRowsOnly() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray w = manager.create(new float[] {3, 4, 0, 0.3f, 0.4f, 0}, new Shape(2, 3));
            LinearEncoder enc = LinearEncoder.of(manager, w);
            enc.projectRows(1f);
            float[] v = enc.linearWeight().toFloatArray();
            assertThat(v).containsExactly(new float[] {0.6f, 0.8f, 0, 0.3f, 0.4f, 0}, within(1e-6f));
        }
    }

    @Test
    void trainingNoiseIsFreshAndEvaluationNoiseIsFixed() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            UncertaintyAutoencoder uae = new UncertaintyAutoencoder(manager, new LinearEncoder(manager, 16, 4),
                    new int[] {8}, 0.5f);
            Tensors.noGrad(() -> {
                NDArray x = manager.randomUniform(0f, 1f, new Shape(5, 16));
                float[] clean = uae.measure(x, null).toFloatArray();
                float[] a = uae.measureWithFreshNoise(x).toFloatArray();
                float[] b = uae.measureWithFreshNoise(x).toFloatArray();
                assertThat(a).isNotEqualTo(b);
                double sq = 0;
                for (int i = 0; i < a.length; i++) {
                    sq += (a[i] - clean[i]) * (a[i] - clean[i]);
                }
                // 20 draws of N(0, 0.25): the mean square is near 0.25, far from 0
                assertThat(sq / a.length).isBetween(0.05, 1.0);
                return null;
            });
            float[] e1 = Evaluation.noise(42, 6, 4);
            float[] e2 = Evaluation.noise(42, 3, 4);
            assertThat(e1).isEqualTo(Evaluation.noise(42, 6, 4));
            // image i sees the same draws whatever the batch size
            assertThat(java.util.Arrays.copyOf(e1, 12)).isEqualTo(e2);
            assertThat(Evaluation.noise(43, 6, 4)).isNotEqualTo(e1);

            float[] images = new float[3 * 16];
            for (int i = 0; i < images.length; i++) {
                images[i] = (i % 5) / 5f;
            }
            UaeRecovery rec = new UaeRecovery("uae", uae);
            Evaluation.Result noisy1 = Evaluation.evaluate(rec, images, 3, 9, false);
            Evaluation.Result noisy2 = Evaluation.evaluate(rec, images, 3, 9, false);
            Evaluation.Result clean1 = Evaluation.evaluate(rec, images, 3, 9, true);
            assertThat(noisy1.perImage()).isEqualTo(noisy2.perImage());
            assertThat(clean1.perImage()).isNotEqualTo(noisy1.perImage());
            float[] direct = rec.reconstruct(images, 3, null);
            assertThat(clean1.perImage()).isEqualTo(Evaluation.l2PerImage(images, direct, 3));
        }
    }

    @Test
    void summaryGivesMeanAndStandardError() {
        Evaluation.Result r = Evaluation.summarise(new double[] {1, 2, 3, 4});
        assertThat(r.l2Mean()).isEqualTo(2.5);
        assertThat(r.l2Stderr()).isCloseTo(Math.sqrt(5.0 / 3 / 4), within(1e-12));
    }
}
