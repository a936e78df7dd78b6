package org.fewgen.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;
import org.fewgen.io.SafeTensors;
import org.fewgen.nn.Conv2d.Padding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bundled MobileNetV2 against the outputs of the original nsfwjs network, plus the ways a
 * port typically goes wrong (padding, input range) and the weight-file contract.
 */
class MobileNetV2Test {

    private static final String[] STAGE_RECORDS = {"block_2_add", "block_5_add", "block_12_add", "block_16_project_BN"};

    private static NDManager manager;
    private static ReferenceOutputs reference;
    private static MobileNetV2 net;
    private static float[][] inputs;

    @BeforeAll
    static void setUp() throws Exception {
        manager = NDManager.newBaseManager();
        reference = new ReferenceOutputs();
        net = (MobileNetV2) Backbones.create(Backbones.DEFAULT, manager, null);
        inputs = new float[ReferenceOutputs.INPUTS.length][];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = reference.input(ReferenceOutputs.INPUTS[i], 224);
        }
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    private static NDArray batch(NDManager m, float[]... images) {
        float[] all = new float[images.length * images[0].length];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(images[i], 0, all, i * images[0].length, images[0].length);
        }
        return m.create(all, new Shape(images.length, 3, 224, 224));
    }

    /** Worst tolerance ratio over the four stages, the pooled feature and the probabilities. */
    private static ReferenceOutputs.Result compareAll(MobileNetV2 model, float[][] images, String[] names) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray[] stages = model.stages(batch(manager, images));
            NDArray pooled = FeatureNetwork.globalAverage(model.headFeatures(stages[3]));
            NDArray probs = model.classProbabilities(pooled);
            ReferenceOutputs.Result worst = new ReferenceOutputs.Result(0, "nothing");
            for (int n = 0; n < images.length; n++) {
                for (int s = 0; s < 4; s++) {
                    NDArray t = stages[s].get(n);
                    worst = worst.worse(reference.compare("mobilenetv2_100", names[n], STAGE_RECORDS[s],
                            t.toFloatArray(), t.getShape().getShape()));
                }
                worst = worst.worse(reference.compare("mobilenetv2_100", names[n], "global_pool",
                        pooled.get(n).toFloatArray(), 1280));
                worst = worst.worse(reference.compareProbs("mobilenetv2_100", names[n], probs.get(n).toFloatArray()));
            }
            return worst;
        }
    }

    @Test
    void bundledWeightsReproduceTheOriginalNetwork() {
        assertThat(net.weightsSource()).contains(PretrainedWeights.MOBILENETV2_SHA256);
        assertThat(net.stageChannels()).containsExactly(24, 32, 96, 320);
        ReferenceOutputs.Result worst = compareAll(net, inputs, ReferenceOutputs.INPUTS);
        assertThat(worst.ratio()).as(worst.where()).isLessThanOrEqualTo(1.0);
    }

    @Test
    void symmetricPaddingMissesTheTolerances() throws Exception {
        try (NDManager m = manager.newSubManager()) {
            MobileNetV2 symmetric = new MobileNetV2(m, Padding.SYMMETRIC);
            try (NDManager scratch = m.newSubManager()) {
                PretrainedWeights.loadInto(symmetric, PretrainedWeights.readResource(
                        PretrainedWeights.MOBILENETV2_RESOURCE, PretrainedWeights.MOBILENETV2_SHA256, scratch),
                        "classifier", symmetric::attachClassifier);
            }
            symmetric.train(false);
            ReferenceOutputs.Result worst = compareAll(symmetric, new float[][]{inputs[0]}, new String[]{"gradient"});
            assertThat(worst.ratio()).as(worst.where()).isGreaterThan(100.0).isFinite();
        }
    }

    @Test
    void minusOneToOneInputMissesTheTolerances() {
        float[] scaled = inputs[0].clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = scaled[i] * 2 - 1;
        }
        ReferenceOutputs.Result worst = compareAll(net, new float[][]{scaled}, new String[]{"gradient"});
        assertThat(worst.ratio()).as(worst.where()).isGreaterThan(100.0).isFinite();
    }

    @Test
    void frozenForwardLeavesNothingInTheModelManagerAndPassesGradientsToTheInput() {
        assertThat(net.isTrainable()).isFalse();
        net.train(true);
        assertThat(net.isTraining()).as("always eval").isFalse();
        assertThat(net.namedParameters().values()).allMatch(p -> !p.hasGradient());
        int before = manager.getManagedArrays().size();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.randomUniform(-1, 1, new Shape(2, 3, 64, 64));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray[] s = net.stages(x);
                assertThat(s[0].getShape()).isEqualTo(new Shape(2, 24, 16, 16));
                assertThat(s[3].getShape()).isEqualTo(new Shape(2, 320, 2, 2));
                gc.backward(s[0].mean().add(s[1].mean()).add(s[2].mean()).add(s[3].mean()));
            }
            assertThat(x.getGradient().abs().sum().getFloat()).isGreaterThan(0f);
        }
        assertThat(manager.getManagedArrays().size()).isEqualTo(before);
    }

    @Test
    void foldedBatchNormAgreesWithSeparateOpsAndFollowsNewWeights() {
        try (NDManager m = manager.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            assertThat(net.isBatchNormFolded()).isTrue();
            NDArray x = m.randomUniform(0, 1, new Shape(2, 3, 96, 96));
            NDArray[] folded = net.stages(x);
            net.foldBatchNorm(false);
            try {
                NDArray[] separate = net.stages(x);
                for (int i = 0; i < 4; i++) {
                    assertThat(folded[i].allClose(separate[i], 1e-4, 1e-4, false)).as("stage " + i).isTrue();
                }
            } finally {
                net.foldBatchNorm(true);
            }
            // loading other weights into a folded network must refold
            MobileNetV2 other = new MobileNetV2(m);
            other.initialiseRandomly();
            other.train(false);
            MobileNetV2 target = new MobileNetV2(m);
            target.train(false);
            target.foldBatchNorm(true);
            target.loadStateDict(other.stateDict(), true, "test");
            assertThat(target.stages(x)[3].allClose(other.stages(x)[3], 1e-4, 1e-4, false)).isTrue();
        }
    }

    @Test
    void parameterCountMatchesTimm() {
        // timm mobilenetv2_100: 3,504,872 parameters, of which the ImageNet classifier is 1280·1000 + 1000
        assertThat(net.parameterCount()).isEqualTo(3_504_872L - 1_281_000L);
    }

    @Test
    void randomWeightsRoundTripThroughSafetensors(@TempDir Path dir) throws Exception {
        try (NDManager m = manager.newSubManager()) {
            MobileNetV2 random = new MobileNetV2(m);
            random.initialiseRandomly();
            random.train(false);
            Path file = dir.resolve("random.safetensors");
            SafeTensors.write(file, random.stateDict(), Map.of("note", "written by MobileNetV2Test"));

            FeatureNetwork loaded = Backbones.create(MobileNetV2.NAME, m, file);
            assertThat(loaded.weightsSource()).contains(file.toString());
            Map<String, NDArray> a = random.stateDict();
            Map<String, NDArray> b = loaded.stateDict();
            assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
            for (String k : a.keySet()) {
                assertThat(b.get(k).contentEquals(a.get(k))).as(k).isTrue();
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 64, 64));
                NDArray[] s1 = random.stages(x);
                NDArray[] s2 = loaded.stages(x);
                for (int i = 0; i < 4; i++) {
                    // loaded runs with folded batch norm, random without: equal up to float rounding
                    assertThat(s2[i].allClose(s1[i], 1e-4, 1e-4, false)).isTrue();
                }
                // timm-style init keeps the deepest stage alive instead of decaying to zero
                assertThat(s1[3].abs().mean().getFloat()).isGreaterThan(0.01f);
            }
        }
    }

    @Test
    void mismatchingWeightsFilesNameTheFirstBadTensor(@TempDir Path dir) throws Exception {
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> good = new LinkedHashMap<>(new MobileNetV2(m).stateDict());

            Map<String, NDArray> wrongShape = new LinkedHashMap<>(good);
            wrongShape.put("blocks.2.1.conv_dw.weight", m.zeros(new Shape(192, 1, 5, 5)));
            Path f1 = dir.resolve("shape.safetensors");
            SafeTensors.write(f1, wrongShape, Map.of());
            assertThatThrownBy(() -> Backbones.create(MobileNetV2.NAME, m, f1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(f1.toString())
                    .hasMessageContaining("'blocks.2.1.conv_dw.weight'")
                    .hasMessageContaining("(192, 1, 5, 5)")
                    .hasMessageContaining("(192, 1, 3, 3)");

            Map<String, NDArray> missing = new LinkedHashMap<>(good);
            missing.remove("bn2.running_var");
            Path f2 = dir.resolve("missing.safetensors");
            SafeTensors.write(f2, missing, Map.of());
            assertThatThrownBy(() -> Backbones.create(MobileNetV2.NAME, m, f2))
                    .hasMessageContaining("missing tensor 'bn2.running_var'");

            Map<String, NDArray> extra = new LinkedHashMap<>(good);
            extra.put("blocks.7.0.conv_pw.weight", m.zeros(new Shape(1)));
            extra.put("classifier.weight", m.zeros(new Shape(1000, 1280)));   // timm's ImageNet head: ignored
            Path f3 = dir.resolve("extra.safetensors");
            SafeTensors.write(f3, extra, Map.of());
            assertThatThrownBy(() -> Backbones.create(MobileNetV2.NAME, m, f3))
                    .hasMessageContaining("unexpected tensor 'blocks.7.0.conv_pw.weight'");

            Path f4 = dir.resolve("no-such-file.safetensors");
            assertThatThrownBy(() -> Backbones.create(MobileNetV2.NAME, m, f4))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(f4.toString());

            assertThatThrownBy(() -> Backbones.create("resnet50", m, null))
                    .hasMessageContaining("unknown backbone 'resnet50'")
                    .hasMessageContaining("mobilenetv2_100");
        }
    }
}
