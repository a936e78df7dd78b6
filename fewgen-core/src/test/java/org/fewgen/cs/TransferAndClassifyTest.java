package org.fewgen.cs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.fewgen.TestEnv;
import org.fewgen.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransferAndClassifyTest {

    @Test
    void aTransferredEncoderStaysFixedWhileTheDecoderLearns(@TempDir Path tmp) throws IOException {
        CsData small = CsData.loadMnist(TestEnv.mnist()).limit(500, 200, 50);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray w = manager.randomNormal(0f, 0.05f, new Shape(6, 784), ai.djl.ndarray.types.DataType.FLOAT32);
            w.setName("encoder.weight");
            SafeTensors.write(tmp.resolve("best.safetensors"), Map.of("encoder.weight", w), Map.of());
            NDArray loaded = UaeRun.loadEncoder(tmp, manager);
            UaeConfig c = new UaeConfig("mnist", 6, 0.1f, "fixed", new int[0], new int[] {32}, 2, 50, 1e-3f, 0f, 0f, 1L,
                    tmp.toString(), 0);
            UncertaintyAutoencoder model = UaeRun.build(manager, c, 784, loaded);
            float[] decoderBefore = model.decoder().namedParameters().get("0.weight").toFloatArray();
            new UaeTrainer(c, small, model, null, null).train();
            assertThat(model.encoder().linearWeight().toFloatArray()).isEqualTo(w.toFloatArray());
            assertThat(model.decoder().namedParameters().get("0.weight").toFloatArray()).isNotEqualTo(decoderBefore);
        }
        assertThatThrownBy(() -> UaeRun.loadEncoder(tmp.resolve("nothing"), null))
                .hasMessageContaining("no best.safetensors");
    }

    @Test
    void separableFeaturesAreClassifiedWell() {
        Random r = new Random(2);
        int m = 3;
        int count = 300;
        float[] train = new float[count * m];
        int[] labels = new int[count];
        float[] test = new float[count * m];
        int[] testLabels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 3;
            testLabels[i] = (i + 1) % 3;
            for (int j = 0; j < m; j++) {
                train[i * m + j] = (float) ((j == labels[i] ? 4 : 0) + r.nextGaussian() * 0.5);
                test[i * m + j] = (float) ((j == testLabels[i] ? 4 : 0) + r.nextGaussian() * 0.5);
            }
        }
        Map<String, Double> acc = Classification.accuracies(train, labels, test, testLabels, m, 5);
        assertThat(acc).containsOnlyKeys("logistic", "knn-5");
        assertThat(acc.values()).allSatisfy(a -> assertThat(a).isGreaterThan(0.97));
    }
}
