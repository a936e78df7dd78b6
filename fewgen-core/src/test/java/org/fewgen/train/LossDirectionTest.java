package org.fewgen.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.fewgen.gan.ConvKind;
import org.fewgen.nn.Module;
import org.fewgen.nn.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the signs of the adversarial losses and the direction of each update: a discriminator stub
 * with fixed logits makes the trainer's losses exact numbers, and one D or G step on fixed data
 * must move D's logits the way each player wants. A flipped sign or reals swapped with fakes
 * anywhere in the step fails here.
 */
class LossDirectionTest {

    @TempDir
    Path tmp;

    private static final int BATCH = 4;
    /** Quarter multiples over 16 logits: every mean below is exact in float32. */
    private static final float[] REAL_LOGITS = {2.0f, 0.5f, -0.25f, 1.0f, -1.5f, 0.75f, 3.0f, 0.0f,
        0.25f, -0.5f, 1.25f, 0.5f, -2.0f, 1.5f, 0.75f, -0.75f};
    private static final float[] FAKE_LOGITS = {-2.0f, 0.5f, -0.75f, 1.5f, -1.25f, 0.0f, -3.0f, 0.25f,
        2.0f, -0.5f, 0.75f, -1.0f, 0.25f, -1.75f, 1.0f, -0.5f};
    /** Every pixel of the stub's real batch: G's tanh output never equals it everywhere. */
    private static final float REAL_PIXEL = 0.5f;

    private static double meanRelu(float[] v, float sign) {
        return Arrays.stream(toDouble(v)).map(x -> Math.max(0, 1 + sign * x)).average().orElseThrow();
    }

