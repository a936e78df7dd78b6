package org.fewgen.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.fewgen.nn.Module;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GanTrainerTest {

    @TempDir
    Path tmp;

    @Test
    void modelManagerArrayCountStaysConstantOver50Steps() {
        TrainConfig c = TinyGan.config(tmp).build();
        TinyGan.Data data = new TinyGan.Data(c);
        try (GanTrainer t = new GanTrainer(c, new TinyGan(), Device.cpu())) {
            t.trainStep(data, true);
            int after1 = t.manager().getManagedArrays().size();
            for (int i = 0; i < 50; i++) {
                t.trainStep(data, i % 10 == 0);
            }
            t.sampleGrid();
            assertThat(t.manager().getManagedArrays().size()).isEqualTo(after1);
            assertThat(t.step()).isEqualTo(51);
            assertThat(t.nimg()).isEqualTo(51 * 4);
        }
    }

    @Test
    void sameSeedGivesSameWeightsAndOtherSeedDiffers() {
        TrainConfig c = TinyGan.config(tmp).build();
        float[] a = weightsAfter(c, 3);
        float[] b = weightsAfter(c, 3);
        float[] other = weightsAfter(TrainConfig.Builder.from(c).seed(8).build(), 3);
        assertThat(b).isEqualTo(a);
        assertThat(other).isNotEqualTo(a);
    }

    private static float[] weightsAfter(TrainConfig c, int steps) {
        TinyGan.Data data = new TinyGan.Data(c);
        try (GanTrainer t = new GanTrainer(c, new TinyGan(), Device.cpu())) {
            for (int i = 0; i < steps; i++) {
                t.trainStep(data, false);
            }
            return t.generator().namedParameters().get("fc.weight").toFloatArray();
        }
    }

    @Test
    void phaseTimerSeesEveryPhaseInOrder() {
        TrainConfig c = TinyGan.config(tmp).build();
        List<Phase> seen = new ArrayList<>();
        int[] starts = {0};
        try (GanTrainer t = new GanTrainer(c, new TinyGan(), Device.cpu())) {
            t.setPhaseTimer(new PhaseTimer() {
                @Override public void stepStarted() { starts[0]++; }
                @Override public void phaseEnded(Phase phase) { seen.add(phase); }
            });
            t.trainStep(new TinyGan.Data(c), false);
        }
        assertThat(starts[0]).isEqualTo(1);
        assertThat(seen).containsExactly(Phase.values());
    }

    @Test
    void frozenFeatureNetworkNeverChangesAndHeadsDo() {
        TrainConfig c = TinyGan.config(tmp).build();
        TinyGan.Data data = new TinyGan.Data(c);
        try (GanTrainer t = new GanTrainer(c, new TinyGan(), Device.cpu())) {
            float[] features = t.discriminator().namedParameters().get("features.weight").toFloatArray();
            float[] head = t.discriminator().namedParameters().get("head.weight").toFloatArray();
            for (int i = 0; i < 3; i++) {
                t.trainStep(data, false);
            }
            assertThat(t.discriminator().namedParameters().get("features.weight").toFloatArray()).isEqualTo(features);
            assertThat(t.discriminator().namedParameters().get("head.weight").toFloatArray()).isNotEqualTo(head);
            // D's heads train again after the G phase froze them
            assertThat(t.discriminator().namedParameters().get("head.weight").hasGradient()).isTrue();
        }
    }

    /** A module with one parameter and one buffer. */
    static final class Pair extends Module {
        Pair(NDManager m, float p, float b) {
            super(m);
            addParameter("p", m.create(new float[] {p, p}));
            addBuffer("b", m.create(new float[] {b}));
        }
    }

    @Test
    void emaLerpsParametersAndCopiesBuffers() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Pair src = new Pair(m, 1f, 5f);
            Pair avg = new Pair(m, 3f, 0f);
            avg.setTrainable(false);
            Ema ema = new Ema(src, avg);
            ema.update(0.75);
            assertThat(avg.namedParameters().get("p").toFloatArray()).containsExactly(2.5f, 2.5f);
            assertThat(avg.namedBuffers().get("b").toFloatArray()).containsExactly(5f);
            // the source keeps requiring gradients and is unchanged
            assertThat(src.namedParameters().get("p").toFloatArray()).containsExactly(1f, 1f);
            ema.copy();
            assertThat(avg.namedParameters().get("p").toFloatArray()).containsExactly(1f, 1f);
        }
    }

    @Test
    void emaDecayFollowsTheReferenceHalfLife() {
        TrainConfig c = TrainConfig.builder().data("x").batch(8).build();
        assertThat(c.optimizer().emaKimg()).isEqualTo(2.5);
        // after ema_kimg·1000 images (= 312.5 steps of 8) the old average has half its weight
        assertThat(Math.pow(c.emaBeta(), 2500.0 / 8)).isCloseTo(0.5, within(1e-9));
        assertThat(c.emaBeta()).isCloseTo(Math.pow(0.5, 8 / 2500.0), within(1e-12));
        // ramp-up: early on the half-life is 5% of the images seen so far
        assertThat(c.emaBeta(0)).isZero();
        assertThat(c.emaBeta(1000)).isCloseTo(Math.pow(0.5, 8 / 50.0), within(1e-12));
        assertThat(c.emaBeta(100_000)).isEqualTo(c.emaBeta());
        assertThat(TrainConfig.Builder.from(c).emaRampup(0).build().emaBeta(1000)).isEqualTo(c.emaBeta());
    }

    @Test
    void randomBenchmarkDataIsAFunctionOfTheStep() {
        TrainingData d = TrainingData.random(64, 4, 1);
        assertThat(d.batch(3)).hasSize(4 * 3 * 64 * 64).isEqualTo(d.batch(3)).isNotEqualTo(d.batch(4));
        for (float v : d.batch(0)) {
            assertThat(v).isBetween(-1f, 1f);
        }
        TrainConfig c = TinyGan.config(tmp).build();
        try (GanTrainer t = new GanTrainer(c, new TinyGan(), Device.cpu())) {
            assertThat(t.trainStep(d, true).nonFinite()).isFalse();
        }
    }

    @Test
    void gridLatentsAreAFunctionOfTheSeedOnly() {
        assertThat(GanTrainer.latents(3, 2, 4)).isEqualTo(GanTrainer.latents(3, 2, 4));
        assertThat(GanTrainer.latents(3, 2, 4)).isNotEqualTo(GanTrainer.latents(4, 2, 4));
    }

    @Test
    void perSeedLatentsAreStandardNormalInEveryComponent() {
        // gan generate --seeds 0-255 and gan fid draw one latent per consecutive seed; every
        // component must be N(0, 1) across seeds, the first ones too
        int seeds = 512;
        for (int k : new int[] {0, 1, 2, 255}) {
            double sum = 0;
            double sumSq = 0;
            for (int s = 0; s < seeds; s++) {
                double v = GanTrainer.latents(s, 1, 256)[k];
                sum += v;
                sumSq += v * v;
            }
            double mean = sum / seeds;
            double sd = Math.sqrt(sumSq / seeds - mean * mean);
            // 512 draws: the mean's standard error is 0.044, the sd's about 0.031
            assertThat(mean).as("component %d: mean over seeds", k).isBetween(-0.2, 0.2);
            assertThat(sd).as("component %d: standard deviation over seeds", k).isBetween(0.85, 1.15);
        }
    }

}
