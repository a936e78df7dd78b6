package org.fewgen.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.fewgen.gan.ConvKind;
import org.fewgen.nn.Precision;
import org.fewgen.TestNumerics;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One training step of the real networks (FastGAN-lite G with dsc up-blocks, projected D on the
 * bundled MobileNetV2) in bf16 mixed precision against the same step in fp32 from the same
 * weights and inputs: the losses agree within bfloat16's rounding, the gradients of G and of D
 * move no more than an fp32 step's do when its inputs are rounded to bf16's precision, the bf16
 * step really computed in bf16 (it differs from fp32), and weights, buffers and gradients stay
 * float32. (Layer by layer, where the comparison is not chaotic, {@code AutocastTest} checks the
 * ~1e-2 agreement directly.)
 */
class MixedPrecisionStepTest {

    record Step(float lossG, float lossD, Map<String, float[]> gradients, Map<String, DataType> types) {
    }

    static Step run(Precision precision, double perturb) {
        TrainConfig config = TrainConfig.builder().data("none").resolution(64).generator(ConvKind.DSC).ngf(8)
                .batch(2).seed(11).device("cpu").precision(precision).dInput(128).build();
        int b = config.run().batch();
        int r = config.generator().resolution();
        Random rnd = new Random(5);
        float[] reals = new float[b * 3 * r * r];
        for (int i = 0; i < reals.length; i++) {
            reals[i] = (float) Math.tanh(rnd.nextGaussian());
            reals[i] *= (float) (1 + perturb * rnd.nextGaussian());
        }
        float[] zG = GanTrainer.latents(1, b, config.generator().zDim());
        float[] zD = GanTrainer.latents(2, b, config.generator().zDim());
        for (float[] z : new float[][] {zG, zD}) {
            for (int i = 0; i < z.length; i++) {
                z[i] *= (float) (1 + perturb * rnd.nextGaussian());
            }
        }
        Map<String, float[]> gradients = new LinkedHashMap<>();
        Map<String, DataType> types = new LinkedHashMap<>();
        try (GanTrainer t = new GanTrainer(config, new FastGanNetworks(), Device.cpu())) {
            assertThat(t.precision()).isEqualTo(precision);
            t.setGradientObserver((who, params) -> params.forEach((k, p) -> {
                if (p.hasGradient()) {
                    try (NDArray g = p.getGradient()) {
                        types.put("grad." + who + "." + k, g.getDataType());
                        gradients.put(who + "." + k, g.toType(DataType.FLOAT32, false).toFloatArray());
                    }
                }
            }));
            GanTrainer.StepResult s = t.trainStep(reals, zG, zD, false);
            t.generator().stateDict().forEach((k, v) -> types.put("G." + k, v.getDataType()));
            t.discriminator().stateDict().forEach((k, v) -> types.put("D." + k, v.getDataType()));
            t.generatorEma().stateDict().forEach((k, v) -> types.put("G_ema." + k, v.getDataType()));
            if (precision == Precision.BF16) {
                // the casts' results (of weights too) are closed with the step: nothing accumulates
                t.setGradientObserver(null);
                int arrays = t.manager().getManagedArrays().size();
                t.trainStep(reals, zG, zD, false);
                t.sampleEma(zG);
                assertThat(t.manager().getManagedArrays().size()).as("arrays of the model manager").isEqualTo(arrays);
            }
            return new Step(s.lossG(), s.lossD(), gradients, types);
        }
    }

    @Test
    void bf16StepMatchesFp32StepWithinBf16RoundingAndKeepsFp32State() {
        Step fp32 = run(Precision.FP32, 0);
        Step bf16 = run(Precision.BF16, 0);
        // the control: an fp32 step whose inputs (reals and both latents) carry one bf16 rounding
        // (relative 2^-8): how far this step's gradients move for a perturbation of bf16's size
        Step nudged = run(Precision.FP32, 1.0 / 256);

        for (int k = 0; k < 2; k++) {
            String name = k == 0 ? "loss_G" : "loss_D";
            double ref = k == 0 ? fp32.lossG() : fp32.lossD();
            double got = k == 0 ? bf16.lossG() : bf16.lossD();
            double control = k == 0 ? nudged.lossG() : nudged.lossD();
            System.out.printf(java.util.Locale.ROOT, "%s: fp32 %.5f, bf16 %.5f, fp32 with rounded inputs %.5f%n", name,
                    ref, got, control);
            // logits are O(1): bf16 rounding moves a mean of them by ~1e-2
            assertThat(Math.abs(got - ref)).as(name).isLessThan(Math.max(2 * Math.abs(control - ref),
                    2e-2 * Math.max(1, Math.abs(ref))));
        }
        assertThat(bf16.gradients().keySet()).isEqualTo(fp32.gradients().keySet()).isNotEmpty();
        for (String net : new String[] {"G.", "D."}) {
            double bf16Error = TestNumerics.relativeNorm(concat(bf16, net), concat(fp32, net));
            double controlError = TestNumerics.relativeNorm(concat(nudged, net), concat(fp32, net));
            System.out.printf(java.util.Locale.ROOT, "%s gradients: bf16 vs fp32 %.3e, fp32 with inputs rounded"
                    + " to bf16 precision vs fp32 %.3e%n", net, bf16Error, controlError);
            // batch norm over 2 samples and the hinge make one step's gradients sensitive to any
            // rounding: bf16 compute may move them no more than rounding the inputs does
            assertThat(bf16Error).as("%s gradient error of bf16 (control %s)", net, controlError)
                    .isLessThan(2 * controlError + 1e-2);
            // and the bf16 step did compute in bf16: fp32 would agree to ~1e-6
            assertThat(bf16Error).as("%s gradient error of a bf16 step", net).isGreaterThan(1e-4);
        }
        // master weights, buffers, EMA copy and every gradient stay float32
        assertThat(bf16.types()).isNotEmpty().allSatisfy((k, t) -> assertThat(t).as(k).isEqualTo(DataType.FLOAT32));
    }

    /** All gradients of one network ({@code "G."} or {@code "D."}) as one vector. */
    static float[] concat(Step s, String prefix) {
        int n = 0;
        for (Map.Entry<String, float[]> e : s.gradients().entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                n += e.getValue().length;
            }
        }
        float[] out = new float[n];
        int at = 0;
        for (Map.Entry<String, float[]> e : s.gradients().entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                System.arraycopy(e.getValue(), 0, out, at, e.getValue().length);
                at += e.getValue().length;
            }
        }
        return out;
    }

    static double relative(double a, double b) {
        return Math.abs(a - b) / Math.max(Math.abs(b), 1e-6);
    }
}