    private static double mean(float[] v) {
        return Arrays.stream(toDouble(v)).average().orElseThrow();
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** D that answers the fixed logits (scaled by a trainable 1), real or fake told by the pixels. */
    static final class FixedLogitsD extends Module {
        private final NDArray scale;

        FixedLogitsD(NDManager m) {
            super(m);
            scale = addParameter("scale", m.create(new float[] {1f}));
        }

        NDArray forward(NDArray images) {
            boolean real = Arrays.equals(images.toFloatArray(), filled((int) images.size(), REAL_PIXEL));
            NDArray fixed = images.getManager().create(real ? REAL_LOGITS : FAKE_LOGITS, new Shape(BATCH, 4));
            // + 0·mean(images) keeps G in the graph, as a real D would
            return fixed.mul(scale).add(images.mean().mul(0f));
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    private static final class StubFactory implements NetworkFactory {
        @Override
        public Net generator(NDManager manager, TrainConfig config) {
            return new TinyGan().generator(manager, config);
        }

        @Override
        public Net discriminator(NDManager manager, TrainConfig config) {
            FixedLogitsD d = new FixedLogitsD(manager);
            return new Net(d, d::forward);
        }
    }

    private static final class ConstantData implements TrainingData {
        private final int res;

        ConstantData(int res) {
            this.res = res;
        }

        @Override public int resolution() { return res; }
        @Override public int size() { return BATCH; }
        @Override public String fingerprint() { return "constant"; }
        @Override public float[] batch(long step) { return filled(BATCH * 3 * res * res, REAL_PIXEL); }
        @Override public float[] firstImages(int n) { return filled(n * 3 * res * res, REAL_PIXEL); }
    }

    @Test
    void fixedLogitsGiveTheHingeLossesExactly() {
        double expectedD = meanRelu(REAL_LOGITS, -1) + meanRelu(FAKE_LOGITS, +1);
        double expectedG = -mean(FAKE_LOGITS);
        // the logits tell every wrong variant apart from the right one
        assertThat(expectedD).isEqualTo(0.828125 + 0.96875);
        assertThat(meanRelu(FAKE_LOGITS, -1) + meanRelu(REAL_LOGITS, +1)).isNotEqualTo(expectedD); // reals ↔ fakes
        assertThat(meanRelu(REAL_LOGITS, +1) + meanRelu(FAKE_LOGITS, -1)).isNotEqualTo(expectedD); // both signs
        assertThat(meanRelu(REAL_LOGITS, -1) + meanRelu(FAKE_LOGITS, -1)).isNotEqualTo(expectedD); // fake sign
        assertThat(meanRelu(REAL_LOGITS, +1) + meanRelu(FAKE_LOGITS, +1)).isNotEqualTo(expectedD); // real sign
        assertThat(-mean(REAL_LOGITS)).isNotEqualTo(expectedG);
        assertThat(mean(FAKE_LOGITS)).isNotEqualTo(expectedG);

        TrainConfig c = TinyGan.config(tmp).batch(BATCH).build();
        try (GanTrainer t = new GanTrainer(c, new StubFactory(), Device.cpu())) {
            GanTrainer.StepResult r = t.trainStep(new ConstantData(c.generator().resolution()), true);
            assertThat(r.nonFinite()).isFalse();
            assertThat((double) r.lossD()).isEqualTo(expectedD);
            assertThat((double) r.lossG()).isEqualTo(expectedG);
            assertThat((double) r.dReal()).isEqualTo(mean(REAL_LOGITS));
            assertThat((double) r.dFake()).isEqualTo(mean(FAKE_LOGITS));
            // D's one parameter scales both logit sets: the hinge gradient at scale 1 is
            // mean(−real·[real < 1]) + mean(fake·[fake > −1]) > 0 for these logits, so Adam lowers it
            assertThat(t.discriminator().namedParameters().get("scale").getFloat()).isLessThan(1f);
        }
    }

    @Test
    void hingeLossFunctionsMatchTheirFormulas() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray real = m.create(REAL_LOGITS);
            NDArray fake = m.create(FAKE_LOGITS);
            assertThat((double) HingeLoss.discriminator(real, fake).getFloat())
                    .isEqualTo(meanRelu(REAL_LOGITS, -1) + meanRelu(FAKE_LOGITS, +1));
            assertThat((double) HingeLoss.generator(fake).getFloat()).isEqualTo(-mean(FAKE_LOGITS));
        }
    }

    /** Mean logit of D on {@code images}, with the engine RNG (D's jitter / augmentation) fixed. */
    private static double meanLogit(GanTrainer t, NDArray images) {
        JniUtils.setSeed(99);
        return Tensors.noGrad(() -> t.discriminatorNet().apply(images).mean()).getFloat();
    }

    private static void assertOneStepOfEachPlayerMovesTheRightWay(TrainConfig c, NetworkFactory networks,
                                                                  TrainingData data) {
        try (GanTrainer t = new GanTrainer(c, networks, Device.cpu()); NDManager m = t.manager().newSubManager()) {
            int b = c.run().batch();
            int r = c.generator().resolution();
            NDArray reals = m.create(data.batch(0), new Shape(b, 3, r, r));
            float[] zHost = GanTrainer.latents(5, b, c.generator().zDim());
            NDArray z = m.create(zHost, new Shape(b, c.generator().zDim()));
            JniUtils.setSeed(98);
            NDArray fakes = Tensors.noGrad(() -> t.generatorNet().apply(z));

            double marginBefore = meanLogit(t, reals) - meanLogit(t, fakes);
            JniUtils.setSeed(97);
            GanTrainer.DStep d = t.discriminatorStep(reals, z, false);
            assertThat(d.skipped()).isFalse();
            double marginAfter = meanLogit(t, reals) - meanLogit(t, fakes);
            assertThat(marginAfter).as("D(real) − D(fake) after one D step").isGreaterThan(marginBefore);

            JniUtils.setSeed(98);
            double fakeBefore = meanLogit(t, Tensors.noGrad(() -> t.generatorNet().apply(z)));
            t.generatorStep(m, zHost, 0);
            JniUtils.setSeed(98);
            double fakeAfter = meanLogit(t, Tensors.noGrad(() -> t.generatorNet().apply(z)));
            assertThat(fakeAfter).as("D(G(z)) after one G step").isGreaterThan(fakeBefore);
        }
    }

    @Test
    void oneStepOfEachPlayerMovesTinyNetworksTheRightWay() {
        TrainConfig c = TinyGan.config(tmp).lr(1e-3).build();
        assertOneStepOfEachPlayerMovesTheRightWay(c, new TinyGan(), new TinyGan.Data(c));
    }

    @Test
    void oneStepOfEachPlayerMovesTheRealNetworksTheRightWay() {
        // FastGAN-lite G and the projected D on the bundled MobileNetV2, narrow and without
        // augmentation so the logits seen before and after a step are of the same images
        TrainConfig c = TrainConfig.builder().data("x").out(tmp.toString()).resolution(64).generator(ConvKind.DSC)
                .dConv(ConvKind.DSC).dInput(128).ngf(8).batch(2).diffAugment(false).seed(4).device("cpu").build();
        assertOneStepOfEachPlayerMovesTheRightWay(c, new FastGanNetworks(), TrainingData.random(64, 2, 4));
    }
}
