package org.fewgen.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.fewgen.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** EfficientNet-lite0: structure, the loud random-weights warning, and the weights round trip. */
class EfficientNetLite0Test {

    /** Creates the network without weights, returning it and what it printed on stderr. */
    private static FeatureNetwork createCapturingStderr(NDManager m, StringBuilder stderr) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            return Backbones.create(EfficientNetLite0.NAME, m, null);
        } finally {
            System.setErr(old);
            stderr.append(buf.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void stagesHaveTheReferenceStridesAndChannels() {
        try (NDManager m = NDManager.newBaseManager()) {
            StringBuilder stderr = new StringBuilder();
            FeatureNetwork net = createCapturingStderr(m, stderr);
            assertThat(stderr.toString()).contains("WARNING").contains("RANDOM weights").contains("efficientnet_lite0")
                    .contains("--backbone-weights");
            assertThat(net.weightsSource()).isEqualTo("random initialisation");
            assertThat(net.name()).isEqualTo("efficientnet_lite0");
            assertThat(net.stageChannels()).containsExactly(24, 40, 112, 320);
            assertThat(net.isTrainable()).isFalse();
            assertThat(net.isTraining()).isFalse();
            // timm tf_efficientnet_lite0: 4,652,008 parameters, of which the classifier is 1280·1000 + 1000
            assertThat(net.parameterCount()).isEqualTo(4_652_008L - 1_281_000L);
            int before = m.getManagedArrays().size();
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray[] s = net.stages(m.randomUniform(-1, 1, new Shape(2, 3, 224, 224)));
                assertThat(s[0].getShape()).isEqualTo(new Shape(2, 24, 56, 56));
                assertThat(s[1].getShape()).isEqualTo(new Shape(2, 40, 28, 28));
                assertThat(s[2].getShape()).isEqualTo(new Shape(2, 112, 14, 14));
                assertThat(s[3].getShape()).isEqualTo(new Shape(2, 320, 7, 7));
                assertThat(s[3].abs().mean().getFloat()).as("random features must not vanish").isGreaterThan(0.01f);
                // odd sizes: TF "same" padding gives ceil(H / stride) at every stride-2 conv
                NDArray[] odd = net.stages(m.randomUniform(-1, 1, new Shape(1, 3, 99, 99)));
                assertThat(odd[3].getShape()).isEqualTo(new Shape(1, 320, 4, 4));
            }
            assertThat(m.getManagedArrays().size()).isEqualTo(before);
        }
    }

    @Test
    void weightsRoundTripAndMismatchesAreNamed(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            EfficientNetLite0 random = new EfficientNetLite0(m);
            random.initialiseRandomly();
            random.train(false);
            Map<String, NDArray> state = new LinkedHashMap<>(random.stateDict());
            state.put("classifier.weight", m.zeros(new Shape(1000, 1280)));
            state.put("classifier.bias", m.zeros(new Shape(1000)));
            state.put("bn1.num_batches_tracked", m.create(new long[]{7}));
            Path file = dir.resolve("lite0.safetensors");
            SafeTensors.write(file, state, Map.of());

            FeatureNetwork loaded = Backbones.create(EfficientNetLite0.NAME, m, file);
            assertThat(loaded.weightsSource()).contains(file.toString()).contains("sha256");
            for (Map.Entry<String, NDArray> e : random.stateDict().entrySet()) {
                assertThat(loaded.stateDict().get(e.getKey()).contentEquals(e.getValue())).as(e.getKey()).isTrue();
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 64, 64));
                NDArray[] a = random.stages(x);
                NDArray[] b = loaded.stages(x);
                for (int i = 0; i < 4; i++) {
                    assertThat(b[i].allClose(a[i], 1e-4, 1e-4, false)).isTrue();
                }
            }

            // a MobileNetV2 file is not an EfficientNet-lite0 file
            Path mobilenet = dir.resolve("mobilenet.safetensors");
            SafeTensors.write(mobilenet, new MobileNetV2(m).stateDict(), Map.of());
            assertThatThrownBy(() -> Backbones.create(EfficientNetLite0.NAME, m, mobilenet))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(mobilenet.toString())
                    .hasMessageContaining("tensor 'blocks.2.0.conv_dw.weight' has shape (144, 1, 3, 3), expected (144, 1, 5, 5)");
        }
    }
}
