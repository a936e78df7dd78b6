package org.fewgen.train;

import ai.djl.Device;
import org.fewgen.FreedHostMemory;
import org.fewgen.TestNumerics;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

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
        // a non-finite loss would skip a step's gradients: they then show as missing
        assertThat(TestNumerics.bitwiseDifferences(steps(name, float64, false), steps(name, float64, true)))
                .as("%s (float64 %s): what reusing freed host memory changed", name, float64).isEmpty();
    }

    /** The losses and the G and D gradients of three steps, by step and name. */
    private Map<String, double[]> steps(String name, boolean float64, boolean reuseFreedMemory) {
        StepParity.Case c = StepParity.Case.parse(name);
        TrainConfig config = StepParity.config(c, tmp.resolve(name + (reuseFreedMemory ? "-reuse" : "-plain")));
        int b = config.run().batch();
        int r = config.generator().resolution();
        int zDim = config.generator().zDim();
        Map<String, double[]> out = new LinkedHashMap<>();
        try (GanTrainer t = new GanTrainer(config, new FastGanNetworks(), Device.cpu())) {
            if (float64) {
                StepParity.toFloat64(t);
            }
            t.setGradientObserver((who, params) -> params.forEach((k, p) -> {
                if (p.hasGradient()) {
                    out.put("step " + t.step() + " grad " + who + "." + k, StepParity.host(p.getGradient()));
                }
            }));
            if (reuseFreedMemory) {
                t.setBeforeBackward(FreedHostMemory::reuse);
            }
            for (int k = 0; k < 3; k++) {
                GanTrainer.StepResult s = t.trainStep(StepParity.reals(k, b, r), StepParity.latents(2 * k, b, zDim),
                        StepParity.latents(2 * k + 1, b, zDim), true);
                out.put("step " + k + " losses", new double[] {s.lossG(), s.lossD(), s.dReal(), s.dFake()});
            }
        }
        return out;
    }
}
