package org.fewgen.gan;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.fewgen.nn.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProjectedDiscriminatorTest {

    private static DiscriminatorConfig config(ConvKind heads, boolean aug) {
        return new DiscriminatorConfig("tiny", heads, aug, DiscriminatorConfig.DEFAULT_AUG_POLICY, 7L);
    }

    @ParameterizedTest
    @CsvSource({"64, CONV, 64", "64, DSC, 64", "256, CONV, 100"})
    void logitsConcatenateTheFourHeads(int res, ConvKind heads, int logitsPerImage) {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            ProjectedDiscriminator d = new ProjectedDiscriminator(m, new TinyFeatureNetwork(m), config(heads, true));
            Map<String, Shape> shapes = new LinkedHashMap<>();
            NDArray logits = d.forward(m.randomUniform(-1, 1, new Shape(2, 3, res, res)),
                    (name, x) -> shapes.put(name, x.getShape()));
            // 224² input: maps 112/56/28/14 → 4/3/2/1 down-blocks → 7×7 → 4×4 patches each;
            // 256² (no resize): 128/64/32/16 → 8×8 → 5×5 patches each
            assertThat(logits.getShape()).isEqualTo(new Shape(2, logitsPerImage));
            assertThat(shapes.containsKey("resize")).isEqualTo(res < 224);
            int side = res < 224 ? 112 : res / 2;
            int[] channels = {64, 64, 128, 256};
            for (int k = 0; k < 4; k++) {
                assertThat(shapes.get("feature_network.scratch[" + k + "]"))
                        .isEqualTo(new Shape(2, channels[k], side >> k, side >> k));
                assertThat(d.heads().head(k).depth()).isEqualTo(4 - k);
            }
        }
    }

    @Test
    void smallerFeatureInputGivesOnePatchPerHead() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            ProjectedDiscriminator d = new ProjectedDiscriminator(m, new TinyFeatureNetwork(m),
                    config(ConvKind.DSC, true).withFeatureInputSize(128));
            Map<String, Shape> shapes = new LinkedHashMap<>();
            NDArray logits = d.forward(m.randomUniform(-1, 1, new Shape(3, 3, 64, 64)),
                    (name, x) -> shapes.put(name, x.getShape()));
            // 128² input: maps 64/32/16/8 → 4/3/2/1 down-blocks → 4×4 → one patch per head
            assertThat(shapes.get("resize")).isEqualTo(new Shape(3, 3, 128, 128));
            assertThat(shapes.get("feature_network.scratch[0]")).isEqualTo(new Shape(3, 64, 64, 64));
            assertThat(logits.getShape()).isEqualTo(new Shape(3, 4));
        }
    }

    @ParameterizedTest
    @CsvSource({"96", "100", "0"})
    void featureInputBelow128OrNotAMultipleOf32IsRefused(int side) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> config(ConvKind.CONV, true).withFeatureInputSize(side))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("dInput " + side + ": must be a multiple of 32 and at least 128");
    }

    @Test
    void namesAndTrainableCountFollowTheReference() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            ProjectedDiscriminator d = new ProjectedDiscriminator(m, new TinyFeatureNetwork(m), config(ConvKind.CONV, false));
            assertThat(d.namedParameters()).containsKeys("feature_network.pretrained.stem.0.weight",
                    "feature_network.scratch.layer0_ccm.weight", "feature_network.scratch.layer3_csm.out_conv.bias",
                    "discriminator.mini_discs.0.main.0.main.0.weight_orig", "discriminator.mini_discs.0.main.4.weight_orig",
                    "discriminator.mini_discs.3.main.1.weight_orig");
            // heads by hand: DownBlock(i, o) = 16·i·o + o (conv+bias) + 2·o (BN); final conv 512·16
            long h0 = down(64, 64) + down(64, 128) + down(128, 256) + down(256, 512) + 512 * 16;
            long h1 = down(64, 128) + down(128, 256) + down(256, 512) + 512 * 16;
            long h2 = down(128, 256) + down(256, 512) + 512 * 16;
            long h3 = down(256, 512) + 512 * 16;
            assertThat(d.trainableParameterCount()).isEqualTo(h0 + h1 + h2 + h3);
            assertThat(d.heads().parameterCount()).isEqualTo(d.trainableParameterCount());
            // projector: CCM 8→64, 12→128, 16→256, 24→512; CSM 512→256, 256→128, 128→64, 64→64 (1×1 + bias)
            long proj = (8 + 1) * 64 + (12 + 1) * 128 + (16 + 1) * 256 + (24 + 1) * 512
                    + (512 + 1) * 256 + (256 + 1) * 128 + (128 + 1) * 64 + (64 + 1) * 64;
            assertThat(d.projector().parameterCount()).isEqualTo(proj);
        }
    }

    private static long down(long in, long out) {
        return 16 * in * out + out + 2 * out;
    }

    @Test
    void projectorIsReproducibleFromItsSeed() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            RandomProjector a = new RandomProjector(m, TinyFeatureNetwork.CHANNELS, 5);
            RandomProjector b = new RandomProjector(m, TinyFeatureNetwork.CHANNELS, 5);
            RandomProjector c = new RandomProjector(m, TinyFeatureNetwork.CHANNELS, 6);
            NDArray wa = a.namedParameters().get("layer2_ccm.weight");
            assertThat(wa.contentEquals(b.namedParameters().get("layer2_ccm.weight"))).isTrue();
            assertThat(wa.contentEquals(c.namedParameters().get("layer2_ccm.weight"))).isFalse();
            float bound = (float) (1 / Math.sqrt(16));
            assertThat(wa.abs().max().getFloat()).isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void gradientsReachEveryHeadParameterAndTheImagesButNotTheFrozenParts() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            ProjectedDiscriminator d = new ProjectedDiscriminator(m, new TinyFeatureNetwork(m), config(ConvKind.DSC, true));
            d.train(true);
            d.setTrainable(false);
            d.setTrainable(true); // a G/D phase switch must not unfreeze the backbone or projector
            assertThat(d.featureNetwork().isTraining()).isFalse();
            NDArray images = m.randomUniform(-1, 1, new Shape(2, 3, 64, 64));
            images.setRequiresGradient(true);
            try (NDScope s = new NDScope(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                s.suppressNotUsedWarning();
                gc.backward(d.forward(images).mean());
            }
            try (NDArray g = images.getGradient()) {
                assertThat(g.abs().sum().getFloat()).isGreaterThan(0f);
            }
            for (Map.Entry<String, NDArray> e : d.heads().namedParameters().entrySet()) {
                try (NDArray g = e.getValue().getGradient()) {
                    assertThat(g.abs().sum().getFloat()).as(e.getKey()).isGreaterThan(0f);
                }
            }
            Map<String, NDArray> frozen = new LinkedHashMap<>(d.namedParameters());
            frozen.keySet().removeIf(k -> k.startsWith("discriminator."));
            assertThat(frozen).isNotEmpty();
            for (Map.Entry<String, NDArray> e : frozen.entrySet()) {
                assertThat(e.getValue().hasGradient()).as(e.getKey()).isFalse();
                assertThat(JniUtils.getGradient(Tensors.pt(e.getValue()))).as(e.getKey()).isNull();
            }
            // the frozen backbone's batch-norm statistics did not move
            NDArray runningMean = d.featureNetwork().namedBuffers().get("stem.1.running_mean");
            assertThat(runningMean.abs().sum().getFloat()).isEqualTo(0f);
        }
    }

    @Test
    void repeatedTrainingPassesLeaveNoArraysBehindInTheModelManager() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            FastGanGenerator g = new FastGanGenerator(m, new GeneratorConfig(64, 8, 16, ConvKind.CONV));
            ProjectedDiscriminator d = new ProjectedDiscriminator(m, new TinyFeatureNetwork(m), config(ConvKind.CONV, true));
            int[] counts = new int[3];
            for (int step = 0; step < 3; step++) {
                try (NDScope s = new NDScope(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    s.suppressNotUsedWarning();
                    gc.backward(d.forward(g.forward(m.randomNormal(new Shape(1, 16)))).mean());
                }
                for (NDArray p : g.namedParameters().values()) {
                    p.getGradient().close();
                }
                counts[step] = m.getManagedArrays().size();
            }
            assertThat(counts[2]).isEqualTo(counts[1]).isEqualTo(counts[0]);
        }
    }
}
