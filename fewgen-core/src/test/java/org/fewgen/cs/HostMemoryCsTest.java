package org.fewgen.cs;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.fewgen.FreedHostMemory;
import org.fewgen.TestNumerics;
import org.fewgen.nn.Module;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compressed-sensing objectives must not read memory Java may have freed (see
 * org.fewgen.train.HostMemoryStepTest for the cause): with a garbage collection and fresh NaN-filled
 * allocations between forward and backward, every gradient stays bit for bit what it is without.
 * Before the objectives used Tensors.scalar, the UAE's division by the batch size and the CS-VAE's
 * factors were DJL scalars, and these gradients came out NaN.
 */
class HostMemoryCsTest {

    @Test
    void uaeObjectiveWithEncoderPenalty() {
        for (String encoder : new String[] {"linear", "mlp"}) {
            UaeConfig config = new UaeConfig("mnist", 6, 0.1f, encoder, encoder.equals("mlp") ? new int[] {12}
                    : new int[0], new int[] {16}, 1, 5, 1e-3f, 0.01f, 0f, 4L, null, 0);
            assertSameGradients("UAE, " + encoder + " encoder", m -> {
                Encoder e = encoder.equals("mlp") ? new MlpEncoder(m, 20, new int[] {12}, 6) : new LinearEncoder(m, 20, 6);
                return new UncertaintyAutoencoder(m, e, new int[] {16}, 0.1f);
            }, (model, x) -> UaeTrainer.objective((UncertaintyAutoencoder) model, x, config, true)[1]);
        }
    }

    @Test
    void csVaeLossAndRecoveryObjective() {
        assertSameGradients("CS-VAE loss", m -> new CsVae(m, 20, 3, new int[] {16}),
                (model, x) -> ((CsVae) model).loss(x));
        assertSameGradients("CS-VAE recovery objective", m -> new CsVae(m, 20, 3, new int[] {16}), (model, x) -> {
            CsVae vae = (CsVae) model;
            NDManager m = x.getManager();
            NDArray z = m.randomNormal(new Shape(5, 3));
            NDArray aT = m.randomNormal(new Shape(20, 4));
            NDArray y = m.randomNormal(new Shape(5, 4));
            // the objective's gradient that recovery follows flows into z through G; here into G's weights
            return vae.recoveryLoss(z, aT, y, 0.1);
        });
    }

    private interface Objective {
        NDArray apply(Module model, NDArray x);
    }

    private static void assertSameGradients(String what, Function<NDManager, Module> build, Objective objective) {
        assertThat(TestNumerics.bitwiseDifferences(gradients(build, objective, false), gradients(build, objective, true)))
                .as("%s: what reusing freed host memory before backward changed", what).isEmpty();
    }

    /** Every parameter's gradient after one backward from a fixed seed, with freed memory reused first if asked. */
    private static Map<String, double[]> gradients(Function<NDManager, Module> build, Objective objective, boolean reuse) {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            JniUtils.setSeed(5);
            Module model = build.apply(m);
            NDArray x = m.randomUniform(0f, 1f, new Shape(5, 20));
            JniUtils.setSeed(6);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = objective.apply(model, x);
                if (reuse) {
                    FreedHostMemory.reuse();
                }
                gc.backward(loss);
            }
            Map<String, double[]> out = new LinkedHashMap<>();
            model.namedParameters().forEach((k, p) -> out.put(k, p.getGradient().toType(
                    ai.djl.ndarray.types.DataType.FLOAT64, true).toDoubleArray()));
            return out;
        }
    }
}
