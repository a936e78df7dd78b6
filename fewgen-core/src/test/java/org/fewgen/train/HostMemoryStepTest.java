package org.fewgen.train;

import ai.djl.Device;
import org.fewgen.FreedHostMemory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A training step must not read memory that Java may already have freed. DJL wraps Java direct
 * buffers without copying ({@code create}, and the scalar of {@code x.mul(0.5f)}), and frees them
 * once their handle is closed and collected, while autograd may still hold them for backward; the
 * step then reads whatever was allocated there since, which happens rarely and depends on when the
 * collector runs (the float64 resize weights did this, and made the float64 parity test fail on
 * one run in several). Here a collection and fresh NaN-filled allocations run just before every
 * backward pass: the losses and every gradient must stay bit for bit those of the same steps
 * without them.
 */
class HostMemoryStepTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"g-conv_d-conv_64, false", "g-dsc_d-dsc_64_aug_d128, false", "g-dsc_d-conv_64, true"})
    void stepsDoNotChangeWhenFreedHostMemoryIsReused(String name, boolean float64) {
        List<double[]> plain = steps(name, float64, false);
        names.clear();
        List<double[]> churned = steps(name, float64, true);
        assertThat(churned.size()).as("%s (float64 %s): recorded quantities (a non-finite loss skips a step's)", name,
                float64).isEqualTo(plain.size());
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < plain.size(); i++) {
            double[] a = plain.get(i);
            double[] c = churned.get(i);
            int differing = 0;
            for (int j = 0; j < a.length; j++) {
                // bit for bit, NaN included
                if (Double.doubleToLongBits(a[j]) != Double.doubleToLongBits(c[j])) {
                    differing++;
                }
            }
            if (differing > 0) {
                changed.add(quantity(i, a.length) + ": " + differing + " of " + a.length + " values");
            }
        }
        assertThat(changed).as("%s (float64 %s): what reusing freed host memory changed", name, float64).isEmpty();
    }

    private final List<String> names = new ArrayList<>();

    private String quantity(int i, int size) {
        return i < names.size() ? names.get(i) : "#" + i;
    }

    /** The losses and the G and D gradients of three steps, in the order they occur. */
    private List<double[]> steps(String name, boolean float64, boolean reuseFreedMemory) {
        StepParity.Case c = StepParity.Case.parse(name);
        TrainConfig config = StepParity.config(c, tmp.resolve(name + (reuseFreedMemory ? "-reuse" : "-plain")));
        int b = config.run().batch();
        int r = config.generator().resolution();
        int zDim = config.generator().zDim();
        List<double[]> out = new ArrayList<>();
        try (GanTrainer t = new GanTrainer(config, new FastGanNetworks(), Device.cpu())) {
            if (float64) {
                StepParity.toFloat64(t);
            }
            t.setGradientObserver((who, params) -> params.forEach((k, p) -> {
                if (p.hasGradient()) {
                    out.add(StepParity.host(p.getGradient()));
                    names.add("step " + t.step() + " grad " + who + "." + k);
                }
            }));
            if (reuseFreedMemory) {
                t.setBeforeBackward(FreedHostMemory::reuse);
            }
            for (int k = 0; k < 3; k++) {
                GanTrainer.StepResult s = t.trainStep(StepParity.reals(k, b, r), StepParity.latents(2 * k, b, zDim),
                        StepParity.latents(2 * k + 1, b, zDim), true);
                out.add(new double[] {s.lossG(), s.lossD(), s.dReal(), s.dFake()});
                names.add("step " + k + " losses");
            }
        }
        return out;
    }
}
